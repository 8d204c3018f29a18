"""The NLU reads dates against the test stack's frozen clock (MPP_NOW), as the actions do.

A booking conversation played at a fixed day (tests/e2e/conversations, 2026-11-27) answered "senin 7 aja" with
Monday 7 December; read against the wall clock on a later day, "the 7th" had passed, the NLU kept only "senin",
and the form booked the Monday before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from nlu.extractor import MppEntityExtractor


def _dates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, now: str | None, text: str) -> list[str]:
    if now is None:
        monkeypatch.delenv("MPP_NOW", raising=False)
    else:
        monkeypatch.setenv("MPP_NOW", now)
    extractor = MppEntityExtractor({"runtime_mpp_names": False}, LocalModelStorage(tmp_path), Resource("x"))
    return [e["additional_info"]["iso"] for e in extractor.extract(text) if e["entity"] == "tanggal"]


def test_dates_are_read_against_the_frozen_clock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert _dates(monkeypatch, tmp_path, "2026-11-27T10:00:00+07:00", "senin 7 aja") == ["2026-12-07"]
    assert _dates(monkeypatch, tmp_path, "2026-11-27T10:00:00+07:00", "besok") == ["2026-11-28"]
    # a frozen time given in UTC is the MPP's day in WIB: 20:00 UTC on the 27th is already the 28th in Jakarta
    assert _dates(monkeypatch, tmp_path, "2026-11-27T20:00:00+00:00", "besok") == ["2026-11-29"]


def test_without_a_frozen_clock_dates_follow_the_wall_clock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    tomorrow = datetime.now(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=1)
    assert _dates(monkeypatch, tmp_path, None, "besok") == [tomorrow.isoformat()]


@pytest.mark.parametrize("bad", ["besok pagi", "2026-11-27T10:00:00"])
def test_a_frozen_clock_that_is_no_date_time_with_a_zone_stops_the_start_with_a_precise_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bad: str
) -> None:
    monkeypatch.setenv("MPP_NOW", bad)
    with pytest.raises(ValueError, match="MPP_NOW") as error:
        MppEntityExtractor({"runtime_mpp_names": False}, LocalModelStorage(tmp_path), Resource("x"))
    assert repr(bad) in str(error.value)
