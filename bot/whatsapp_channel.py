"""WhatsApp Cloud API: webhook verification and parsing, and a Graph API client for replies.

Every POST is checked against X-Hub-Signature-256 (HMAC-SHA256 of the raw body with
the app secret). Replies go as text, reply buttons (up to 3, titles up to 20
characters) or a list (up to 10 rows, titles up to 24), depending on the options;
images are uploaded; places are location messages. Outside the 24-hour customer
service window only approved templates may be sent (see ``send_template``).

The webhook route exists only when the app secret is set (``bot.webhooks``): with no secret
there is nothing to check a signature against, so nothing is accepted. Messages older than
``MAX_DELIVERY_AGE`` (their ``timestamp``) are ignored, so a replayed body stores nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from bot.channel import PermanentDeliveryError
from bot.ratelimit import Limiter
from bot.render import Image, Piece, Place, Text, shorten, split_text
from mpp import inbox
from mpp.db.uow import UnitOfWork
from mpp.inbox import MAX_DELIVERY_AGE
from mpp.privacy import Crypto

logger = logging.getLogger(__name__)
TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
MAX_REPLY_BUTTONS, BUTTON_TITLE = 3, 20
MAX_LIST_ROWS, ROW_TITLE, ROW_DESCRIPTION = 10, 24, 72
RETRYABLE_CODES = {4, 80007, 130429, 131056, 131000, 2}  # rate limits and transient server errors
WA_ID = re.compile(r"[0-9]{6,20}")  # a phone number in international form, digits only
UNSUPPORTED = {"audio", "voice", "image", "video", "sticker", "document", "contacts", "reaction", "unsupported"}


@dataclass(frozen=True)
class WaIncoming:
    external_id: str
    wa_id: str
    kind: str  # text | button | payload | unsupported
    body: str


WINDOW = timedelta(hours=24)  # WhatsApp's customer-service window


def signature_ok(app_secret: str, raw_body: bytes, header: str | None) -> bool:
    """True only for a body signed with the (non-empty) app secret: an empty key proves nothing."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def parse_webhook(
    payload: dict[str, Any], now: datetime | None = None
) -> tuple[list[WaIncoming], list[dict[str, Any]]]:
    """Messages (in order) and delivery statuses from one webhook body; messages older than MAX_DELIVERY_AGE are left out."""
    messages: list[WaIncoming] = []
    statuses: list[dict[str, Any]] = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            statuses.extend(value.get("statuses") or [])
            for m in value.get("messages") or []:
                if now is not None and _too_old(m, now):
                    logger.warning("whatsapp message ignored: older than the inbox keeps (a replay?)")
                    continue
                parsed = _message(m)
                if parsed:
                    messages.append(parsed)
    return messages, statuses


def _too_old(m: dict[str, Any], now: datetime) -> bool:
    stamp = m.get("timestamp")
    try:
        sent = datetime.fromtimestamp(int(stamp), timezone.utc) if stamp is not None else None
    except (TypeError, ValueError, OverflowError, OSError):
        return True  # Meta always sends a Unix time: anything else is not a real delivery
    return sent is not None and now - sent > MAX_DELIVERY_AGE


def _message(m: dict[str, Any]) -> WaIncoming | None:
    wa_id, mid, kind = m.get("from"), m.get("id"), m.get("type")
    if not (isinstance(wa_id, str) and WA_ID.fullmatch(wa_id) and isinstance(mid, str) and 0 < len(mid) <= 256):
        logger.warning("whatsapp webhook: message without a valid sender or id ignored")
        return None
    if kind == "text":
        body = (m.get("text") or {}).get("body")
        return WaIncoming(mid, wa_id, "text", body) if isinstance(body, str) else None
    if kind == "interactive":
        interactive = m.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return WaIncoming(mid, wa_id, "button", str(reply.get("id", "")).removeprefix("b:"))
    if kind == "button":  # a quick-reply button of a template message: ours carry "b:<button id>"
        button = m.get("button") or {}
        payload = str(button.get("payload", ""))
        if payload.startswith("b:"):
            return WaIncoming(mid, wa_id, "button", payload.removeprefix("b:"))
        return WaIncoming(mid, wa_id, "text", str(button.get("text", "")))
    if kind == "location":
        return WaIncoming(mid, wa_id, "payload", "/tanya_lokasi")
    if kind in UNSUPPORTED:
        return WaIncoming(mid, wa_id, "unsupported", "")
    return None


