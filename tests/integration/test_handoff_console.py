"""The handoff pages of the console: who sees which chats, claim, reply, end, and bad input on each form."""

from __future__ import annotations

import contextlib
import re

import pytest
from sqlalchemy import select

from mpp.db.handoff_tables import HandoffMessageRow
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.handoff.model import Author
from mpp.handoff.service import HandoffService
from mpp.privacy import Crypto, Keys
from mpp.privacy_store import store_token
from tests.console_harness import running_console


@pytest.fixture()
async def site(sqlite_url: str, demo, monkeypatch):  # type: ignore[no-untyped-def]
    keys = Keys.generate()  # the console loads the configured keys, as every process does
    monkeypatch.setenv("MPP_PII_KEY", keys.encryption.decode())
    monkeypatch.setenv("MPP_PII_HASH_KEY", keys.hashing.decode())
    async with running_console(sqlite_url, demo) as running:
        running.citizen = HandoffService(running.factory, lambda: demo.catalogue, Crypto(keys), running.clock)  # type: ignore[attr-defined]
        running.crypto = Crypto(keys)  # type: ignore[attr-defined]
        yield running


def notices(site) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with UnitOfWork(site.factory) as uow:
        return [(r.chat_id, r.kind) for r in uow.session.execute(select(NotificationRow)).scalars()]


async def test_a_clerk_takes_a_waiting_chat_replies_and_ends_it(site) -> None:  # type: ignore[no-untyped-def]
    client, csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(client):
        home = (await client.get("/")).text
        assert 'href="/handoffs"' in home
        page = (await client.get("/handoffs")).text  # opening the page puts Sari on duty
        assert "Tidak ada chat yang menunggu" in page
        with UnitOfWork(site.factory, write=True) as uow:
            token = store_token(uow.session, site.crypto, "telegram:55", "nik", "3271045708900001", site.clock())
            uow.commit()
        joined = site.citizen.join(
            "telegram:55",
            "kota_bogor",
            "disdukcapil",
            "kk",
            "tanya_syarat",
            [(Author.CITIZEN, f"syarat kk, NIK saya {token}", site.clock())],
        )
        assert "urutan ke-1" in joined.text
        page = (await client.get("/handoffs")).text
        assert "Warga #1 · Telegram" in page and "Kartu Keluarga (KK) · syarat" in page and "telegram:55" not in page

        chat = await client.get("/handoffs/1")
        assert chat.headers["Cache-Control"] == "no-store"
        assert "NIK saya 3271********0001" in chat.text and "3271045708900001" not in chat.text
        assert 'id="reply"' not in chat.text  # not hers yet

        claimed = await client.post("/handoffs/1/claim", data={"csrf": csrf})
        assert claimed.status_code == 303 and claimed.headers["Location"] == "/handoffs/1"
        chat = (await client.get("/handoffs/1")).text
        nonce = re.search(r'name="nonce" value="([^"]+)"', chat)
        assert nonce and 'id="reply"' in chat

        empty = await client.post("/handoffs/1/reply", data={"csrf": csrf, "text": "  ", "nonce": nonce.group(1)})
        assert empty.status_code == 400 and "Balasan kosong" in empty.text
        long = "Mohon maaf menunggu. " * 250
        too_long = await client.post("/handoffs/1/reply", data={"csrf": csrf, "text": long, "nonce": nonce.group(1)})
        assert too_long.status_code == 400 and "terlalu panjang" in too_long.text
        assert long.strip()[:200] in too_long.text  # the typed reply comes back in the form
        assert notices(site) == [("telegram:55", "handoff_claimed")]

        sent = await client.post(
            "/handoffs/1/reply", data={"csrf": csrf, "text": "Bisa, bawa surat pindah ya.", "nonce": nonce.group(1)}
        )
        again = await client.post(  # the same form submitted twice
            "/handoffs/1/reply", data={"csrf": csrf, "text": "Bisa, bawa surat pindah ya.", "nonce": nonce.group(1)}
        )
        assert sent.status_code == 303 and again.status_code == 303
        assert notices(site) == [("telegram:55", "handoff_claimed"), ("telegram:55", "handoff_reply")]

        site.citizen.gate("telegram:55", "siap, terima kasih")
        lines = (await client.get("/handoffs/1/lines?after=1")).json()
        assert [(ln["author"], ln["text"]) for ln in lines["lines"]] == [
            ("staff", "Bisa, bawa surat pindah ya."),
            ("citizen", "siap, terima kasih"),
        ]
        assert lines["lines"][0]["staff"] == "Sari"
        assert (await client.get("/handoffs/1/lines?after=abc")).status_code == 200

        ended = await client.post("/handoffs/1/end", data={"csrf": csrf})
        assert ended.status_code == 303 and ended.headers["Location"] == "/handoffs"
        assert [k for _, k in notices(site)] == ["handoff_claimed", "handoff_reply", "handoff_ended"]
        again_end = await client.post("/handoffs/1/end", data={"csrf": csrf})
        assert again_end.status_code == 303  # told why on the page, nothing sent twice
        assert len(notices(site)) == 3


