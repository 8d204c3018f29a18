"""The console's "Pesan yang belum terjawab": groups with counts and masked examples, the "add to
training data" button, bad input, and who may see it."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from mpp import turns
from mpp.db.survey_tables import FallbackGroupRow
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto, Keys
from tests.console_harness import running_console

NIK = "3271045708900001"


@pytest.fixture()
async def site(sqlite_url: str, demo, monkeypatch):  # type: ignore[no-untyped-def]
    keys = Keys.generate()
    monkeypatch.setenv("MPP_PII_KEY", keys.encryption.decode())
    monkeypatch.setenv("MPP_PII_HASH_KEY", keys.hashing.decode())
    async with running_console(sqlite_url, demo) as running:
        crypto = Crypto(keys)
        fallback = turns.Understood("nlu_fallback", 0.3, None)
        with UnitOfWork(running.factory, write=True) as uow:
            for i, text in enumerate(
                (
                    "kucing saya hilang di pasar",
                    "kucing saya hilang di pasar kemarin",
                    f"kucing hilang di pasar, nik {NIK}",
                    "cara daftar beasiswa kuliah",
                )
            ):
                at = running.clock() - timedelta(hours=i)
                turns.record(uow.session, crypto, f"telegram:{i}", text, fallback, at, f"inbox:{i}")
            # Bekasi's chats: one names its MPP, the other chose it by button after asking; its next turn inherits
            names_bekasi = turns.Understood("nlu_fallback", 0.2, None, "kota_bekasi")
            at = running.clock() - timedelta(minutes=10)
            turns.record(uow.session, crypto, "telegram:20", "parkir motor bayar berapa", names_bekasi, at, "inbox:20")
            turns.record(uow.session, crypto, "telegram:21", "parkir motor bayar berapa ya", fallback, at, "inbox:21")
            turns.chose_mpp(uow.session, crypto, "telegram:21", "kota_bekasi", running.clock())
            turns.record(uow.session, crypto, "telegram:21", "parkir motor bayar berapa sih", fallback, at, "inbox:22")
            turns.record(
                uow.session,
                crypto,
                "telegram:9",
                "syarat ktp",
                turns.Understood("tanya_syarat", 0.98, "ktp_el"),
                at,
                "inbox:9",
            )
            uow.commit()
        yield running


async def test_a_national_admin_sees_groups_and_marks_one_for_training(site) -> None:  # type: ignore[no-untyped-def]
    client, csrf = await site.login("nasional")
    async with contextlib.aclosing(client):
        assert 'href="/fallbacks"' in (await client.get("/")).text
        page = await client.get("/fallbacks")
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert "<td>3</td>" in page.text and "<td>1</td>" in page.text  # the lost cat three times, the scholarship once
        assert "kucing hilang di pasar, nik [NIK]" in page.text and NIK not in page.text
        assert "syarat ktp" not in page.text  # understood turns are not listed
        key = page.text.split('action="/fallbacks/', 1)[1].split("/mark", 1)[0]

        bad = await client.post(f"/fallbacks/{key}/mark", data={"csrf": csrf, "intent": "Bukan Intent!"})
        assert bad.status_code == 303
        assert "huruf kecil" in (await client.get("/fallbacks")).text
        unknown = await client.post("/fallbacks/abc123/mark", data={"csrf": csrf, "intent": ""})
        assert unknown.status_code == 303 and "tidak ditemukan" in (await client.get("/fallbacks")).text

        marked = await client.post(f"/fallbacks/{key}/mark", data={"csrf": csrf, "intent": "di_luar_topik"})
        assert marked.status_code == 303
        page = (await client.get("/fallbacks")).text
        assert "Ditandai untuk data latih: 3 contoh" in page and "sudah ditandai" in page
    with UnitOfWork(site.factory) as uow:
        [row] = uow.session.execute(select(FallbackGroupRow)).scalars()
        assert row.intent == "di_luar_topik" and "kucing" not in row.examples_encrypted


async def test_an_mpp_administrator_sees_only_the_messages_of_chats_at_their_mpp(site) -> None:  # type: ignore[no-untyped-def]
    client, csrf = await site.login("nasional")
    async with contextlib.aclosing(client):
        national = (await client.get("/fallbacks")).text
    assert "kucing saya hilang" in national and "parkir motor" in national  # every MPP, and none known
    client, csrf = await site.login("admin.bekasi")
    async with contextlib.aclosing(client):
        assert 'href="/fallbacks"' in (await client.get("/")).text
        page = await client.get("/fallbacks")
        assert page.status_code == 200
        assert "kucing" not in page.text and "beasiswa" not in page.text  # no MPP known: national only
        assert "<td>3</td>" in page.text  # the parking question: named, chosen by button, and inherited
        key = page.text.split('action="/fallbacks/', 1)[1].split("/mark", 1)[0]
        marked = await client.post(f"/fallbacks/{key}/mark", data={"csrf": csrf, "intent": "tanya_parkir"})
        assert marked.status_code == 303 and "3 contoh" in (await client.get("/fallbacks")).text
    client, csrf = await site.login("admin.bogor")
    async with contextlib.aclosing(client):
        page = await client.get("/fallbacks")
        assert page.status_code == 200 and "parkir" not in page.text and "kucing" not in page.text
        assert (await client.post(f"/fallbacks/{key}/mark", data={"csrf": csrf})).status_code == 303
        assert "tidak ditemukan" in (await client.get("/fallbacks")).text  # Bekasi's group is not Bogor's
    client, csrf = await site.login("dukcapil.bogor")  # a clerk: no dashboard, no messages
    async with contextlib.aclosing(client):
        assert (await client.get("/fallbacks")).status_code == 403
        assert (await client.post("/fallbacks/abc/mark", data={"csrf": csrf})).status_code == 403
