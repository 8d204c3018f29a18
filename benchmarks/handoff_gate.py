"""What the live handoff adds to every REST turn: the gate's look-up for a chat nobody holds.

    .venv/bin/python -m benchmarks.handoff_gate [--calls 3000] [--postgres URL]

Every message through our REST channel asks ``HandoffService.gate`` whether a person holds the
chat. For the chats nobody holds (all but a few) that is one indexed SELECT on a bare connection.
Measured against the SELECT every turn already makes for the tracker key (``tracker_keys.read_key``,
also a bare connection), on SQLite and, when reachable, PostgreSQL: microseconds per call and the
ratio. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mpp.catalogue.loader import read_catalogue
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine, make_session_factory
from mpp.handoff.service import HandoffService
from mpp.privacy import Crypto, Keys
from mpp.tracker_keys import read_key
from testkit.stack import database


def per_call_us(fn: Callable[[int], object], calls: int) -> float:
    for i in range(200):  # warm the pool and the statement cache
        fn(i)
    start = time.perf_counter()
    for i in range(calls):
        fn(i)
    return (time.perf_counter() - start) / calls * 1e6


def measure(url: str, calls: int) -> tuple[float, float]:
    engine = make_engine(url)
    crypto = Crypto(Keys.generate())
    catalogue = read_catalogue(PROJECT_ROOT / "data" / "catalogue").catalogue
    service = HandoffService(make_session_factory(engine), lambda: catalogue, crypto, time_now)

    def key(i: int) -> object:
        with engine.connect() as connection:
            return read_key(connection, crypto, f"telegram:{i}")

    def gate(i: int) -> object:
        return service.gate(f"telegram:{i}", "syarat ktp apa")

    baseline, ours = per_call_us(key, calls), per_call_us(gate, calls)
    engine.dispose()
    return baseline, ours


def time_now():  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        urls = {"sqlite": database(Path(work), None)}
        pg = database(Path(work), args.postgres, name="mpp_bench_handoff")
        if pg.startswith("postgresql"):
            urls["postgresql"] = pg
        print(f"{'database':<11} {'tracker-key SELECT':>19} {'handoff gate':>13} {'ratio':>6}")
        for name, url in urls.items():
            baseline, ours = measure(url, args.calls)
            print(f"{name:<11} {baseline:>16.0f} us {ours:>10.0f} us {ours / baseline:>6.2f}")


if __name__ == "__main__":
    main()
