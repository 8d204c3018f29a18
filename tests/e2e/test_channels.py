"""Whole conversations over Telegram and WhatsApp (local stubs of their APIs), through the real assistant."""

from __future__ import annotations

import pytest

from testkit.gateway_harness import Harness, start, until
from testkit.stubs.graph_api import webhook_body
from testkit.stubs.telegram_api import callback_update, text_update
from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e


@pytest.fixture()
async def gw(assistant: Assistant):  # type: ignore[no-untyped-def]
    harness = await start(assistant.db_url, rasa_url=assistant.url, keys=assistant.keys)
    yield harness
    await harness.close()


async def test_question_then_booking_over_telegram(gw: Harness) -> None:
    chat, n = 7001, iter(range(1, 100))

    async def say(text: str) -> list[str]:
        before = len(gw.telegram.sent("sendMessage", str(chat)))
        await gw.telegram_update(text_update(next(n), chat, text))
        await until(lambda: len(gw.telegram.sent("sendMessage", str(chat))) > before, what=f"reply to {text!r}")
        await until(lambda: gw.gateway_idle(), what="the turn to finish")
        return gw.telegram.texts(str(chat))[before:]

    assert "Persyaratan KTP" in "\n".join(await say("syarat bikin ktp apa?"))
    assert "Atas nama" in "\n".join(await say("mau antri kk senin depan jam 9 di mpp bogor"))
    await say("Agus Salim")
    await say("3271041011850007")
    summary = await say("lewati")
    assert "3271********0007" in "\n".join(summary)
    keyboard = gw.telegram.sent("sendMessage", str(chat))[-1]["reply_markup"]["inline_keyboard"]
    yes = keyboard[0][0]["callback_data"]
    await gw.telegram_update(callback_update(next(n), chat, yes))
    await until(lambda: gw.telegram.sent("sendPhoto", str(chat)), what="the QR photo")
    assert any("Antrean berhasil dipesan" in t for t in gw.telegram.texts(str(chat)))


async def test_question_then_booking_over_whatsapp(gw: Harness) -> None:
    wa, n = "6285700000001", iter(range(1, 100))

    async def send(message: dict) -> list[dict]:
        before = len(gw.graph.to(wa))
        await gw.whatsapp_post(webhook_body(wa, {"id": f"wamid.e2e{next(n)}", **message}))
        await until(lambda: len(gw.graph.to(wa)) > before, what="a reply")
        await until(lambda: gw.gateway_idle(), what="the turn to finish")
        return gw.graph.to(wa)[before:]

    def text(body: str) -> dict:
        return {"type": "text", "text": {"body": body}}

    def chosen(reply: dict, index: int = 0) -> dict:
        interactive = reply["interactive"]
        if interactive["type"] == "list":
            row = interactive["action"]["sections"][0]["rows"][index]
            return {
                "type": "interactive",
                "interactive": {"type": "list_reply", "list_reply": {"id": row["id"], "title": row["title"]}},
            }
        button = interactive["action"]["buttons"][index]
        return {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": button["reply"]}}

    fee = await send(text("skck brp duit kak"))
    assert any("Rp30.000" in (m.get("text") or {}).get("body", "") or "Rp30.000" in str(m) for m in fee)
    days = [m for m in await send(text("mau antri akta kelahiran di mpp bekasi")) if m["type"] == "interactive"]
    times = [m for m in await send(chosen(days[-1], 1)) if m["type"] == "interactive"]
    assert times[-1]["interactive"]["type"] == "list"  # ten slots: a list, rows within 24 characters
    await send(chosen(times[-1], 2))
    await send(text("Nur Aini"))
    await send(text("3275015506880005"))
    summary = [m for m in await send(text("lewati")) if m["type"] == "interactive"]
    assert summary[-1]["interactive"]["type"] == "list"  # "Ya, pesan", a row per detail to change, "Batal"
    rows = [r["title"] for r in summary[-1]["interactive"]["action"]["sections"][0]["rows"]]
    assert rows[0] == "Ya, pesan" and "Ubah tanggal" in rows
    done = await send(chosen(summary[-1], 0))
    await until(lambda: any(m["type"] == "image" for m in gw.graph.to(wa)), what="the QR image")
    assert "Antrean berhasil dipesan" in str(done + gw.graph.to(wa))
