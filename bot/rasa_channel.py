"""Rasa's REST channel, with personal data swapped for tokens before Rasa sees it.

Rasa keeps the text of every message in its tracker and prints it in debug logs.
This channel (registered in credentials.yml, same URL as the stock one:
``/webhooks/rest/webhook``) replaces each NIK and phone number with a token
(``NIKREF…``/``TELREF…``) and stores the real value encrypted in the core
database, bound to the sender. Actions resolve the token when they need the
value; Rasa's trackers and logs only ever hold the token.
"""

from __future__ import annotations

import hmac
import logging
import os
from datetime import datetime, timezone
from typing import Any

from rasa.core.channels.rest import RestInput
from sanic.exceptions import Forbidden
from sanic.request import Request

from bot import rasa_speedups
from mpp.privacy import find_personal_data
from mpp.privacy_store import store_token
from mpp.text import citizen_text

logger = logging.getLogger(__name__)


def redact(text: str, sender: str) -> str:
    """The message with every NIK and phone number replaced by a stored token."""
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
    """With RASA_REST_TOKEN set, only callers with that token (the gateway) may post turns."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Any) -> Any:
        """Rasa builds its channels once per worker at start-up: the one place the speed-ups are applied."""
        rasa_speedups.apply()
        return super().from_credentials(credentials)

    async def _extract_sender(self, req: Request) -> Any:
        expected = os.environ.get("RASA_REST_TOKEN")
        if expected and not hmac.compare_digest(req.headers.get("X-Gateway-Token", "").encode(), expected.encode()):
            logger.warning("REST turn refused: missing or wrong gateway token from %s", req.ip)
            raise Forbidden("gateway token required")
        sender = await super()._extract_sender(req)
        req.ctx.mpp_sender = sender
        return sender

    def _extract_message(self, req: Request) -> Any:
        text = super()._extract_message(req)
        if not isinstance(text, str):
            return text
        if not text.startswith("/"):  # a button's payload is sent as is; anything else is what someone typed
            text = citizen_text(text)
        return redact(text, str(getattr(req.ctx, "mpp_sender", "") or ""))
