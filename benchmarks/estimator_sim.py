"""How good is the wait estimate? A simulated day at one agency's counters, through the real queue code.

    .venv/bin/python -m benchmarks.estimator_sim [--seed 7] [--counters 3] [--per-hour 24]

Walk-ins arrive at random (Poisson) from 07.30 to 15.00; three counters call the
next ticket whenever they are free; service times come from a log-normal
distribution (median about 7 minutes, a long tail) — not the constant slot length
the catalogue gives (15 minutes). At each arrival both estimates are taken:
  ours      mean service time measured today at that service (the last 20), over the open counters
  baseline  a constant per service: the catalogue's slot length, over the counters
and compared with the wait that really followed. Prints the mean absolute error.
"""

from __future__ import annotations

import argparse
import heapq
import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from statistics import mean
from zoneinfo import ZoneInfo

from mpp.catalogue.loader import read_catalogue
from mpp.catalogue.store import save_catalogue
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.queue.service import Staff
from mpp.wiring import upgrade_database
from testkit.core import on_database

WIB = ZoneInfo("Asia/Jakarta")


def simulate(seed: int, counters: int, per_hour: float) -> None:
    rng = random.Random(seed)
    cat = read_catalogue(PROJECT_ROOT / "data" / "catalogue").catalogue
    slot = cat.offering("kota_bogor", "kk").slot_minutes  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'sim.db'}"
        upgrade_database(url)
        factory = make_session_factory(make_engine(url))
        with UnitOfWork(factory, write=True) as uow:
            save_catalogue(uow.session, read_catalogue(PROJECT_ROOT / "data" / "catalogue"))
            uow.commit()
        clock = {"now": datetime(2026, 12, 1, 7, 30, tzinfo=WIB)}
        queue = on_database(factory, cat, lambda: clock["now"]).queue
        staff = [Staff(i, "kota_bogor", "disdukcapil", str(i)) for i in range(1, counters + 1)]
        events: list[tuple[datetime, int, str, int]] = []  # (time, seq, kind, counter index or 0)
        seq = 0
        t = clock["now"]
        end_arrivals = datetime(2026, 12, 1, 15, 0, tzinfo=WIB)
        while True:
            t += timedelta(minutes=rng.expovariate(per_hour / 60))
            if t > end_arrivals:
                break
            seq += 1
            heapq.heappush(events, (t, seq, "arrive", 0))
        idle = set(range(counters))
        arrived: dict[int, tuple[datetime, float, float]] = {}  # ticket -> (arrival, ours, baseline)
        waits: dict[int, float] = {}

        def call(counter: int) -> None:
            nonlocal seq
            ticket = queue.call_next(staff[counter])
            if ticket is None:
                idle.add(counter)
                return
            idle.discard(counter)
            waits[ticket.id] = (clock["now"] - arrived[ticket.id][0]).total_seconds() / 60
            minutes = rng.lognormvariate(1.95, 0.6)  # median ~7 min, mean ~8.4, long tail
            seq += 1
            heapq.heappush(events, (clock["now"] + timedelta(minutes=minutes), seq, f"done:{ticket.id}", counter))

        while events:
            at, _, kind, counter = heapq.heappop(events)
            clock["now"] = at
            if kind == "arrive":
                ticket = queue.issue_walk_in("kota_bogor", "kk")
                ahead, ours = queue.estimate(ticket.id)
                arrived[ticket.id] = (at, ours, ahead * slot / counters)
                for c in sorted(idle):
                    call(c)
            else:
                queue.served(staff[counter], int(kind.split(":")[1]))
                call(counter)
    rows = [(arrived[t][1], arrived[t][2], waits[t], arrived[t][0]) for t in waits]
    ours = mean(abs(o - w) for o, _, w, _ in rows)
    base = mean(abs(b - w) for _, b, w, _ in rows)
    late = [r for r in rows if r[3].hour >= 9]
    print(
        f"{len(rows)} walk-ins, {counters} counters, service times log-normal (mean {mean_service(seed):.1f} min), "
        f"catalogue slot {slot} min, seed {seed}\n"
    )
    print(f"{'estimate':<28}{'MAE (min)':>10}{'MAE after 09.00':>18}")
    print(f"{'ours (measured today)':<28}{ours:>10.1f}{mean(abs(o - w) for o, _, w, _ in late):>18.1f}")
    print(f"{'baseline (constant slot)':<28}{base:>10.1f}{mean(abs(b - w) for _, b, w, _ in late):>18.1f}")
    print(f"\nmean real wait {mean(w for *_, w, _ in rows):.1f} min; ours/baseline error ratio {ours / base:.2f}")


def mean_service(seed: int) -> float:
    import math

    return math.exp(1.95 + 0.6**2 / 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--counters", type=int, default=3)
    parser.add_argument("--per-hour", type=float, default=20)
    args = parser.parse_args()
    simulate(args.seed, args.counters, args.per_hour)


if __name__ == "__main__":
    main()
