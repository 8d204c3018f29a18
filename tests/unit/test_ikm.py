"""The IKM of Permenpan RB 14/2017 on a hand-made set of answers, computed by hand in the test."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mpp.handlers import build_handlers
from mpp.queue.events import TicketFacts, TicketServed
from mpp.survey import ikm
from mpp.survey import service as survey

# five respondents, nine elements each (U1..U9), scores 1–4
ANSWERS = [
    [4, 3, 3, 4, 3, 4, 4, 3, 3],
    [3, 3, 2, 4, 3, 3, 4, 2, 3],
    [4, 4, 3, 4, 4, 4, 4, 3, 4],
    [3, 2, 2, 4, 3, 3, 3, 2, 3],
    [4, 3, 3, 4, 3, 4, 4, 3, 3],
]


def test_ikm_equals_the_regulations_method_worked_by_hand() -> None:
    # NRR per element = total of the element / respondents:
    #   U1 18/5=3.6  U2 15/5=3.0  U3 13/5=2.6  U4 20/5=4.0  U5 16/5=3.2
    #   U6 18/5=3.6  U7 19/5=3.8  U8 13/5=2.6  U9 16/5=3.2
    # NRR tertimbang = NRR × 1/9; IKM = Σ = 29.6 / 9 = 3.28889; × 25 = 82.22 → B (Baik, 76.61–88.30)
    by_hand_nrr = (3.6, 3.0, 2.6, 4.0, 3.2, 3.6, 3.8, 2.6, 3.2)
    by_hand_value = sum(by_hand_nrr) / 9
    index = ikm.compute(ANSWERS)
    assert index is not None
    assert index.element_means == pytest.approx(by_hand_nrr)
    assert index.value == pytest.approx(by_hand_value) == pytest.approx(3.28889, abs=1e-5)
    assert index.converted == 82.22
    assert (index.category, index.label) == ("B", "Baik")
    assert index.respondents == 5


@pytest.mark.parametrize(
    ("converted", "expected"),
    [(100, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"), (65.00, "C"), (64.99, "D"), (25, "D")],
)
def test_category_boundaries_are_the_regulations(converted: float, expected: str) -> None:
    assert ikm.category(converted)[0] == expected


def test_incomplete_answers_are_refused_and_the_sample_size_follows_krejcie_morgan() -> None:
    with pytest.raises(ValueError):
        ikm.compute([[4, 4, 4]])
    with pytest.raises(ValueError):
        ikm.compute([[5] * 9])
    assert ikm.compute([]) is None
    # Krejcie & Morgan's table: N=100 → 80, N=1000 → 278, N=10000 → 370
    assert [ikm.required_sample(n) for n in (10, 100, 1000, 10000)] == [10, 80, 278, 370]


def test_a_served_ticket_with_a_chat_gets_one_survey_notice_after_the_visit() -> None:
    class Outbox:
        def __init__(self) -> None:
            self.notices: list = []

        def add(self, notice, now) -> None:  # type: ignore[no-untyped-def]
            self.notices.append(notice)

    class Uow:
        outbox = Outbox()
        bookings = None

    now = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
    from mpp.clock import fixed_clock

    handlers = build_handlers(lambda: None, fixed_clock(now))  # type: ignore[arg-type,return-value]
    uow = Uow()
    for handler in handlers[TicketServed]:
        if handler.__name__ == "offer_survey":
            handler(TicketServed(TicketFacts(7, "A-001", "telegram:9", None)), uow)
            handler(TicketServed(TicketFacts(8, "A-002", None, None)), uow)  # a walk-in without a chat: nobody to ask
    [notice] = uow.outbox.notices
    assert notice.kind == survey.KIND and notice.chat_id == "telegram:9"
    assert notice.due_at == now + survey.DELAY
    assert notice.dedupe_key == survey.schedule_key(7)


def test_kept_text_has_labels_for_nik_and_phone_numbers_typed_or_tokenised() -> None:
    from mpp import turns

    masked = turns.mask("nik 3271045708900001 hp 0812-3456-7890 token NIKREFABCDEFGH23 ok")
    assert masked == "nik [NIK] hp [nomor HP] token [NIK] ok"
    assert turns.words(masked) == frozenset({"nik", "[nik]", "hp", "[nomor hp]", "token", "ok"})
