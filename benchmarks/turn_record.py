"""What recording a turn costs (``mpp.turns.record``, every REST turn): ours, a statement built once and
executed with parameters, against the two before it, same process, same database, alternating rounds:

* dialect: SQLAlchemy 1.4's dialect INSERT … ON CONFLICT, built per call and compiled afresh every
  time (it has no cache key);
* per call: the cached INSERT … ON CONFLICT of ``mpp.db.sql.insert_ignore``, built and keyed per call.

    .venv/bin/python -m benchmarks.turn_record [--calls 2000] [--postgres URL]

Prints CPU and wall milliseconds per recorded turn on SQLite and, when reachable, PostgreSQL, and the
CPU ratios (ours / each). Asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mpp import turns
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.sql import insert_ignore
from mpp.db.survey_tables import TurnRow
from mpp.privacy import Crypto, Keys
from mpp.survey.records import sender_hash
from testkit.stack import database

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)


def dialect_insert_ignore(session: Session, table: Any, values: dict[str, Any], keys: list[str]) -> None:
    """The first ``insert_ignore``: the dialect's own insert (no cache key in SQLAlchemy 1.4)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))


def previous_record(ignore: Callable[..., None]) -> Callable[..., None]:
    """``turns.record`` as it was before its statements were built once (with the given insert)."""

    def record(
        session: Session,
        crypto: Crypto,
        sender: str,
        text: str,
        understood: turns.Understood,
        now: datetime,
        source_key: str,
    ) -> None:
        masked = turns.mask(text) if understood.needs_review else None
        hashed = sender_hash(crypto, sender)
        known = (
            select(TurnRow.mpp_code)
            .where(TurnRow.sender_hash == hashed, TurnRow.mpp_code.isnot(None))
            .order_by(TurnRow.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        values = {
            "source_key": source_key,
            "sender_hash": hashed,
            "mpp_code": understood.mpp if understood.mpp else known,
            "at": now,
            "intent": understood.intent,
            "confidence": understood.confidence,
            "fallback": understood.fallback,
            "needs_review": understood.needs_review,
            "service_code": understood.service,
            "text_encrypted": crypto.encrypt(masked) if masked is not None else None,
            "group_key": None
            if masked is None
            else crypto.keyed_hash("group:" + " ".join(sorted(turns.words(masked))))[:32],
        }
        ignore(session, TurnRow, values, ["source_key"])

    return record


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
    variants = {
        "dialect": previous_record(dialect_insert_ignore),
        "per call": previous_record(insert_ignore),
        "ours": turns.record,
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    next_key = 0
    for _ in range(3):  # alternate, so that no side gets the quieter moment
        for name, variant in variants.items():

            def record(i: int, variant: Callable[..., None] = variant) -> None:
                with sessions() as session:
                    variant(session, crypto, f"telegram:{i % 50}", "syarat ktp apa ya", understood, NOW, f"inbox:{i}")
                    session.commit()

            record(next_key)  # warm the pool and the statement cache
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
        print(
            f"{'database':<11} {'dialect insert':>17} {'per-call insert':>17} {'built once (ours)':>18} {'CPU ratio ours /':>17}"
        )
        print(f"{'':<11} {'CPU / wall ms':>17} {'CPU / wall ms':>17} {'CPU / wall ms':>18} {'dialect, per call':>17}")
        for name, url in urls.items():
            f = measure(url, args.calls)
            (dc, dw), (pc, pw), (oc, ow) = f["dialect"], f["per call"], f["ours"]
            print(
                f"{name:<11} {dc:>8.3f} / {dw:>6.3f} {pc:>8.3f} / {pw:>6.3f} {oc:>9.3f} / {ow:>6.3f} "
                f"{oc / dc:>8.2f}, {oc / pc:>5.2f}"
            )


if __name__ == "__main__":
    main()
