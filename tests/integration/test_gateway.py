"""The gateway over real HTTP against stubs of Telegram, the Graph API and Rasa's REST channel."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web

from mpp.booking.replies import qr_png_base64
from testkit.gateway_harness import WA_VERIFY, Harness, start, until
from testkit.stubs.graph_api import webhook_body
from testkit.stubs.telegram_api import callback_update, text_update, voice_update


class RasaStub:
    """Rasa's REST channel, answering by keyword; can be taken down and brought back."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.down = False
        self.empty = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        return app

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        sender, message = body["sender"], body["message"]
        if self.down:
            return web.Response(status=503)
        self.received.append((sender, message))
        if self.empty:
            return web.json_response([])
        return web.json_response(self.answer(sender, message))

    @staticmethod
    def answer(sender: str, message: str) -> list[dict[str, Any]]:
        base = {"recipient_id": sender}
        if message == "tombol tiga":
            return [
                {
                    **base,
                    "text": "Pilih:",
                    "buttons": [
                        {"title": t, "payload": f'/tanya_syarat{{"layanan": "{t}"}}'} for t in ("ktp_el", "kk", "skck")
                    ],
                }
            ]
        if message == "tombol banyak":
            buttons = [
                {"title": f"Senin, 30 November {h:02d}.00 (sisa 3)", "payload": f'/informasi{{"waktu": "{h:02d}:00"}}'}
                for h in range(7, 16)
            ]
            return [{**base, "text": "Pilih jam:", "buttons": buttons}]
        if message == "panjang":
            return [{**base, "text": "\n".join(f"baris nomor {i} dengan beberapa kata" for i in range(400))}]
        if message == "qr":
            return [
                {**base, "text": "Antrean berhasil dipesan"},
                {**base, "custom": {"type": "booking_qr", "code": "K7X4QH9R", "png_base64": qr_png_base64("K7X4QH9R")}},
            ]
        if message == "lokasi":
            return [
                {
                    **base,
                    "custom": {
                        "type": "location",
                        "latitude": -6.6,
                        "longitude": 106.8,
                        "title": "MPP Kota Bogor",
                        "address": "Jl. Pajajaran",
                    },
                }
            ]
        return [{**base, "text": f"echo: {message}"}]


@pytest.fixture()
async def rasa() -> RasaStub:
    return RasaStub()


@pytest.fixture()
async def gw(sqlite_url: str, rasa: RasaStub):  # type: ignore[no-untyped-def]
    harness = await start(sqlite_url, rasa_app=rasa.app())
    harness.gateway.retry_delays = (0.2, 0.2, 0.2, 0.2, 0.2, 0.2)
    yield harness
    await harness.close()


async def test_telegram_webhook_needs_the_secret_token(gw: Harness, rasa: RasaStub) -> None:
    assert (await gw.telegram_update(text_update(1, 42, "halo"), secret=None)).status_code == 403
    assert (await gw.telegram_update(text_update(2, 42, "halo"), secret="wrong")).status_code == 403
    assert (await gw.telegram_update(text_update(3, 42, "halo"))).status_code == 200
    await until(lambda: gw.telegram.texts("42") == ["echo: halo"], what="one reply")
    assert rasa.received == [("telegram:42", "halo")]


async def test_same_update_delivered_twice_is_answered_once(gw: Harness, rasa: RasaStub) -> None:
    for _ in range(3):
        assert (await gw.telegram_update(text_update(7, 43, "syarat ktp"))).status_code == 200
    await until(lambda: len(gw.telegram.texts("43")) == 1, what="the reply")
    await asyncio.sleep(0.5)
    assert len(gw.telegram.texts("43")) == 1 and len(rasa.received) == 1


