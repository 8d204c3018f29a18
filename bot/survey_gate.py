"""The REST channel's side of the survey and of turn recording (``mpp.survey``, ``mpp.turns``).

* A survey button (``/skm{...}``) is answered by the core; Rasa never sees it.
* A message typed while the chat's survey waits for a comment is that comment.
* Any other turn is parsed here once, recorded with what was understood, and handed to Rasa with
  the parse (``UserMessage.parse_data``), so NLU does not run twice. Recording happens before
  the answer: a database outage refuses the turn (the gateway retries it), so none is lost.

A typed message takes one thread hop and one short write transaction (``start_turn``:
``mpp.turn_start``, with the handoff gate's look-up and the tracker key in the same unit); a
button's payload, and every message when recording is off, the separate steps below.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from datetime import datetime
from typing import Any

from bot import handoff_gate
from mpp import turn_start, turns
from mpp.survey import service as survey

logger = logging.getLogger(__name__)


def recording_on() -> bool:
    """``MPP_RECORD_TURNS=0`` switches recording off (benchmark baseline)."""
    return os.environ.get("MPP_RECORD_TURNS", "1") != "0"


def _chosen_mpp(payload: str) -> str | None:
    """The ``mpp`` of a button's ``/intent{"mpp": "kota_bogor"}``, if it carries one."""
    start = payload.find("{")
    if start < 0 or '"mpp"' not in payload:
        return None
    try:
        entities = json.loads(payload[start:])
    except ValueError:
        return None
    value = entities.get("mpp") if isinstance(entities, dict) else None
    return value if isinstance(value, str) and value else None


def _source_key(message_id: Any) -> str | None:
    return f"inbox:{message_id}" if isinstance(message_id, int) and not isinstance(message_id, bool) else None


async def answer_button(sender: str, text: str) -> list[dict[str, Any]] | None:
    payload = survey.parse_payload(text)
    if payload is None:
        return None
    from mpp.clock import utc_now
    from mpp.wiring import get_core

    def run() -> list[dict[str, Any]]:
        core = get_core()
        with core.uow(write=True) as uow:
            replies = survey.answer(uow.session, sender, payload, utc_now(core.clock))
            uow.commit()
        return handoff_gate.as_messages(sender, replies)

    return await asyncio.to_thread(run)


async def before_rasa(
    sender: str, text: str, parse: dict[str, Any] | None, message_id: Any
) -> list[dict[str, Any]] | None:
    """The survey's answer when the text is a survey comment; otherwise records the turn and returns None."""
    from mpp.clock import utc_now
    from mpp.wiring import get_core

    def run() -> list[dict[str, Any]] | None:
        core = get_core()
        now: datetime = utc_now(core.clock)
        if text.startswith("/"):  # a button's payload: neither a comment nor something to record
            chosen = _chosen_mpp(text) if recording_on() else None
            if chosen is not None:  # ... but an MPP chosen by button is the chat's MPP for what it asks
                with core.uow(write=True) as uow:
                    turns.chose_mpp(uow.session, core.crypto, sender, chosen, now)
                    uow.commit()
            return None
        if parse is None:  # recording off: nothing to write unless a survey waits for this comment
            with core.uow() as uow:
                if survey.awaiting_comment(uow.session, sender) is None:
                    return None
        with core.uow(write=True) as uow:
            waiting = survey.awaiting_comment(uow.session, sender)
            if waiting is not None:
                replies = survey.comment(uow.session, core.crypto, waiting, text, now)
                uow.commit()
                return handoff_gate.as_messages(sender, replies)
            if parse is not None:
                understood = turns.Understood.from_parse(parse)
                turns.record(uow.session, core.crypto, sender, text, understood, now, _source_key(message_id))
            uow.commit()
        return None

    return await asyncio.to_thread(run)


async def start_turn(
    sender: str, text: str, parse: dict[str, Any], message_id: Any, *, gate: bool = True
) -> turn_start.Start:
    """A typed message's one database unit before Rasa (``mpp.turn_start.start``), off the event loop."""
    from mpp.clock import utc_now
    from mpp.wiring import get_core

    def run() -> turn_start.Start:
        core = get_core()
        understood = turns.Understood.from_parse(parse)
        return turn_start.start(
            core.session_factory,
            core.crypto,
            sender,
            text,
            understood,
            utc_now(core.clock),
            _source_key(message_id),
            gate=gate,
        )

    return await asyncio.to_thread(run)
