"""Bookings per second under contention, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.booking_contention [--attempts 400] [--threads 20]

For each database: a baseline (one thread, no contention: every attempt takes a
free place, spread over the whole booking window), "hot rows" (many threads, each with
its own connection, released together by a barrier, all booking the same 4 slots,
with a place for everyone) and "sold out" (the same, with 40 places for all attempts). Prints
committed bookings per second, attempts answered per second (a "penuh" answer
with alternatives is work too), and the contended/baseline ratios from the same run.
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from mpp.booking.model import Booking, BookingRequest
from mpp.booking.service import BookingService
from mpp.booking.slots import day_slots
from mpp.catalogue.loader import read_catalogue
from mpp.clock import fixed_clock
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine
from mpp.privacy import Crypto, Keys
from mpp.wiring import upgrade_database
from testkit.core import on_database

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
DAYS = [date(2026, 11, 30)] + [date(2026, 12, d) for d in (1, 2, 3, 4, 7, 8, 9, 10, 11)]  # open weekdays in the window
KEYS = Keys.generate()


def nik(i: int) -> str:
    return f"3271{(i % 90) + 10:02d}{(i % 28) + 1:02d}0890{(i % 9999) + 1:04d}"


def catalogue(quota: int):  # type: ignore[no-untyped-def]
    cat = read_catalogue(PROJECT_ROOT / "data" / "catalogue").catalogue
    key = ("kota_bogor", "kk")
    return replace(cat, offerings={**cat.offerings, key: replace(cat.offerings[key], quota_per_slot=quota)})


def service(url: str, cat) -> BookingService:  # type: ignore[no-untyped-def]
    return on_database(url, cat, fixed_clock(NOW), crypto=Crypto(KEYS)).bookings


def run(url: str, attempts: int, threads: int, quota: int, slots_used: int) -> tuple[float, int]:
    cat = catalogue(quota)
    offering = cat.offering("kota_bogor", "kk")
    starts = [(d, s.start) for d in DAYS for s in day_slots(cat.mpps["kota_bogor"], offering, d)][:slots_used]
    barrier = threading.Barrier(threads)
    per_thread = attempts // threads
    run_id = uuid.uuid4().hex[:6]

    def worker(t: int) -> int:
        svc = service(url, cat)
        barrier.wait()
        booked = 0
        for k in range(per_thread):
            i = t * per_thread + k
            day, start = starts[i % len(starts)]
            req = BookingRequest(
                f"{run_id}-{i}", f"bench:{run_id}:{i}", "kota_bogor", "kk", day, start, "Warga", nik(i)
            )
            booked += isinstance(svc.book(req), Booking)
        return booked

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        booked = sum(pool.map(worker, range(threads)))
    return time.perf_counter() - began, booked


def fresh(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in ("booking", "slot_usage", "queue_counter"):
            conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    databases = {"sqlite": f"sqlite:///{PROJECT_ROOT / 'var' / 'bench_booking.db'}", "postgresql": args.postgres}
    print(
        f"{args.attempts} attempts per run. baseline: 1 thread, places to spare across the window; "
        f"hot rows: {args.threads} threads on 4 slots with a place for everyone; "
        f"sold out: {args.threads} threads on 4 slots x 10 places (the rest get 'penuh' + alternatives)\n"
    )
    print(f"{'database':<11}{'run':<11}{'seconds':>9}{'booked':>8}{'booked/s':>10}{'answered/s':>12}")
    for name, url in databases.items():
        try:
            upgrade_database(url)
        except Exception as exc:
            print(f"{name:<11}skipped: {exc.__class__.__name__}")
            continue
        fresh(url)
        base_s, base_n = run(url, args.attempts, 1, quota=2, slots_used=args.attempts)
        fresh(url)
        hot_s, hot_n = run(url, args.attempts, args.threads, quota=args.attempts, slots_used=4)
        fresh(url)
        full_s, full_n = run(url, args.attempts, args.threads, quota=10, slots_used=4)
        fresh(url)
        runs = (("baseline", base_s, base_n), ("hot rows", hot_s, hot_n), ("sold out", full_s, full_n))
        for label, seconds, booked in runs:
            print(
                f"{name:<11}{label:<11}{seconds:>9.2f}{booked:>8}{booked / seconds:>10.1f}{args.attempts / seconds:>12.1f}"
            )
        for label, seconds, booked in runs[1:]:
            print(
                f"{name:<11}{label + '/base':<11}{'':>9}{'':>8}{(booked / seconds) / (base_n / base_s):>10.2f}"
                f"{base_s / seconds:>12.2f}"
            )


if __name__ == "__main__":
    main()
