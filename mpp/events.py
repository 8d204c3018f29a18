"""Domain events: what one part of the core must learn from another, without importing it.

An aggregate (a booking, a ticket) records events while a rule changes it; the unit of
work hands them to the handlers when it commits, inside the same transaction, so an
event's effects (a notification in the outbox, the booking following its ticket) commit
or roll back with the change itself. Handlers may change other aggregates, whose events
are handled in turn. The handler table is built in one place (``mpp.handlers``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """Something that happened; subclasses carry the facts others need, never a live object."""


Handler = Callable[[Any, Any], None]  # (event, unit of work)
Handlers = Mapping[type[Event], Sequence[Handler]]


class Recorder:
    """Mixin for aggregates: ``self.record(event)``; the unit of work collects ``events``.

    Not a dataclass field, so it is neither compared nor printed, and aggregates keep
    their own field order.
    """

    @property
    def events(self) -> list[Event]:
        return self.__dict__.setdefault("_events", [])

    def record(self, event: Event) -> None:
        self.events.append(event)


MAX_ROUNDS = 20  # handlers that keep raising events for each other are a bug, not a workload


def publish(uow: Any, handlers: Handlers, seen: Callable[[], Iterable[Recorder]]) -> None:
    """Hand every recorded event to its handlers until none is left.

    ``seen`` lists the aggregates the unit of work loaded or added (it may grow while
    handlers run). Events without a handler are dropped: recording a fact costs nothing
    and a later feature (the dashboard) may subscribe to it.
    """
    for _ in range(MAX_ROUNDS):
        pending = [event for aggregate in seen() for event in _drain(aggregate)]
        if not pending:
            return
        for event in pending:
            for handler in handlers.get(type(event), ()):
                handler(event, uow)
    raise RuntimeError("domain events did not settle: handlers keep raising events for each other")


def _drain(aggregate: Recorder) -> list[Event]:
    events, aggregate.events[:] = list(aggregate.events), []
    return events