async def test_buttons_are_short_ids_and_a_press_sends_the_payload(gw: Harness, rasa: RasaStub) -> None:
    await gw.telegram_update(text_update(10, 44, "tombol banyak"))
    await until(lambda: gw.telegram.sent("sendMessage", "44"), what="keyboard")
    keyboard = gw.telegram.sent("sendMessage", "44")[0]["reply_markup"]["inline_keyboard"]
    data = [row[0]["callback_data"] for row in keyboard]
    assert len(data) == 9 and all(len(d.encode()) <= 64 and d.startswith("b:") for d in data)
    await gw.telegram_update(callback_update(11, 44, data[2]))
    await until(lambda: len(rasa.received) == 2, what="the payload")
    assert rasa.received[1] == ("telegram:44", '/informasi{"waktu": "09:00"}')
    assert gw.telegram.sent("answerCallbackQuery")
    await gw.telegram_update(callback_update(12, 45, data[2]))  # another chat pressing our button: refused
    await until(lambda: gw.telegram.texts("45"), what="stale-button reply")
    assert "tidak berlaku" in gw.telegram.texts("45")[0] and len(rasa.received) == 2


async def test_long_answers_are_split_at_line_ends_under_4096(gw: Harness) -> None:
    await gw.telegram_update(text_update(20, 46, "panjang"))
    await until(lambda: len(gw.telegram.texts("46")) >= 3, what="chunks")
    chunks = gw.telegram.texts("46")
    assert all(len(c) <= 4096 for c in chunks)
    assert all(line.startswith("baris nomor") for c in chunks for line in c.split("\n"))  # no line cut in two


async def test_qr_as_photo_and_place_as_venue(gw: Harness) -> None:
    await gw.telegram_update(text_update(30, 47, "qr"))
    await gw.telegram_update(text_update(31, 47, "lokasi"))
    await until(
        lambda: gw.telegram.sent("sendPhoto", "47") and gw.telegram.sent("sendVenue", "47"), what="photo and venue"
    )
    assert gw.telegram.sent("sendVenue", "47")[0]["title"] == "MPP Kota Bogor"


async def test_typed_slash_text_never_becomes_an_intent(gw: Harness, rasa: RasaStub) -> None:
    await gw.telegram_update(text_update(40, 48, '/tanya_biaya{"layanan": "paspor"}'))
    await gw.telegram_update(text_update(41, 48, "/start"))
    await gw.telegram_update(text_update(42, 48, "/batal"))
    await until(lambda: len(rasa.received) == 3, what="three turns")
    assert [m for _, m in rasa.received] == ['tanya_biaya{"layanan": "paspor"}', "/sapa", "/negasi"]


async def test_a_printed_tickets_deep_link_reaches_the_rest_channel_as_words(gw: Harness, rasa: RasaStub) -> None:
    token = "tk1a_2b_" + "0" * 24  # the REST channel checks the signature (bot.ticket_link)
    await gw.telegram_update(text_update(43, 48, f"/start {token}"))
    await gw.telegram_update(text_update(44, 48, "/start bukan-token"))
    await until(lambda: len(rasa.received) == 2, what="two turns")
    assert [m for _, m in rasa.received] == [f"ikuti {token}", "/sapa"]


async def test_voice_notes_get_a_polite_request_to_type(gw: Harness, rasa: RasaStub) -> None:
    await gw.telegram_update(voice_update(50, 49))
    await until(lambda: gw.telegram.texts("49"), what="reply")
    assert "ketik" in gw.telegram.texts("49")[0] and rasa.received == []


async def test_rasa_down_tells_the_user_and_keeps_the_message(gw: Harness, rasa: RasaStub) -> None:
    rasa.down = True
    await gw.telegram_update(text_update(60, 50, "syarat kk"))
    await until(lambda: gw.telegram.texts("50"), what="busy message")
    assert "sibuk" in gw.telegram.texts("50")[0]
    await asyncio.sleep(0.6)
    rasa.down = False
    await until(lambda: "echo: syarat kk" in gw.telegram.texts("50"), what="the answer after recovery")
    assert sum("sibuk" in t for t in gw.telegram.texts("50")) == 1  # told once, not at every retry


async def test_empty_answer_from_rasa_counts_as_down(gw: Harness, rasa: RasaStub) -> None:
    rasa.empty = True
    await gw.telegram_update(text_update(70, 51, "halo"))
    await until(lambda: gw.telegram.texts("51"), what="busy message")
    assert "sibuk" in gw.telegram.texts("51")[0]
    rasa.empty = False
    await until(lambda: "echo: halo" in gw.telegram.texts("51"), what="the answer")


