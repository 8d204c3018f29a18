"""The dashboard over a simulated fortnight: figures equal an independent count of the same rows, and
an MPP's staff see that MPP only (dead letters included)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

import pytest

from mpp.dashboard.simulate import simulate
from mpp.db.booking_tables import BookingRow
from mpp.db.queue_tables import TicketRow
from mpp.db.uow import UnitOfWork
from tests.console_harness import running_console

FIRST, LAST = date(2026, 11, 17), date(2026, 11, 30)  # the harness's clock: 1 December 2026, 09.00 WIB
RANGE = f"dari={FIRST}&sampai={LAST}"


@pytest.fixture()
async def site(db_url: str, demo):  # type: ignore[no-untyped-def]
    async with running_console(db_url, demo) as running:
        with UnitOfWork(running.factory, write=True) as uow:
            simulate(uow.session, demo.catalogue, days=14, end=LAST, mpps=["kota_bogor", "kota_bekasi"], seed=7)
            uow.commit()
        yield running


def nearest_rank(values: list[int], q: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def expected(site, mpp: str) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    """The same figures counted in Python from the stored rows (not through mpp.dashboard.queries)."""
    with UnitOfWork(site.factory) as uow:
        t_cols = (
            TicketRow.day,
            TicketRow.kind,
            TicketRow.status,
            TicketRow.issued_at,
            TicketRow.called_at,
            TicketRow.finished_at,
        )
        tickets = uow.session.query(*t_cols).filter(TicketRow.mpp_code == mpp).all()
        bookings = (
            uow.session.query(BookingRow.day, BookingRow.status, BookingRow.moved_count)
            .filter(BookingRow.mpp_code == mpp)
            .all()
        )

    def minutes(a: datetime, b: datetime) -> int:
        return int((b - a).total_seconds() // 60)

    tickets = [t for t in tickets if FIRST <= t.day <= LAST]
    bookings = [b for b in bookings if FIRST <= b.day <= LAST]
    waits = [minutes(t.issued_at, t.called_at) for t in tickets if t.called_at]
    services = [minutes(t.called_at, t.finished_at) for t in tickets if t.status == "served"]
    return {
        "tickets": len(tickets),
        "booked": sum(t.kind == "booking" for t in tickets),
        "walk_in": sum(t.kind == "walk_in" for t in tickets),
        "wait_p50": nearest_rank(waits, 0.5),
        "wait_p90": nearest_rank(waits, 0.9),
        "service_p50": nearest_rank(services, 0.5),
        "service_p90": nearest_rank(services, 0.9),
        "no_shows": sum(b.status == "no_show" for b in bookings),
        "cancellations": sum(b.status == "cancelled" for b in bookings),
        "moves": sum(b.moved_count for b in bookings),
    }


def tiles(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([^"]+)"><div class="v">([^<]*)</div>', html))


async def test_an_mpp_administrator_sees_their_mpps_figures_as_counted_from_the_rows(site) -> None:  # type: ignore[no-untyped-def]
    client, _ = await site.login("admin.bogor")
    async with contextlib.aclosing(client):
        page = await client.get(f"/dasbor?{RANGE}")
        assert page.status_code == 200
        want = expected(site, "kota_bogor")
        assert want["tickets"] and want["no_shows"] and want["cancellations"]
        shown = tiles(page.text)
        assert {k: shown[k] for k in want} == {k: str(v) for k, v in want.items()}
        assert "MPP Kota Bogor" in page.text and 'href="/dasbor/csv/tiket?' in page.text
        # Asking for another MPP in the address bar changes nothing: same MPP, same figures.
        other = await client.get(f"/dasbor?{RANGE}&mpp=kota_bekasi")
        assert tiles(other.text)["tickets"] == str(want["tickets"])
        assert "Kota Bekasi" not in other.text.split("<form")[0]


async def test_each_chart_has_a_csv_with_the_numbers_it_draws(site) -> None:  # type: ignore[no-untyped-def]
    client, _ = await site.login("nasional")
    async with contextlib.aclosing(client):
        page = (await client.get(f"/dasbor?{RANGE}&mpp=kota_bekasi&periode=week")).text
        for chart in ("tiket", "waktu", "batal"):
            spec = json.loads(re.search(rf'id="chart-{chart}">(.*?)</script>', page).group(1))
            response = await client.get(f"/dasbor/csv/{chart}?{RANGE}&mpp=kota_bekasi&periode=week")
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
            rows = list(csv.reader(io.StringIO(response.text)))
            assert [r[0] for r in rows[1:]] == spec["labels"]
            for i, dataset in enumerate(spec["datasets"], start=1):
                assert [r[i] for r in rows[1:]] == ["" if v is None else str(v) for v in dataset["data"]]
        weekly = json.loads(re.search(r'id="chart-tiket">(.*?)</script>', page).group(1))
        assert (
            sum(weekly["datasets"][0]["data"]) + sum(weekly["datasets"][1]["data"])
            == expected(site, "kota_bekasi")["tickets"]
        )


async def test_heat_map_and_messages_pages_count_the_same_tickets(site) -> None:  # type: ignore[no-untyped-def]
    client, _ = await site.login("admin.bekasi")
    async with contextlib.aclosing(client):
        heat = await client.get(f"/dasbor/csv/jam?{RANGE}")
        rows = list(csv.DictReader(io.StringIO(heat.text)))
        assert [r["weekday"] for r in rows][:2] == ["Senin", "Selasa"]
        assert (
            sum(int(v) for r in rows for k, v in r.items() if k != "weekday")
            == expected(site, "kota_bekasi")["tickets"]
        )
        busiest = max(
            ((r["weekday"], k, int(v)) for r in rows for k, v in r.items() if k != "weekday"), key=lambda x: x[2]
        )
        assert busiest[1] in ("08", "09", "10", "11")  # the morning peak, local time (WIB)
        agencies = (await client.get(f"/dasbor/instansi?{RANGE}")).text
        per_agency = re.findall(r'<tr data-agency="[^"]+"><td>[^<]*</td><td>(\d+)</td>', agencies)
        assert len(per_agency) > 3 and sum(map(int, per_agency)) == expected(site, "kota_bekasi")["tickets"]
        messages = await client.get(f"/dasbor/pesan?{RANGE}")
        assert messages.status_code == 200
        figures = tiles(messages.text)
        assert int(figures["sent_telegram"]) > 0 and int(figures["failed_whatsapp"]) >= 0
        assert int(figures["handoffs"]) >= int(figures["handoffs_answered"]) > 0


async def test_who_may_see_the_dashboard(site) -> None:  # type: ignore[no-untyped-def]
    clerk, _ = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(clerk):
        assert (await clerk.get("/dasbor")).status_code == 403
    supervisor, _ = await site.login("supervisor.bogor")
    async with contextlib.aclosing(supervisor):
        assert 'href="/dasbor"' in (await supervisor.get("/")).text
        assert (await supervisor.get(f"/dasbor/instansi?{RANGE}")).status_code == 200


async def test_bad_filters_get_a_clear_message_and_the_default_range(site) -> None:  # type: ignore[no-untyped-def]
    client, _ = await site.login("admin.bogor")
    async with contextlib.aclosing(client):
        page = await client.get("/dasbor?dari=kemarin")
        assert page.status_code == 400 and "TTTT-BB-HH" in page.text and 'data-figure="tickets"' in page.text
        backwards = await client.get(f"/dasbor?dari={LAST}&sampai={FIRST}")
        assert backwards.status_code == 400 and "sebelum tanggal mulai" in backwards.text
        assert (await client.get(f"/dasbor/csv/tiket?dari={LAST}&sampai={FIRST}")).status_code == 400
        assert (await client.get(f"/dasbor/csv/rahasia?{RANGE}")).status_code == 404


async def test_a_booking_past_its_slot_and_grace_counts_as_a_no_show_before_the_sweep(site) -> None:  # type: ignore[no-untyped-def]
    def booking(code: str, day: date, start: time, end: time) -> BookingRow:
        now = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
        return BookingRow(
            code=code, request_id=code, mpp_code="kota_bogor", service_code="kk", day=day, start=start, end=end,
            queue_number="A-900", status="active", chat_id=f"telegram:{code}", created_at=now, updated_at=now,
        )  # fmt: skip

    client, _ = await site.login("admin.bogor")
    async with contextlib.aclosing(client):
        before = int(tiles((await client.get("/dasbor?dari=2026-11-17&sampai=2026-12-01")).text)["no_shows"])
        with UnitOfWork(site.factory, write=True) as uow:
            uow.session.add(booking("T1", LAST, time(9), time(9, 15)))  # yesterday: missed
            uow.session.add(booking("T2", date(2026, 12, 1), time(8, 30), time(8, 45)))  # 08.45 + 30 min > 09.00
            uow.commit()
        after = int(tiles((await client.get("/dasbor?dari=2026-11-17&sampai=2026-12-01")).text)["no_shows"])
        assert after == before + 1
        site.clock.at = datetime(2026, 12, 1, 2, 16, tzinfo=timezone.utc)  # 09.16 WIB: its grace is over
        later = int(tiles((await client.get("/dasbor?dari=2026-11-17&sampai=2026-12-01")).text)["no_shows"])
        assert later == before + 2


async def test_dead_letters_of_simulated_notices_stay_with_their_mpp(site) -> None:  # type: ignore[no-untyped-def]
    pages = {}
    for username in ("admin.bogor", "admin.bekasi"):
        client, _ = await site.login(username)
        async with contextlib.aclosing(client):
            pages[username] = (await client.get("/dead-letters")).text
    assert "kota_bogor" in pages["admin.bogor"] and "kota_bekasi" not in pages["admin.bogor"].split("</h1>")[1]
    assert "kota_bekasi" in pages["admin.bekasi"] and "kota_bogor" not in pages["admin.bekasi"].split("</h1>")[1]


def test_the_simulation_is_deterministic(db_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    from mpp.db.engine import make_engine, make_session_factory

    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    counts = []
    for _ in range(2):
        with UnitOfWork(factory, write=True) as uow:
            simulate(uow.session, demo.catalogue, days=5, end=LAST, mpps=["kota_bogor"], seed=3)
            uow.commit()
        with UnitOfWork(factory) as uow:
            rows = uow.session.query(
                TicketRow.number, TicketRow.status, TicketRow.issued_at, TicketRow.finished_at
            ).all()
            counts.append(Counter((n, s, str(i), str(f)) for n, s, i, f in rows))
    engine.dispose()
    assert counts[0] == counts[1] and sum(counts[0].values()) > 100


async def test_an_mpp_sees_all_its_dead_letters_handoff_replies_included(sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    from mpp.db.handoff_tables import HandoffRow
    from mpp.db.queue_tables import NotificationRow

    at = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
    async with running_console(sqlite_url, demo) as site:
        ticket = site.queue.issue_walk_in("kota_bekasi", "kk")
        with UnitOfWork(site.factory, write=True) as uow:
            handoff = HandoffRow(sender="telegram:77", mpp_code="kota_bogor", status="ended", created_at=at)
            uow.session.add(handoff)
            uow.session.flush()

            def dead(key: str) -> NotificationRow:
                return NotificationRow(
                    chat_id="telegram:77", kind="handoff_reply", text="-", dedupe_key=key, due_at=at,
                    status="dead", attempts=7, last_error="blocked", created_at=at,
                )  # fmt: skip

            uow.session.add(dead(f"handoff:{handoff.id}:reply:1"))  # Bogor's, the oldest
            for i in range(1100):  # then more than the old 1,000-row window of another MPP's
                uow.session.add(dead(f"ticket:{ticket.id}:called:{i}"))
            uow.commit()
        pages = {}
        for username in ("admin.bogor", "admin.bekasi"):
            client, _ = await site.login(username)
            async with contextlib.aclosing(client):
                pages[username] = (await client.get("/dead-letters")).text
        assert pages["admin.bogor"].count("handoff_reply") == 1 and f"ticket:{ticket.id}" not in pages["admin.bogor"]
        assert pages["admin.bekasi"].count("handoff_reply") == 100  # the page's limit, all of Bekasi's
        assert "kota_bogor" not in pages["admin.bekasi"].split("</h1>")[1]


async def test_the_summary_shows_the_skm_index_of_complete_answers_and_one_tap_scores_beside_it(site) -> None:  # type: ignore[no-untyped-def]
    from mpp.db.survey_tables import SurveyRow
    from tests.unit.test_ikm import ANSWERS  # five respondents worked by hand there: IKM 82.22, B

    def survey(ticket: int, mpp: str, scores: list[int] | None, overall: int | None) -> SurveyRow:
        elements = {f"u{i + 1}": s for i, s in enumerate(scores)} if scores else {}
        return SurveyRow(
            ticket_id=900_000 + ticket,
            chat_id=f"telegram:sim-s{ticket}",
            mpp_code=mpp,
            agency_code="disdukcapil",
            service_code="ktp_el",
            served_day=date(2026, 11, 20),
            status="done",
            overall=overall,
            complete=scores is not None,
            complaint_like=False,
            created_at=datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc),
            **elements,
        )

    with UnitOfWork(site.factory, write=True) as uow:
        uow.session.query(SurveyRow).delete()  # the simulation's own answers: this test's set is hand-made
        uow.session.add_all([survey(i, "kota_bogor", a, None) for i, a in enumerate(ANSWERS)])
        uow.session.add(survey(50, "kota_bogor", None, 1))  # one-tap: beside the index, never in it
        uow.session.add(survey(51, "kota_bekasi", [1] * 9, None))  # another MPP: not in Bogor's index
        uow.commit()
    client, _ = await site.login("admin.bogor")
    async with contextlib.aclosing(client):
        page = await client.get(f"/dasbor?{RANGE}")
    ikm = re.search(r'data-figure="ikm"><div class="v">([^<]+)</div><div class="k">([^<]+)<', page.text)
    assert ikm is not None and ikm.group(1) == "82.22" and ikm.group(2) == "IKM (B, 5 responden)"
    assert re.search(r'data-figure="one_tap"><div class="v">1<', page.text)
    assert "2026-11: 82.22" in page.text


async def test_the_unanswered_messages_tile_counts_only_the_chats_at_the_viewers_mpp(site) -> None:  # type: ignore[no-untyped-def]
    from mpp import turns
    from mpp.privacy import Crypto, Keys

    crypto = Crypto(Keys.generate())
    fallback = turns.Understood("nlu_fallback", 0.3, None)
    at = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)
    with UnitOfWork(site.factory, write=True) as uow:
        s = uow.session
        for i, mpp in enumerate(["kota_bogor"] * 2 + ["kota_bekasi"] * 3 + [None]):
            chat = f"telegram:{40 + i}"
            named = turns.Understood("nlu_fallback", 0.2, None, mpp)  # the message names its MPP
            turns.record(s, crypto, chat, f"pertanyaan aneh nomor {i}", named, at, f"inbox:f{i}")
        # a later fallback of a Bekasi chat inherits its MPP; an understood turn is no fallback
        turns.record(s, crypto, "telegram:42", "lagi dong", fallback, at, "inbox:f9")
        turns.record(s, crypto, "telegram:40", "syarat ktp", turns.Understood("tanya_syarat", 0.98, "ktp_el"), at, None)
        turns.record(s, crypto, "telegram:43", "lama sekali", fallback, at - timedelta(days=30), "inbox:old")
        uow.commit()
    shown = {}
    for username, query in (("admin.bogor", ""), ("admin.bekasi", "&mpp=kota_bogor"), ("nasional", "")):
        client, _ = await site.login(username)
        async with contextlib.aclosing(client):
            shown[username] = (await client.get(f"/dasbor?{RANGE}{query}")).text
    assert tiles(shown["admin.bogor"])["fallbacks"] == "2" and "chat di MPP ini" in shown["admin.bogor"]
    assert tiles(shown["admin.bekasi"])["fallbacks"] == "4"  # its own, whatever the address asks
    assert tiles(shown["nasional"])["fallbacks"] == "7" and "semua MPP" in shown["nasional"]  # and the unknown one
