"""Rasa's REST channel, closed to all but the gateway, with personal data swapped for tokens.

* Who may post: with ``RASA_REST_TOKEN`` set, only callers sending it as ``X-Gateway-Token``
  (the gateway, the terminal client); production mode (``MPP_ENV=production``) refuses to
  start without it. Without a token (local use) only loopback callers are served.
* What Rasa sees: the text in NFKC form, with each NIK and phone number replaced by a token
  (``NIKREF…``/``TELREF…``) whose value is stored encrypted in the core database, bound to the
  sender. Actions resolve the token when they need the value; Rasa's trackers and logs only
  ever hold the token.
* Handed to staff (``bot.handoff_gate``): while a person holds the chat, the message is kept for
  staff (after the tokens above) and this channel answers the turn itself; Rasa's dialogue never
  sees it (a typed message is parsed by the NLU here first, in memory, like a survey comment).
* The core database, once per typed message (``survey_gate.start_turn``, ``mpp.turn_start``): one
  thread hop and one transaction read whether a person holds the chat and whether a survey waits
  for a comment, record the turn, and read the tracker's key, handed to the tracker store for
  this turn only (``bot.tracker_store.TURN_KEY``). Buttons' payloads take the separate steps.
* The printed ticket's link (``bot.ticket_link``): "ikuti <token>" binds the chat to a walk-in
  ticket and is answered here.
* Group chats (``bot.group_policy``): a personal request or personal data is answered with a
  request for a private chat here, and never reaches the dialogue or the vault.

Registered in credentials.yml, at the stock URL ``/webhooks/rest/webhook``.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import Forbidden
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import handoff_gate, rasa_speedups, survey_gate, ticket_link
from bot.group_policy import PERSONAL_INTENTS, PRIVATE_CHAT_PLEASE, is_group
from bot.tracker_store import TURN_KEY, TurnKey
from mpp.deployment import required_secret
from mpp.privacy import find_personal_data, normalize_text
from mpp.privacy_store import store_token
from mpp.storage import Unavailable
from mpp.text import citizen_text

logger = logging.getLogger(__name__)
LOOPBACK = frozenset({"127.0.0.1", "::1"})


def redact(text: str, sender: str, found: list[tuple[int, int, str, str]] | None = None) -> str:
    """The message (NFKC) with every NIK and phone number replaced by a stored token.

    ``found``: ``find_personal_data`` of the NFKC text, when the caller has it already.
    """
    text = normalize_text(text)
    if found is None:
        found = find_personal_data(text)
    if not found:
        return text
    from mpp.wiring import get_core

    core = get_core()
    now = datetime.now(timezone.utc)
    pieces, last = [], 0
    with core.uow(write=True) as uow:
        for start, end, kind, value in found:
            pieces.append(text[last:start])
            pieces.append(store_token(uow.session, core.crypto, sender, kind, value, now))
            last = end
        uow.commit()
    pieces.append(text[last:])
    logger.debug("personal data replaced by %d token(s)", len(found))
    return "".join(pieces)


class PrivateRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Any) -> Any:
        """Rasa builds its channels once per worker at start-up: the one place the speed-ups are applied."""
        rasa_speedups.apply()
        return super().from_credentials(credentials)

    def __init__(self) -> None:
        # Read once at start-up; production mode stops here without a real token.
        self.token = required_secret("RASA_REST_TOKEN")

    def _check_caller(self, req: Request) -> None:
        if self.token is None:
            if req.ip not in LOOPBACK:
                logger.warning("REST turn refused: no RASA_REST_TOKEN set and %s is not loopback", req.ip)
                raise Forbidden("local callers only")
            return
        if not hmac.compare_digest(req.headers.get("X-Gateway-Token", "").encode(), self.token.encode()):
            logger.warning("REST turn refused: missing or wrong gateway token from %s", req.ip)
            raise Forbidden("gateway token required")

    async def _private_chat_needed(self, req: Request, text: str) -> bool:
        """A group message that would start a personal flow or carries personal data."""
        if find_personal_data(normalize_text(text)):
            return True
        agent = getattr(req.app.ctx, "agent", None)
        if agent is None:
            return True  # cannot tell: the safe answer
        parsed = await agent.parse_message(text)
        return (parsed.get("intent") or {}).get("name") in PERSONAL_INTENTS

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            self._check_caller(request)
            sender = await self._extract_sender(request)
            text = self._extract_message(request)
            if not isinstance(sender, str) or not isinstance(text, str):
                return response.json({"error": "sender and message must be text"}, status=400)
            if not text.startswith("/"):  # a button's payload is sent as is; anything else is what someone typed
                text = citizen_text(text)
            if is_group(sender) and await self._private_chat_needed(request, text):
                return response.json([{"recipient_id": sender, "text": PRIVATE_CHAT_PLEASE}])
            before: list[dict[str, Any]] = []
            if not is_group(sender) and (link := ticket_link.token_in(text)) is not None:
                try:  # the printed ticket's link (bot.ticket_link): answered here, never seen by Rasa
                    return response.json(await ticket_link.bind(sender, link))
                except Unavailable:
                    return response.json({"error": "database unavailable, try again"}, status=503)
            if not is_group(sender):
                text = normalize_text(text)
                found = find_personal_data(text)
                if found:  # tokens are stored in the database: off the event loop, and only then
                    text = await asyncio.to_thread(redact, text, sender, found)
                agent = getattr(request.app.ctx, "agent", None)
                if agent is not None and survey_gate.recording_on() and not text.startswith("/"):
                    return await self._typed(request, on_new_message, sender, text, agent)
                try:  # a person holds the chat: the message is for staff, not for Rasa (bot.handoff_gate)
                    gate = await handoff_gate.check(sender, text, (request.json or {}).get("message_id"))
                except Unavailable:
                    logger.warning("REST turn of a chat refused: the core database is unavailable")
                    return response.json({"error": "database unavailable, try again"}, status=503)
                if gate is not None and not gate.to_assistant:
                    messages = handoff_gate.as_messages(sender, gate.replies)
                    return response.json(messages or handoff_gate.quiet(sender))
                if gate is not None:
                    before = handoff_gate.as_messages(sender, gate.replies)
            try:  # the survey's buttons and comment; what this turn was understood as (bot.survey_gate)
                survey_reply = await survey_gate.answer_button(sender, text)
                if survey_reply is not None:
                    return response.json(before + survey_reply)
                parse = None
                agent = getattr(request.app.ctx, "agent", None)
                if survey_gate.recording_on() and agent is not None and not text.startswith("/"):
                    parse = await agent.parse_message(text)
                survey_reply = await survey_gate.before_rasa(
                    sender, text, parse, (request.json or {}).get("message_id")
                )
                if survey_reply is not None:
                    return response.json(before + survey_reply)
            except Unavailable:
                logger.warning("REST turn refused: the core database is unavailable (the turn is not recorded)")
                return response.json({"error": "database unavailable, try again"}, status=503)
            return await self._to_rasa(request, on_new_message, sender, text, parse, before)

        return hook

    async def _typed(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        agent: Any,
    ) -> HTTPResponse:
        """A typed message of a private chat: parsed once, then one database unit (``mpp.turn_start``)."""
        message_id = (request.json or {}).get("message_id")
        parse = await agent.parse_message(text)
        before: list[dict[str, Any]] = []
        try:
            start = await survey_gate.start_turn(sender, text, parse, message_id)
            if start.held:  # a person holds the chat: the message is for staff, not for Rasa (bot.handoff_gate)
                gate = await handoff_gate.check(sender, text, message_id)
                if gate is not None and not gate.to_assistant:
                    messages = handoff_gate.as_messages(sender, gate.replies)
                    return response.json(messages or handoff_gate.quiet(sender))
                if gate is not None:
                    before = handoff_gate.as_messages(sender, gate.replies)
                start = await survey_gate.start_turn(sender, text, parse, message_id, gate=False)
        except Unavailable:
            logger.warning("REST turn refused: the core database is unavailable (the turn is not recorded)")
            return response.json({"error": "database unavailable, try again"}, status=503)
        if start.replies is not None:  # the survey's comment (bot.survey_gate)
            return response.json(before + handoff_gate.as_messages(sender, start.replies))
        handed = TurnKey(sender, start.key, start.key_read_at) if start.key is not None else None
        return await self._to_rasa(request, on_new_message, sender, text, parse, before, handed)

    async def _to_rasa(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        parse: dict[str, Any] | None,
        before: list[dict[str, Any]],
        key: TurnKey | None = None,
    ) -> HTTPResponse:
        collector = CollectingOutputChannel()
        handed = TURN_KEY.set(key)  # the tracker store's key for this turn only (this request's task)
        try:
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=self._extract_input_channel(request),
                    metadata=self.get_metadata(request),
                    parse_data=parse,
                )
            )
        except asyncio.CancelledError:
            logger.error("REST turn of %s timed out", sender)
        except Exception:
            logger.exception("REST turn of %s failed", sender)
        finally:
            TURN_KEY.reset(handed)
        return response.json(before + collector.messages)
