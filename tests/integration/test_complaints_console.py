"""The complaint pages of the console: who sees which complaint (pungli: the supervisor only), assign, reply,
resolve with each step reaching the citizen's chat, overdue cases in red, the export button, and bad input."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.grievance.model import Draft
from mpp.grievance.service import ComplaintService
from mpp.privacy import Crypto, Keys
from tests.console_harness import running_console

SLOW = "Antri 4 jam di loket Dukcapil, petugasnya cuma satu. Nomor saya 081234567890"
PUNGLI = "Petugas Samsat minta uang pelicin 200rb biar cepat"


@pytest.fixture()
async def site(sqlite_url: str, demo, monkeypatch):  # type: ignore[no-untyped-def]
    keys = Keys.generate()
    monkeypatch.setenv("MPP_PII_KEY", keys.encryption.decode())
    monkeypatch.setenv("MPP_PII_HASH_KEY", keys.hashing.decode())
    async with running_console(sqlite_url, demo) as running:
        citizen = ComplaintService(running.factory, lambda: demo.catalogue, Crypto(keys), running.clock)
        citizen.file("telegram:1", Draft(SLOW, "kota_bogor", "disdukcapil", "tadi pagi", None))
        citizen.file("telegram:2", Draft(PUNGLI, "kota_bogor", "samsat", None, "0812 3456 7890"))
        running.citizen = citizen  # type: ignore[attr-defined]
        yield running


def kinds(site) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with UnitOfWork(site.factory) as uow:
        return [(r.chat_id, r.kind) for r in uow.session.execute(select(NotificationRow)).scalars()]


async def test_admin_assigns_clerk_answers_and_resolves(site) -> None:  # type: ignore[no-untyped-def]
    admin, csrf = await site.login("admin.bogor")
    async with contextlib.aclosing(admin):
        assert 'href="/complaints"' in (await admin.get("/")).text
        page = (await admin.get("/complaints")).text
        assert "ADU-2026-000001" in page and "ADU-2026-000002" not in page  # pungli: not for the administrator
        detail = await admin.get("/complaints/1")
        assert detail.headers["Cache-Control"] == "no-store"
        assert "0812*****890" in detail.text and "081234567890" not in detail.text
        assert (await admin.get("/complaints/2")).status_code == 404
        assigned = await admin.post("/complaints/1/assign", data={"csrf": csrf, "agency": "disdukcapil"})
        assert assigned.status_code == 303
        bad = await admin.post("/complaints/1/assign", data={"csrf": csrf, "agency": "nope"})
        assert bad.status_code == 400 and "tidak ada" in bad.text
    assert kinds(site) == [("telegram:1", "complaint_assigned")]

    sari, csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(sari):
        assert "ADU-2026-000001" in (await sari.get("/complaints")).text
        assert 'action="/complaints/1/assign"' not in (await sari.get("/complaints/1")).text  # clerks do not assign
        empty = await sari.post("/complaints/1/reply", data={"csrf": csrf, "text": "  "})
        assert empty.status_code == 400 and "kosong" in empty.text
        long = "Mohon maaf atas antreannya. " * 200
        too_long = await sari.post("/complaints/1/reply", data={"csrf": csrf, "text": long})
        assert too_long.status_code == 400 and "terlalu panjang" in too_long.text and long[:100] in too_long.text
        nonce = re.search(r'name="nonce" value="([^"]+)"', (await sari.get("/complaints/1")).text)
        assert nonce
        form = {"csrf": csrf, "text": "Besok loket 3 dibuka.", "nonce": nonce.group(1)}
        sent = await sari.post("/complaints/1/reply", data=form)
        again = await sari.post("/complaints/1/reply", data=form)  # the same form submitted twice: sent once
        assert sent.status_code == again.status_code == 303
        other = re.search(r'name="nonce" value="([^"]+)"', (await sari.get("/complaints/1")).text)
        assert other and other.group(1) != nonce.group(1)
        done = await sari.post("/complaints/1/resolve", data={"csrf": csrf, "text": ""})
        assert done.status_code == 303
    assert [k for _, k in kinds(site)] == ["complaint_assigned", "complaint_reply", "complaint_resolved"]
    assert "selesai" in site.citizen.check("telegram:1", "cek pengaduan").text

    joko, _ = await site.login("samsat.bogor")  # another agency: sees neither
    async with contextlib.aclosing(joko):
        page = (await joko.get("/complaints")).text
        assert "ADU-2026-000001" not in page and "ADU-2026-000002" not in page


async def test_pungli_only_for_the_supervisor_and_other_mpps_see_nothing(site) -> None:  # type: ignore[no-untyped-def]
    spv, csrf = await site.login("supervisor.bogor")
    async with contextlib.aclosing(spv):
        detail = (await spv.get("/complaints/2")).text
        assert "Pungutan liar" in detail and "rahasia: hanya supervisor" in detail
        assert 'action="/complaints/2/assign"' not in detail
        forced = await spv.post("/complaints/2/assign", data={"csrf": csrf, "agency": "samsat"})
        assert forced.status_code == 400 and "tidak diteruskan" in forced.text
    bekasi, csrf = await site.login("admin.bekasi")
    async with contextlib.aclosing(bekasi):
        other = await bekasi.get("/complaints/1")
        unknown = await bekasi.get("/complaints/999")
        assert other.status_code == unknown.status_code == 404 and other.text == unknown.text
        assert (await bekasi.post("/complaints/1/reply", data={"csrf": csrf, "text": "x"})).status_code == 404
        assert "ADU-2026" not in (await bekasi.get("/complaints")).text
    assert kinds(site) == []


async def test_overdue_in_red_and_the_export_button(site) -> None:  # type: ignore[no-untyped-def]
    site.clock.at += timedelta(days=6)  # Monday 7 December: the first answers were due Friday 4th
    spv, _ = await site.login("supervisor.bogor")
    async with contextlib.aclosing(spv):
        page = (await spv.get("/complaints")).text
        assert page.count('class="overdue"') == 2
        exported = await spv.get("/complaints/export?from=2026-12-01&to=2026-12-01&format=csv")
        assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert [r["nomor"] for r in rows] == ["ADU-2026-000001", "ADU-2026-000002"]
        assert rows[1]["rahasia"] == "ya" and rows[1]["instansi"] == "" and "7890" not in exported.text
        as_json = await spv.get("/complaints/export?from=2026-12-01&to=2026-12-31&format=json")
        assert as_json.json()[0]["judul"].startswith("Pelayanan lambat")
        bad = await spv.get("/complaints/export?from=kemarin&to=2026-12-01&format=csv")
        assert bad.status_code == 303
        backwards = await spv.get("/complaints/export?from=2026-12-02&to=2026-12-01&format=csv")
        assert backwards.status_code == 303
