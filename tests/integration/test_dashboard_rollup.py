"""The dashboard's stored closed days (``mpp.dashboard.rollup``): a page reads them, and a change to a past
day (a ticket called later, one deleted, one added; a booking cancelled; survey answers changed; a notice
that failed after all) shows at once, the
numbers still equal to a count of the rows themselves. Then the demo generator: closed days and surveys."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from mpp.dashboard.simulate import simulate
from mpp.db.booking_tables import BookingRow
from mpp.db.dashboard_tables import DashboardDayRow
from mpp.db.queue_tables import NotificationRow, OutageRow, TicketRow
from mpp.db.survey_tables import SurveyRow
from mpp.db.uow import UnitOfWork
from tests.console_harness import running_console
from tests.integration.test_dashboard import FIRST, LAST, RANGE, expected, tiles

WIB = timezone(timedelta(hours=7))


@pytest.fixture()
async def site(db_url: str, demo):  # type: ignore[no-untyped-def]
    """The console over a simulated fortnight (as in test_dashboard)."""
    async with running_console(db_url, demo) as running:
        with UnitOfWork(running.factory, write=True) as uow:
            simulate(uow.session, demo.catalogue, days=14, end=LAST, mpps=["kota_bogor", "kota_bekasi"], seed=7)
            uow.commit()
        yield running


def stored_days(running, kind: str, scope: str) -> set[date]:  # type: ignore[no-untyped-def]
    with UnitOfWork(running.factory) as uow:
        rows = uow.session.execute(
            select(DashboardDayRow.day).where(DashboardDayRow.kind == kind, DashboardDayRow.scope.like(scope))
        )
        return {d if isinstance(d, date) else date.fromisoformat(str(d)) for (d,) in rows}


def surveyed(running, day: date) -> bool:  # type: ignore[no-untyped-def]
    with UnitOfWork(running.factory) as uow:
        where = (SurveyRow.mpp_code == "kota_bogor", SurveyRow.complete.is_(True), SurveyRow.served_day == day)
        return uow.session.execute(select(SurveyRow.id).where(*where).limit(1)).first() is not None


async def test_a_changed_past_day_is_counted_again_and_the_figures_stay_those_of_the_rows(site) -> None:  # type: ignore[no-untyped-def]
    client, _ = await site.login("admin.bogor")
    async with contextlib.aclosing(client):
        before = tiles((await client.get(f"/dasbor?{RANGE}")).text)
        want = expected(site, "kota_bogor")
        assert {k: before[k] for k in want} == {k: str(v) for k, v in want.items()}
        every_day = {FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)}
        assert stored_days(site, "tickets", "kota_bogor") == every_day  # all closed (the clock: 1 December)

        with UnitOfWork(site.factory, write=True) as uow:
            s = uow.session
            for t in s.query(TicketRow).filter(TicketRow.mpp_code == "kota_bogor", TicketRow.day == date(2026, 11, 20)):
                if t.called_at is not None:  # every call of the 20th three hours later
                    t.called_at += timedelta(hours=3)
                    t.finished_at = t.finished_at + timedelta(hours=3) if t.finished_at else None
            booking = s.query(BookingRow).filter(BookingRow.mpp_code == "kota_bogor", BookingRow.status == "served")
            booking.filter(BookingRow.day == date(2026, 11, 23)).first().status = "cancelled"
            for answer in s.query(SurveyRow).filter(SurveyRow.mpp_code == "kota_bogor", SurveyRow.complete.is_(True)):
                for i in range(1, 10):  # every complete answer now the best on every element
                    setattr(answer, f"u{i}", 4)
            gone = s.query(TicketRow).filter(TicketRow.mpp_code == "kota_bogor", TicketRow.day == date(2026, 11, 24))
            s.delete(gone.first())
            at = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)
            s.add(
                TicketRow(
                    mpp_code="kota_bogor",
                    agency_code="disdukcapil",
                    service_code="ktp_el",
                    day=date(2026, 11, 26),
                    number="A-999",
                    kind="walk_in",
                    priority=False,
                    status="served",
                    issued_at=at,
                    called_at=at + timedelta(minutes=200),
                    finished_at=at + timedelta(minutes=300),
                    recall_count=0,
                    away_notified=False,
                )
            )
            uow.commit()
        assert stored_days(site, "tickets", "kota_bogor") == every_day - {
            date(2026, 11, 20),
            date(2026, 11, 24),
            date(2026, 11, 26),
            date(2026, 11, 23),
        } - {d for d in every_day if surveyed(site, d)}

        after = tiles((await client.get(f"/dasbor?{RANGE}")).text)
        want_after = expected(site, "kota_bogor")
        assert want_after["tickets"] == want["tickets"]  # one deleted, one added
        assert want_after["cancellations"] == want["cancellations"] + 1
        assert before["ikm"] != "100.00" and after["ikm"] == "100.00"
        assert want_after["wait_p90"] != want["wait_p90"]  # the 20th's calls moved
        assert {k: after[k] for k in want_after} == {k: str(v) for k, v in want_after.items()}
        assert stored_days(site, "tickets", "kota_bogor") == every_day


async def test_notifications_of_closed_days_equal_a_count_of_the_outbox_and_follow_a_late_failure(site) -> None:  # type: ignore[no-untyped-def]
    begin = datetime.combine(FIRST, datetime.min.time(), WIB)
    until = datetime.combine(LAST + timedelta(days=1), datetime.min.time(), WIB)

    def counted() -> dict[str, str]:
        with UnitOfWork(site.factory) as uow:
            rows = uow.session.execute(
                select(NotificationRow.chat_id, NotificationRow.status).where(
                    NotificationRow.created_at >= begin, NotificationRow.created_at < until
                )
            ).all()
        found: Counter[str] = Counter()
        for chat, status in rows:
            channel = chat.split(":", 1)[0]
            if status in ("sent", "dead"):
                found[f"{'sent' if status == 'sent' else 'failed'}_{channel}"] += 1
        return {k: str(v) for k, v in found.items()}

    client, _ = await site.login("nasional")
    async with contextlib.aclosing(client):
        shown = tiles((await client.get(f"/dasbor/pesan?{RANGE}")).text)
        want = counted()
        assert want["sent_telegram"] != "0" and {k: shown.get(k) for k in want} == want
        assert stored_days(site, "notifications", "*|*|%")
        with UnitOfWork(site.factory, write=True) as uow:
            note = (
                uow.session.query(NotificationRow)
                .filter(NotificationRow.status == "sent", NotificationRow.chat_id.like("telegram:%"))
                .filter(NotificationRow.created_at >= begin + timedelta(days=3))
                .first()
            )
            note.status = "dead"
            uow.commit()
        shown_after = tiles((await client.get(f"/dasbor/pesan?{RANGE}")).text)
        want_after = counted()
        assert int(want_after["sent_telegram"]) == int(want["sent_telegram"]) - 1
        assert {k: shown_after.get(k) for k in want_after} == want_after


def test_the_demo_skips_closed_days_and_answers_surveys_as_citizens_do(db_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    from mpp.db.engine import make_engine, make_session_factory
    from mpp.survey.report import ikm_report

    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    first, end = date(2026, 12, 14), date(2026, 12, 27)  # Christmas: cuti bersama on the 24th, holiday the 25th
    with UnitOfWork(factory, write=True) as uow:
        uow.session.add(
            OutageRow(
                mpp_code="kota_bogor",
                service_code=None,
                day=date(2026, 12, 22),
                reason="listrik padam",
                created_at=datetime(2026, 12, 1, tzinfo=timezone.utc),
            )
        )
        made = simulate(uow.session, demo.catalogue, days=14, end=end, mpps=["kota_bogor", "kota_bekasi"], seed=5)
        uow.commit()
    with UnitOfWork(factory) as uow:
        s = uow.session
        grouped = select(TicketRow.mpp_code, TicketRow.day, func.count()).group_by(TicketRow.mpp_code, TicketRow.day)
        days = {f"{m}/{str(d)[:10]}": n for m, d, n in s.execute(grouped)}
        served = s.execute(select(TicketRow.id).where(TicketRow.status == "served")).scalars().all()
        surveys = s.execute(select(SurveyRow.ticket_id, SurveyRow.status, SurveyRow.complete, SurveyRow.overall)).all()
        report = ikm_report(s, first, end, "kota_bogor")
    engine.dispose()
    for mpp in ("kota_bogor", "kota_bekasi"):
        for holiday in ("2026-12-24", "2026-12-25"):
            assert f"{mpp}/{holiday}" not in days
        assert f"{mpp}/2026-12-21" in days  # an ordinary Monday
    assert "kota_bogor/2026-12-22" not in days and "kota_bekasi/2026-12-22" in days  # Bogor's outage only
    assert made.closed_days >= 6 and made.surveys == len(surveys) == len(served)
    assert sorted(t for t, *_ in surveys) == sorted(served)  # one survey per served ticket, never twice
    statuses = Counter(status for _, status, _, _ in surveys)
    assert set(statuses) == {"complete", "quick", "declined", "expired"}
    assert statuses["expired"] > statuses["complete"] > statuses["declined"]
    assert all(c == (st == "complete") for _, st, c, _ in surveys)
    assert all((o is not None) == (st == "quick") for _, st, _, o in surveys)
    # enough answers for an index, in a plausible band (B or C: citizens are not all delighted)
    assert report.index is not None and report.respondents > 30 and report.quick_count > 30
    assert 65.0 <= report.index.converted <= 92.0


def per_agency_counted(running, mpp: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Per agency, from the ticket rows themselves: [tickets, wait p50 / p90] as the page writes them."""
    from tests.integration.test_dashboard import nearest_rank

    with UnitOfWork(running.factory) as uow:
        rows = uow.session.execute(
            select(TicketRow.agency_code, TicketRow.issued_at, TicketRow.called_at).where(TicketRow.mpp_code == mpp)
        ).all()
    tickets: Counter[str] = Counter()
    waits: dict[str, list[int]] = {}
    for agency, issued, called in rows:
        tickets[agency] += 1
        if called is not None:
            waits.setdefault(agency, []).append(int((called - issued).total_seconds() // 60))
    shown = {}
    for agency, n in tickets.items():
        p50, p90 = nearest_rank(waits.get(agency, []), 0.5), nearest_rank(waits.get(agency, []), 0.9)
        shown[agency] = [str(n), f"{'–' if p50 is None else p50} / {'–' if p90 is None else p90}"]
    return shown


def per_agency_shown(html: str) -> dict[str, list[str]]:
    found = re.findall(
        r'<tr data-agency="([^"]+)"><td>[^<]*</td><td>(\d+)</td><td>\d+</td><td>\d+</td><td>([^<]*)</td>', html
    )
    return {agency: [tickets, wait] for agency, tickets, wait in found}


async def test_a_whole_month_is_summed_once_and_summed_again_when_one_of_its_days_changes(site) -> None:  # type: ignore[no-untyped-def]
    month = "dari=2026-11-01&sampai=2026-11-30"  # the simulated fortnight is its second half
    client, _ = await site.login("admin.bogor")
    async with contextlib.aclosing(client):
        first = per_agency_shown((await client.get(f"/dasbor/instansi?{month}")).text)  # fills the days
        assert first == per_agency_counted(site, "kota_bogor") and len(first) > 3
        assert not stored_days(site, "tickets_month", "%")  # the month is summed from stored days only
        before = per_agency_shown((await client.get(f"/dasbor/instansi?{month}")).text)
        assert before == first and stored_days(site, "tickets_month", "kota_bogor|agencies") == {date(2026, 11, 1)}
        for _ in range(2):  # whole weeks, one row each (summed, then read)
            weekly = tiles((await client.get(f"/dasbor?{month}&periode=week")).text)
            want = expected(site, "kota_bogor")
            assert {k: weekly[k] for k in want} == {k: str(v) for k, v in want.items()}
        assert stored_days(site, "tickets_week", "kota_bogor") == {date(2026, 11, d) for d in (2, 9, 16, 23)}

        with UnitOfWork(site.factory, write=True) as uow:
            s = uow.session
            day = s.query(TicketRow).filter(TicketRow.mpp_code == "kota_bogor", TicketRow.day == date(2026, 11, 25))
            for t in day.filter(TicketRow.agency_code == "disdukcapil"):
                if t.called_at is not None:  # every Disdukcapil call of the 25th two hours later
                    t.called_at += timedelta(hours=2)
                    t.finished_at = t.finished_at + timedelta(hours=2) if t.finished_at else None
            s.delete(day.filter(TicketRow.agency_code != "disdukcapil").first())
            uow.commit()
        after = per_agency_shown((await client.get(f"/dasbor/instansi?{month}")).text)
        assert after == per_agency_counted(site, "kota_bogor") and after != before
        assert after["disdukcapil"][1] != before["disdukcapil"][1]  # its waits moved
        weekly = tiles((await client.get(f"/dasbor?{month}&periode=week")).text)
        want = expected(site, "kota_bogor")
        assert {k: weekly[k] for k in want} == {k: str(v) for k, v in want.items()}
