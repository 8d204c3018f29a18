"""The notifier's side of the survey: a ``survey`` outbox notice becomes the invitation with its buttons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mpp.catalogue.model import Catalogue
from mpp.clock import Clock, utc_now
from mpp.db.uow import UnitOfWork
from mpp.replies import payload
from mpp.survey import service


@dataclass
class Composed:
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)


def composer(
    session_factory: Callable[[], Any], catalogue: Callable[[], Catalogue], clock: Clock
) -> Callable[[str, str, str], Composed | None]:
    def compose(kind: str, chat_id: str, text: str) -> Composed | None:
        if kind != service.KIND:
            return Composed(text)
        ticket_id = int(text.rsplit(":", 1)[1])
        with UnitOfWork(session_factory, write=True) as uow:
            from mpp.db.queue_tables import TicketRow

            ticket = uow.session.get(TicketRow, ticket_id)
            names: dict[str, str] = {}
            if ticket is not None:
                cat = catalogue()
                mpp = cat.mpp(ticket.mpp_code)
                names["mpp"] = mpp.name if mpp else ticket.mpp_code
                agency = _agency_name(cat, ticket.mpp_code, ticket.agency_code)
                names["agency"] = agency or ticket.agency_code
            reply = service.invite(uow.session, ticket_id, chat_id, utc_now(clock), names)
            uow.commit()
        if reply is None:
            return None
        return Composed(reply.text, [(c.title, payload(c)) for c in reply.choices])

    return compose


def _agency_name(cat: Catalogue, mpp_code: str, agency_code: str) -> str | None:
    mpp = cat.mpp(mpp_code)
    agency = mpp.agencies.get(agency_code) if mpp else None
    return agency.name if agency else None