async def test_flood_control_429_is_waited_out_and_delivered(gw: Harness) -> None:
    gw.telegram.flood_next, gw.telegram.retry_after = 1, 1
    await gw.telegram_update(text_update(80, 52, "halo"))
    # the stub records the refused try too: the delivery is the second call, a retry_after later
    await until(lambda: len(gw.telegram.sent("sendMessage", "52")) == 2, timeout=10, what="delivery after 429")
    assert gw.telegram.texts("52") == ["echo: halo", "echo: halo"]


async def test_messages_of_one_sender_stay_in_order(gw: Harness, rasa: RasaStub) -> None:
    for i in range(8):
        await gw.telegram_update(text_update(100 + i, 53, f"pesan {i}"))
    await until(lambda: len(rasa.received) == 8, what="all turns")
    assert [m for _, m in rasa.received] == [f"pesan {i}" for i in range(8)]


async def test_whatsapp_verification_handshake(gw: Harness) -> None:
    ok = await gw.http.get(
        f"{gw.url}/whatsapp/webhook",
        params={"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY, "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    bad = await gw.http.get(
        f"{gw.url}/whatsapp/webhook", params={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}
    )
    assert bad.status_code == 403


async def test_whatsapp_signature_is_required(gw: Harness, rasa: RasaStub) -> None:
    body = webhook_body("6281234567890", {"id": "wamid.1", "type": "text", "text": {"body": "halo"}})
    assert (await gw.whatsapp_post(body, secret=None)).status_code == 401
    assert (await gw.whatsapp_post(body, secret="forged")).status_code == 401
    assert rasa.received == []
    assert (await gw.whatsapp_post(body)).status_code == 200
    await until(lambda: gw.graph.to("6281234567890"), what="reply")
    sender = rasa.received[0][0]
    assert sender.startswith("whatsapp:") and "6281234567890" not in sender  # a keyed hash, not the number


async def test_whatsapp_options_render_as_buttons_or_list_within_limits(gw: Harness, rasa: RasaStub) -> None:
    wa = "6281111111111"
    await gw.whatsapp_post(webhook_body(wa, {"id": "wamid.a", "type": "text", "text": {"body": "tombol tiga"}}))
    await gw.whatsapp_post(webhook_body(wa, {"id": "wamid.b", "type": "text", "text": {"body": "tombol banyak"}}))
    await until(lambda: len(gw.graph.to(wa)) == 2, what="two interactive messages")
    buttons, listing = gw.graph.to(wa)
    assert buttons["interactive"]["type"] == "button" and len(buttons["interactive"]["action"]["buttons"]) == 3
    assert listing["interactive"]["type"] == "list"
    rows = listing["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows) == 9 and all(len(r["title"]) <= 24 for r in rows)
    await gw.whatsapp_post(
        webhook_body(
            wa,
            {
                "id": "wamid.c",
                "type": "interactive",
                "interactive": {"type": "list_reply", "list_reply": {"id": rows[0]["id"], "title": "x"}},
            },
        )
    )
    await until(lambda: len(rasa.received) == 3, what="the chosen row")
    assert rasa.received[2][1] == '/informasi{"waktu": "07:00"}'


async def test_whatsapp_dedup_image_location_and_unsupported(gw: Harness, rasa: RasaStub) -> None:
    wa = "6282222222222"
    body = webhook_body(wa, {"id": "wamid.q", "type": "text", "text": {"body": "qr"}})
    for _ in range(2):  # Meta retries deliveries
        await gw.whatsapp_post(body)
    await gw.whatsapp_post(webhook_body(wa, {"id": "wamid.v", "type": "audio", "audio": {"id": "a1"}}))
    await gw.whatsapp_post(
        webhook_body(wa, {"id": "wamid.l", "type": "location", "location": {"latitude": -6.6, "longitude": 106.8}})
    )
    await until(lambda: len(gw.graph.to(wa)) >= 4, what="replies")
    kinds = [c["type"] for c in gw.graph.to(wa)]
    assert kinds.count("image") == 1 and gw.graph.uploads == 1  # one QR, uploaded once: the retry was ignored
    assert any(c["type"] == "text" and "ketik" in c["text"]["body"] for c in gw.graph.to(wa))
    assert [m for _, m in rasa.received] == ["qr", "/tanya_lokasi"]


async def test_status_callbacks_are_accepted(gw: Harness) -> None:
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "W",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "statuses": [{"id": "wamid.x", "status": "delivered", "recipient_id": "628"}],
                        },
                    }
                ],
            }
        ],
    }
    assert (await gw.whatsapp_post(body)).status_code == 200


