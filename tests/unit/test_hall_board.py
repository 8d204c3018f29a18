"""What the hall board shows and what it says aloud, from tickets and the demo catalogue (no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from mpp.catalogue.notices import Announcement
from mpp.queue.hall import RECENT_CALLS, call_caption, hall_board, spoken_call, terbilang
from mpp.queue.model import Ticket, TicketKind, TicketStatus

DAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)  # 10.00 WIB


def ticket(n: int, service: str, status: TicketStatus, counter: str | None = None, ago: float | None = None) -> Ticket:
    called = NOW - timedelta(seconds=ago) if ago is not None else None
    return Ticket(
        n, "kota_bogor", "disdukcapil", service, DAY, f"A-{n:03d}", TicketKind.WALK_IN, NOW - timedelta(hours=1),
        status=status, counter_code=counter, called_at=called,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (17, "tujuh belas"),
        (25, "dua puluh lima"),
        (100, "seratus"),
        (123, "seratus dua puluh tiga"),
        (1000, "seribu"),
        (2019, "dua ribu sembilan belas"),
        (9999, "sembilan ribu sembilan ratus sembilan puluh sembilan"),
    ],
)
def test_numbers_are_said_in_indonesian_words(n: int, words: str) -> None:
    assert terbilang(n) == words


def test_a_call_is_written_and_spoken_in_indonesian() -> None:
    assert call_caption("A-001", "2") == "Nomor antrean A-001, silakan ke loket 2"
    assert spoken_call("A-001", "2") == "Nomor antrean, a satu. Silakan ke loket dua."
    assert spoken_call("KB-125", "12") == "Nomor antrean, ka be seratus dua puluh lima. Silakan ke loket dua belas."
    with pytest.raises(ValueError):
        spoken_call("rm -rf /", "2")  # only queue numbers are spoken: the clip's text never comes from outside


def test_the_board_shows_every_counter_the_last_calls_and_who_waits_per_service(demo) -> None:  # type: ignore[no-untyped-def]
    cat = demo.catalogue
    mpp = cat.mpps["kota_bogor"]
    tickets = [
        ticket(1, "kk", TicketStatus.SERVED, "1", ago=900),
        ticket(2, "kk", TicketStatus.CALLED, "1", ago=10),  # counter 1's current number, just called
        ticket(3, "ktp_el", TicketStatus.CALLED, "2", ago=300),
        *[ticket(n, "ktp_el", TicketStatus.CALLED, "3", ago=600 + n) for n in range(4, 10)],
        ticket(20, "kk", TicketStatus.WAITING),
        ticket(21, "ktp_el", TicketStatus.WAITING),
        ticket(22, "ktp_el", TicketStatus.WAITING),
    ]
    notices = [
        Announcement(1, "kota_bogor", None, None, "info", "Layanan paspor pindah ke lantai 2.", DAY, DAY),
        Announcement(2, "kota_bekasi", None, None, "info", "Pengumuman untuk Bekasi saja.", DAY, DAY),
        Announcement(3, "kota_bogor", None, "kk", "info", "Blangko KK tersedia.", DAY, DAY, withdrawn=True),
        Announcement(4, "kota_bogor", None, None, "info", "Sudah lewat masanya.", DAY - timedelta(days=3), DAY - timedelta(days=1)),
    ]  # fmt: skip
    board = hall_board(cat, mpp, tickets, notices, DAY, NOW)

    shown = {c["counter"]: c for c in board["counters"]}
    assert list(shown) == sorted(mpp.counters, key=int)  # every counter, in the hall's order
    assert shown["1"]["number"] == "A-002" and shown["1"]["fresh"] is True
    assert shown["2"]["number"] == "A-003" and shown["2"]["fresh"] is False
    assert shown["3"]["number"] == "A-004"  # the latest of counter 3's calls
    assert shown["14"]["number"] is None  # a counter that has called nobody today
    assert shown["1"]["agency"] == mpp.agencies["disdukcapil"].name

    calls = board["calls"]
    assert len(calls) == RECENT_CALLS
    assert [c["number"] for c in calls[:3]] == ["A-002", "A-003", "A-004"]  # newest first
    assert calls[0]["speech"] == "Nomor antrean, a dua. Silakan ke loket satu."
    assert len({c["key"] for c in calls}) == RECENT_CALLS

    assert board["waiting"] == [
        {"service": cat.services["ktp_el"].name, "count": 2},
        {"service": cat.services["kk"].name, "count": 1},
    ]
    assert board["waiting_total"] == 3
    assert board["announcements"] == ["Layanan paspor pindah ke lantai 2."]


def test_a_recall_is_a_new_call_to_speak(demo) -> None:  # type: ignore[no-untyped-def]
    mpp = demo.catalogue.mpps["kota_bogor"]
    first = ticket(5, "kk", TicketStatus.CALLED, "2", ago=200)
    before = hall_board(demo.catalogue, mpp, [first], [], DAY, NOW)["calls"][0]
    first.called_at = NOW
    after = hall_board(demo.catalogue, mpp, [first], [], DAY, NOW)["calls"][0]
    assert before["key"] != after["key"] and after["fresh"] is True
