"""The multi-turn evaluation (tests/e2e/conversations/booking_repair.yml, written apart from the training
data): at least 95% of its conversations must end as the set expects.

The runner (testkit/conversations.py) plays every conversation against its own assistant, on a fresh
core database at the set's clock, with Rasa's HTTP API on behind a token so that the simulated citizen
reads what is asked from the tracker. ``python -m benchmarks.booking_repair`` prints the same figures.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.conversations import CONVERSATIONS, FIXED_NOW, Citizen, load_conversations, play_all
from testkit.stack import Stack, start_stack
from tests.conftest import require_model

pytestmark = pytest.mark.e2e
FLOOR = 0.95
TOKEN = secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_model()
    running = start_stack(Path(tmp_path_factory.mktemp("repair-eval")), fixed_now=FIXED_NOW, api_token=TOKEN)
    try:
        yield running
    finally:
        running.stop()


def test_at_least_95_percent_of_the_conversations_end_as_expected(stack: Stack) -> None:
    conversations = load_conversations()
    assert len(conversations) >= 60
    score = play_all(Citizen(stack.url, TOKEN, stack.db_url), conversations)
    assert score.share >= FLOOR, score.report()


def test_the_round_four_families_end_as_expected(stack: Stack) -> None:
    """booking_repair_r4.yml: greetings, regional corrections, a weekday alone, questions the NLU misreads,
    someone else's name, the MPP in words, mistyped services, a date in the opening (shares no slot or NIK
    with the first set, so it plays on the same database)."""
    conversations = load_conversations(CONVERSATIONS.with_name("booking_repair_r4.yml"))
    score = play_all(Citizen(stack.url, TOKEN, stack.db_url), conversations)
    assert score.share >= FLOOR, score.report()


def test_the_runner_reads_the_step_from_the_tracker_not_the_text(stack: Stack) -> None:
    """Rasa's HTTP API refuses a wrong token: the runner's view of the tracker is the API's."""
    citizen = Citizen(stack.url, "not-the-token", stack.db_url)
    with pytest.raises(Exception, match="401"):
        citizen.tracker("console:nobody")