async def test_garbage_bodies_get_400_not_500(gw: Harness) -> None:
    bad = await gw.http.post(
        f"{gw.url}/telegram/webhook",
        content=b"{not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token-for-tests"},
    )
    assert bad.status_code == 400
    assert (await gw.whatsapp_post({"entry": "nonsense"})).status_code in (200, 400)


async def test_whatsapp_notifications_use_a_template_outside_the_24_hour_window(gw: Harness) -> None:
    from datetime import timedelta

    wa = "6283333333333"
    await gw.whatsapp_post(webhook_body(wa, {"id": "wamid.n1", "type": "text", "text": {"body": "halo"}}))
    await until(lambda: gw.graph.to(wa), what="reply")
    sender = gw.gateway.whatsapp_sender_id(wa)
    assert await gw.gateway.notify(sender, "Nomor antrean A-012 tinggal 3 nomor lagi") == "text"
    real_now = gw.gateway._now
    gw.gateway._now = lambda: real_now() + timedelta(hours=25)
    assert await gw.gateway.notify(sender, "Pengingat: besok pukul 09.00") == "template"
    template = gw.graph.to(wa)[-1]["template"]
    assert template["name"] == "mpp_pemberitahuan" and template["components"][0]["parameters"][0]["text"].startswith(
        "Pengingat"
    )


async def test_two_gateway_processes_keep_one_senders_order(postgres_gateways) -> None:  # type: ignore[no-untyped-def]
    first, second, rasa = postgres_gateways
    for i in range(10):
        target = first if i % 2 == 0 else second
        await target.telegram_update(text_update(500 + i, 77, f"pesan {i}"))
    await until(lambda: len(rasa.received) == 10, what="ten turns")
    assert [m for _, m in rasa.received] == [f"pesan {i}" for i in range(10)]


@pytest.fixture()
async def postgres_gateways(pg_url: str):  # type: ignore[no-untyped-def]
    from mpp.privacy import Keys

    rasa, keys = RasaStub(), Keys.generate()  # the processes of one installation share the keys
    first = await start(pg_url, rasa_app=rasa.app(), keys=keys)
    second = await start(pg_url, rasa_url=first.gateway.settings.rasa_url, keys=keys)
    yield first, second, rasa
    await second.close()
    await first.close()


async def test_a_flooding_sender_is_slowed_politely_and_others_are_not(gw: Harness, rasa: RasaStub) -> None:
    import time

    from bot.ratelimit import Limiter

    # The buckets' clock stands still until the flood has been looked at, so that a slow
    # machine (each turn taking longer than the refill) cannot hide the limit.
    frozen_at: list[float | None] = [time.monotonic()]

    def clock() -> float:
        return frozen_at[0] if frozen_at[0] is not None else time.monotonic()

    gw.gateway.sender_limits = Limiter(global_rate=1e9, global_burst=1e9, chat_rate=5, chat_burst=3, clock=clock)
    for i in range(15):
        await gw.telegram_update(text_update(900 + i, 60, f"spam {i}"))
    await gw.telegram_update(text_update(999, 61, "halo, saya warga lain"))
    await until(lambda: "echo: halo, saya warga lain" in gw.telegram.texts("61"), timeout=10, what="the other citizen")
    await until(lambda: any("banyak sekali" in t for t in gw.telegram.texts("60")), what="the slow-down notice")
    await asyncio.sleep(0.5)
    assert [m for s, m in rasa.received if s == "telegram:60"] == ["spam 0", "spam 1", "spam 2"]  # the burst only
    frozen_at[0] = None
    await until(
        lambda: sum(1 for s, _ in rasa.received if s == "telegram:60") == 15, timeout=30, what="the whole flood"
    )
    assert sum("banyak sekali" in t for t in gw.telegram.texts("60")) == 1  # told once, not at every deferral
    assert [m for s, m in rasa.received if s == "telegram:60"] == [
        f"spam {i}" for i in range(15)
    ]  # in order, none lost