async def test_other_mpps_agencies_and_roles_see_nothing_of_a_chat(site) -> None:  # type: ignore[no-untyped-def]
    sari, sari_csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(sari):
        await sari.get("/handoffs")
    site.citizen.join(
        "telegram:77", "kota_bogor", "disdukcapil", "kk", None, [(Author.CITIZEN, "rahasia", site.clock())]
    )

    rina, csrf = await site.login("dukcapil.bekasi")  # another MPP
    async with contextlib.aclosing(rina):
        for path in ("/handoffs/1", "/handoffs/1/lines"):
            response = await rina.get(path)
            assert response.status_code == 404 and "rahasia" not in response.text
        claim = await rina.post("/handoffs/1/claim", data={"csrf": csrf})
        assert claim.status_code == 404 and "tidak ditemukan" in claim.text
        assert "Warga #1" not in (await rina.get("/handoffs")).text
        forged = await rina.post("/handoffs/999999/claim", data={"csrf": csrf})
        assert forged.status_code == 404 and forged.text == claim.text  # unknown and not-yours look alike
        assert (await rina.post("/handoffs/99999999999999/claim", data={"csrf": csrf})).status_code == 404
        assert (await rina.post("/handoffs/abc/claim", data={"csrf": csrf})).status_code == 404
        assert (await rina.post("/handoffs/1/claim", data={})).status_code == 403  # no form token

    joko, csrf = await site.login("samsat.bogor")  # same MPP, another agency
    async with contextlib.aclosing(joko):
        assert (await joko.post("/handoffs/1/claim", data={"csrf": csrf})).status_code == 404

    for username in ("admin.bogor", "nasional"):  # roles without the permission
        client, csrf = await site.login(username)
        async with contextlib.aclosing(client):
            page = await client.get("/handoffs")
            assert page.status_code == 403 and "tidak berwenang" in page.text
            assert (await client.post("/handoffs/1/claim", data={"csrf": csrf})).status_code == 403

    spv, csrf = await site.login("supervisor.bogor")  # a supervisor takes any agency's chat of the MPP
    async with contextlib.aclosing(spv):
        assert 'href="/handoffs"' in (await spv.get("/")).text
        assert (await spv.post("/handoffs/1/claim", data={"csrf": csrf})).status_code == 303
    with UnitOfWork(site.factory) as uow:
        assert uow.session.execute(select(HandoffMessageRow.author)).scalars().all() == ["citizen"]


async def test_going_off_duty_sends_new_chats_to_leave_a_message(site) -> None:  # type: ignore[no-untyped-def]
    client, csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(client):
        await client.get("/handoffs")
        assert "Sambungkan sekarang?" in site.citizen.offer("telegram:1", "kota_bogor", "disdukcapil").text
        off = await client.post("/handoffs/off-duty", data={"csrf": csrf})
        assert off.status_code == 303
        assert "meninggalkan pesan" in site.citizen.offer("telegram:1", "kota_bogor", "disdukcapil").text
