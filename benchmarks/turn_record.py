"""What recording a turn costs (``mpp.turns.record``, every REST turn), with the cached INSERT … ON
CONFLICT of ``mpp.db.sql.insert_ignore`` against SQLAlchemy 1.4's dialect insert (compiled afresh on
every call: it has no cache key). Same process, same database, alternating rounds.

    .venv/bin/python -m benchmarks.turn_record [--calls 2000] [--postgres URL]

Prints CPU and wall milliseconds per recorded turn on SQLite and, when reachable, PostgreSQL, and the
ratio (ours / dialect insert). Asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mpp import turns
from mpp.db.engine import make_engine, make_session_factory
from mpp.privacy import Crypto, Keys
from testkit.stack import database

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)


def dialect_insert_ignore(session: Session, table: Any, values: dict[str, Any], keys: list[str]) -> None:
    """The previous ``insert_ignore``: the dialect's own insert (no cache key in SQLAlchemy 1.4)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))


@contextmanager
def using(insert_ignore: Callable[..., None]) -> Iterator[None]:
    saved = turns.insert_ignore
    turns.insert_ignore = insert_ignore  # type: ignore[assignment]
    try:
        yield
    finally:
        turns.insert_ignore = saved  # type: ignore[assignment]


def per_call_ms(record: Callable[[int], None], start: int, calls: int) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(start, start + calls):
        record(i)
    return (time.process_time() - cpu) / calls * 1e3, (time.perf_counter() - wall) / calls * 1e3


def measure(url: str, calls: int) -> dict[str, tuple[float, float]]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    crypto = Crypto(Keys.generate())
    understood = turns.Understood("tanya_syarat", 0.9, "ktp_el", None)

    def record(i: int) -> None:
        with sessions() as session:
            turns.record(session, crypto, f"telegram:{i % 50}", "syarat ktp apa ya", understood, NOW, f"inbox:{i}")
            session.commit()

    ours = turns.insert_ignore
    figures: dict[str, list[tuple[float, float]]] = {"ours": [], "dialect": []}
    next_key = 0
    for _ in range(3):  # alternate, so that neither side gets the quieter moment
        for name, insert_ignore in (("dialect", dialect_insert_ignore), ("ours", ours)):
            with using(insert_ignore):
                record(next_key)  # warm the pool (and, for ours, the statement cache)
                figures[name].append(per_call_ms(record, next_key + 1, calls // 3))
                next_key += calls
    engine.dispose()
    return {name: (min(c for c, _ in runs), min(w for _, w in runs)) for name, runs in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.calls < 3:
        parser.error("--calls must be at least 3")
    with tempfile.TemporaryDirectory() as work:
        urls = {"sqlite": database(Path(work), None)}
        pg = database(Path(work), args.postgres, name="mpp_bench_turn_record")
        if pg.startswith("postgresql"):
            urls["postgresql"] = pg
        print(f"{'database':<11} {'dialect insert':>24} {'cached insert (ours)':>24} {'CPU ratio':>10}")
        print(f"{'':<11} {'CPU / wall ms per turn':>24} {'CPU / wall ms per turn':>24}")
        for name, url in urls.items():
            f = measure(url, args.calls)
            (dc, dw), (oc, ow) = f["dialect"], f["ours"]
            print(f"{name:<11} {dc:>13.3f} / {dw:>7.3f} {oc:>13.3f} / {ow:>7.3f} {oc / dc:>10.2f}")


if __name__ == "__main__":
    main()