class GraphError(Exception):
    def __init__(self, status: int, body: dict[str, Any]):
        error = body.get("error") or {}
        self.status, self.code, self.message = status, int(error.get("code") or 0), str(error.get("message", ""))
        super().__init__(f"Graph API {status}: ({self.code}) {self.message}")


class WhatsAppSender:
    """The one WhatsApp sender, shared by replies and notifications."""

    def __init__(
        self,
        phone_number_id: str,
        token: str,
        base_url: str,
        version: str,
        client: httpx.AsyncClient | None = None,
        limiter: Limiter | None = None,
        max_retries: int = 5,
    ):
        self._url = f"{base_url}/{version}/{phone_number_id}"
        self._client = client or httpx.AsyncClient(
            timeout=15, headers={"Authorization": f"Bearer {token}"}, limits=httpx.Limits(max_connections=50)
        )
        self.limiter = limiter or Limiter(global_rate=80, global_burst=80, chat_rate=1, chat_burst=5)
        self.max_retries = max_retries

    async def _post(self, wa_id: str, path: str, **kwargs: Any) -> dict[str, Any]:
        delay = 1.0
        for attempt in range(self.max_retries):
            await self.limiter.acquire(wa_id)
            response = await self._client.post(f"{self._url}/{path}", **kwargs)
            body = response.json() if response.content else {}
            if response.status_code < 400:
                return dict(body)
            error = GraphError(response.status_code, body)
            if response.status_code == 429 or response.status_code >= 500 or error.code in RETRYABLE_CODES:
                logger.warning("whatsapp %s (attempt %d): retrying in %.0f s", error, attempt + 1, delay)
                self.limiter.chat(wa_id).pause(delay)
                await asyncio.sleep(delay)
                delay *= 2
                continue
            if error.code in (131026, 131047, 131051, 131008):  # undeliverable, window closed, unsupported
                raise PermanentDeliveryError(str(error))
            raise error
        raise GraphError(429, {"error": {"message": "still rate-limited", "code": 130429}})

    async def _message(self, wa_id: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": wa_id,
            "type": kind,
            kind: content,
        }
        return await self._post(wa_id, "messages", json=body)

    async def send_text(self, wa_id: str, text: str) -> None:
        for chunk in split_text(text, TEXT_LIMIT):
            await self._message(wa_id, "text", {"preview_url": False, "body": chunk})

    async def send(self, wa_id: str, pieces: list[Piece], button_ids: dict[str, str]) -> None:
        for piece in pieces:
            if isinstance(piece, Text):
                await self._send_text_piece(wa_id, piece, button_ids)
            elif isinstance(piece, Image):
                await self._send_image(wa_id, piece)
            elif isinstance(piece, Place):
                await self._message(
                    wa_id,
                    "location",
                    {
                        "latitude": piece.latitude,
                        "longitude": piece.longitude,
                        "name": piece.title,
                        "address": piece.address,
                    },
                )

    async def _send_text_piece(self, wa_id: str, piece: Text, button_ids: dict[str, str]) -> None:
        if not piece.buttons:
            await self.send_text(wa_id, piece.text)
            return
        body = piece.text
        if len(body) > INTERACTIVE_BODY_LIMIT:  # long text first, then a short prompt with the options
            await self.send_text(wa_id, body)
            body = "Silakan pilih:"
        options = [(title, f"b:{button_ids[payload]}") for title, payload in piece.buttons]
        if len(options) <= MAX_REPLY_BUTTONS and all(len(t) <= BUTTON_TITLE for t, _ in options):
            buttons = [{"type": "reply", "reply": {"id": i, "title": t}} for t, i in options]
            await self._message(
                wa_id, "interactive", {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
            )
            return
        for start in range(0, len(options), MAX_LIST_ROWS):
            rows = [
                {
                    "id": i,
                    "title": shorten(t, ROW_TITLE),
                    **({"description": shorten(t, ROW_DESCRIPTION)} if len(t) > ROW_TITLE else {}),
                }
                for t, i in options[start : start + MAX_LIST_ROWS]
            ]
            action = {"button": "Pilih", "sections": [{"title": "Pilihan", "rows": rows}]}
            await self._message(wa_id, "interactive", {"type": "list", "body": {"text": body}, "action": action})
            body = "Pilihan lainnya:"

    async def _send_image(self, wa_id: str, piece: Image) -> None:
        if piece.png is not None:
            files = {"file": ("qr.png", piece.png, "image/png")}
            uploaded = await self._post(
                wa_id, "media", data={"messaging_product": "whatsapp", "type": "image/png"}, files=files
            )
            await self._message(wa_id, "image", {"id": uploaded["id"], "caption": piece.caption})
        elif piece.url:
            await self._message(wa_id, "image", {"link": piece.url, "caption": piece.caption})

    async def send_template(
        self, wa_id: str, name: str, language: str, parameters: list[str], quick_replies: Sequence[str] = ()
    ) -> None:
        """A pre-approved template: the only kind of message allowed outside the 24-hour window.

        ``quick_replies``: the payload of each of the template's quick-reply buttons, in order (the
        titles are part of the approved template); a press comes back as a ``button`` message with it."""
        components: list[dict[str, Any]] = (
            [{"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}] if parameters else []
        )
        components += [
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(i),
                "parameters": [{"type": "payload", "payload": p}],
            }
            for i, p in enumerate(quick_replies)
        ]
        await self._message(wa_id, "template", {"name": name, "language": {"code": language}, "components": components})

    async def close(self) -> None:
        await self._client.aclose()


class WhatsAppChannel:
    """The WhatsApp channel: senders are keyed hashes of the number; the number is looked up (encrypted) to reply."""

    name = "whatsapp"
    prefixes: tuple[str, ...] = ("whatsapp",)

    def __init__(
        self,
        sender: WhatsAppSender,
        session_factory: Callable[[], Any],
        crypto: Crypto,
        hash_ids: bool = True,
        template: str = "mpp_pemberitahuan",
        template_language: str = "id",
        survey_template: str = "mpp_survei",
    ) -> None:
        self.sender, self._sessions, self._crypto, self.hash_ids = sender, session_factory, crypto, hash_ids
        self.template, self.template_language, self.survey_template = template, template_language, survey_template
        self.limiter = sender.limiter

    def sender_id(self, wa_id: str) -> str:
        key = self._crypto.keyed_hash(f"whatsapp:{wa_id}")[:32] if self.hash_ids else wa_id
        return f"whatsapp:{key}"

    def remember(self, sender: str, wa_id: str, now: datetime) -> None:
        with UnitOfWork(self._sessions, write=True) as uow:
            inbox.remember_contact(uow.session, self._crypto, sender, wa_id, now)
            uow.commit()

    def _contact(self, sender: str) -> tuple[str | None, datetime | None]:
        with UnitOfWork(self._sessions) as uow:
            wa_id, last = inbox.contact(uow.session, self._crypto, sender)
        if wa_id is None and not self.hash_ids:
            wa_id = sender.removeprefix("whatsapp:")
        return wa_id, last

    async def send(self, sender: str, pieces: Sequence[Piece], button_ids: Mapping[str, str]) -> None:
        wa_id, _ = await asyncio.to_thread(self._contact, sender)
        if wa_id is None:
            raise PermanentDeliveryError("unknown WhatsApp contact")
        await self.sender.send(wa_id, list(pieces), dict(button_ids))

    async def notify(self, sender: str, text: str, now: datetime) -> str:
        """Free text within 24 hours of the citizen's last message; after that only the approved
        template (WHATSAPP_TEMPLATE_NOTIFICATION, one body parameter carrying the text)."""
        wa_id, last = await asyncio.to_thread(self._contact, sender)
        if wa_id is None:
            raise PermanentDeliveryError("unknown WhatsApp contact")
        if last is not None and now - last < WINDOW:
            await self.sender.send_text(wa_id, text)
            return "text"
        # A template parameter may hold no line break, tab or run of spaces (Graph API error 132018).
        await self.sender.send_template(wa_id, self.template, self.template_language, [" ".join(text.split())])
        return "template"

    async def notify_choices(
        self, sender: str, text: str, buttons: Sequence[tuple[str, str]], button_ids: Mapping[str, str], now: datetime
    ) -> str:
        """Buttons within 24 hours (interactive message); after that the approved survey template
        (WHATSAPP_TEMPLATE_SURVEY: one body parameter, one quick-reply button per choice, in order)."""
        wa_id, last = await asyncio.to_thread(self._contact, sender)
        if wa_id is None:
            raise PermanentDeliveryError("unknown WhatsApp contact")
        if last is not None and now - last < WINDOW:
            await self.sender.send(wa_id, [Text(text, tuple(buttons))], dict(button_ids))
            return "text"
        payloads = [f"b:{button_ids[payload]}" for _, payload in buttons]
        await self.sender.send_template(
            wa_id, self.survey_template, self.template_language, [" ".join(text.split())], payloads
        )
        return "template"

    async def acknowledge(self, reply_to: str) -> None:
        return None

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        await self.sender.close()
