"""Dashboard pages over 90 simulated days for three MPPs on PostgreSQL: latency and query plans.

    .venv/bin/python -m benchmarks.dashboard [--days 90] [--requests 40] [--postgres URL] [--out docs/benchmarks]

Builds a fresh database (``mpp_bench_dashboard``) with the demo catalogue, simulates ``--days`` days
for every MPP (``mpp demo simulate``'s generator), runs ANALYZE, then serves the console in process
and times each dashboard page over HTTP (login cookie, rendering and all), for three viewers: an MPP
administrator on the default range (30 days), the same over the whole range, and a national
administrator over every MPP and the whole range. The staff start page (``/``) is the baseline in
the same run (ratio column). Target: p95 < 300 ms per page. Then EXPLAIN ANALYZE of every query one
page view of each page makes (MPP administrator, default range) is written to ``--out``/dashboard.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from mpp.catalogue.loader import read_catalogue
from mpp.config import PROJECT_ROOT
from mpp.dashboard.simulate import simulate
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.staff.accounts import add_staff
from mpp.staff.roles import Role
from testkit.core import on_database
from testkit.stack import database

PASSWORD = "kata-sandi-benchmark"
END = date(2026, 11, 30)
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB on the day after
PAGES = ("/dasbor", "/dasbor/instansi", "/dasbor/jam", "/dasbor/pesan")
TABLES = ("ticket", "booking", "notification", "handoff", "dashboard_day", "survey")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


async def run(
    url: str, days: int, requests: int
) -> tuple[list[tuple[str, str, float, float, float, float]], list[str]]:
    import httpx
    from aiohttp.test_utils import TestServer

    from console.app import Console, create_app

    catalogue = read_catalogue(PROJECT_ROOT / "data" / "catalogue").catalogue
    engine = make_engine(url)
    factory = make_session_factory(engine)
    start = time.perf_counter()
    with UnitOfWork(factory, write=True) as uow:
        made = simulate(uow.session, catalogue, days=days, end=END, mpps=sorted(catalogue.mpps), seed=15)
        add_staff(uow.session, "admin.bogor", PASSWORD, "Admin Bogor", "kota_bogor", None, None, role=Role.MPP_ADMIN)
        add_staff(uow.session, "pusat", PASSWORD, "Admin Nasional", None, None, None, role=Role.NATIONAL_ADMIN)
        uow.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    print(
        f"simulated {days} days x {len(made.mpps)} MPPs in {time.perf_counter() - start:.0f} s: {made.tickets} tickets, "
        f"{made.bookings} bookings, {made.notifications} notifications, {made.handoffs} handoffs, "
        f"{made.surveys} surveys"
    )
    services = on_database(factory, lambda: catalogue, lambda: NOW)
    console = Console(factory, lambda: catalogue, services.queue, now=lambda: NOW, bookings=services.bookings)
    server = TestServer(create_app(console))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    first = END.toordinal() - days + 1
    whole = f"dari={date.fromordinal(first)}&sampai={END}"
    viewers = [
        ("admin.bogor", "MPP admin, 30 days", ""),
        ("admin.bogor", f"MPP admin, {days} days, weekly", f"?{whole}&periode=week"),
        ("pusat", f"national, 3 MPPs, {days} days, monthly", f"?{whole}&periode=month"),
    ]
    results = []
    for username, label, query in viewers:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await client.post("/login", data={"username": username, "password": PASSWORD})
            for path in ("/", *PAGES):
                url_path = path + (query if path != "/" else "")
                t0 = time.perf_counter()  # the first view fills the stored closed days it lacks (cold)
                assert (await client.get(url_path)).status_code == 200, url_path
                cold = (time.perf_counter() - t0) * 1000
                for _ in range(2):  # warm the pool, the catalogue and the plans
                    assert (await client.get(url_path)).status_code == 200, url_path
                times = []
                for _ in range(requests):
                    t0 = time.perf_counter()
                    response = await client.get(url_path)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200
                results.append((label, path, cold, statistics.median(times), p95(times), max(times)))
    plans: list[str] = []
    statements: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if any(f" {t}" in statement for t in TABLES) and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await client.post("/login", data={"username": "admin.bogor", "password": PASSWORD})
        for path in PAGES:  # warm: the closed days are stored
            await client.get(path)
        with engine.begin() as conn:  # cold: what filling them runs (once per closed day, then stored)
            conn.execute(text("DELETE FROM dashboard_day"))
        statements.append(("-- cold: the same pages filling the stored days", None))
        for path in PAGES:
            await client.get(path)
    event.remove(engine, "before_cursor_execute", capture)
    await server.close()
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                if parameters is None:
                    plans.append(statement)
                    continue
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + statement, parameters)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                plans.append(cursor.mogrify(statement, parameters).decode() + "\n\n" + plan)
        finally:
            raw.close()
    engine.dispose()
    return results, plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "docs" / "benchmarks"))
    parser.add_argument("--database", default="mpp_bench_dashboard", help="name of the (re)created database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        url = database(Path(work), args.postgres, name=args.database)
        results, plans = asyncio.run(run(url, args.days, args.requests))
    engine_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    baseline = {label: p for label, path, _, _, p, _ in results if path == "/"}
    lines = [f"{'viewer':<40} {'page':<18} {'cold ms':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'p95/home':>8}"]
    for label, path, cold, p50, p95_, top in results:
        lines.append(
            f"{label:<40} {path:<18} {cold:>7.1f} {p50:>7.1f} {p95_:>7.1f} {top:>7.1f} {p95_ / baseline[label]:>8.1f}"
        )
    worst = max(p for _, path, _, _, p, _ in results if path != "/")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines.append(f"load average during the run (1/5/15 min): {load} on {os.cpu_count()} CPUs")
    lines.append(f"worst dashboard p95: {worst:.1f} ms (target < 300 ms) on {engine_name}")
    print("\n".join(lines))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report = [
        "# Dashboard benchmark",
        "",
        f"`.venv/bin/python -m benchmarks.dashboard --days {args.days} --requests {args.requests}` on {engine_name}, "
        "2 shared CPU cores. Each page over HTTP (login cookie, queries, rendering), sequential requests. "
        "*cold*: the viewer's first request of the page, which computes and stores the closed days it lacks "
        "(`mpp.dashboard.rollup`); the percentiles are over the requests after it.",
        "",
        "```",
        *lines,
        "```",
        "",
        "## Query plans (EXPLAIN ANALYZE, MPP administrator, default 30-day range)",
        "",
        "First every query of one view of each page with the closed days stored (what every view but the "
        "first runs), then, after `DELETE FROM dashboard_day`, the queries of the same views filling them.",
        "",
    ]
    for plan in plans:
        report += ["```", plan, "```", ""]
    (out / "dashboard.md").write_text("\n".join(report), encoding="utf-8")
    print(f"plans written to {out / 'dashboard.md'}")


if __name__ == "__main__":
    main()
