"""A redelivered turn is recorded once, and its INSERT … ON CONFLICT DO NOTHING is compiled once.

``mpp.db.sql.insert_ignore`` keeps the platforms' redeliveries (same ``source_key``) from being
counted twice on the dashboard; it runs for every recorded turn, so SQLAlchemy must be able to
cache it (1.4's dialect inserts cannot be: every recorded turn paid a compilation).
Runs on SQLite and on PostgreSQL (the ``db_url`` fixture).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import event, func, select
from sqlalchemy.engine.default import CACHE_HIT, CACHE_MISS

from mpp import turns
from mpp.config import Settings
from mpp.db.survey_tables import TurnRow
from mpp.wiring import Core

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)


def test_a_redelivered_turn_is_recorded_once_and_compiled_once(db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    core = Core(Settings(database_url=db_url, catalogue_dir=tmp_path, catalogue_refresh_seconds=5))
    compiled: list[object] = []

    @event.listens_for(core.engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO nlu_turn"):
            compiled.append(context.cache_hit)

    def deliver(source_key: str, text: str, intent: str) -> None:
        with core.uow(write=True) as uow:
            understood = turns.Understood(intent, 0.9, "ktp_el", "kota_bogor")
            turns.record(uow.session, core.crypto, "telegram:7", text, understood, NOW, source_key)
            uow.commit()

    deliver("inbox:1", "syarat ktp apa", "tanya_syarat")
    deliver("inbox:1", "syarat ktp apa", "tanya_syarat")  # the platform sends the same update again
    deliver("inbox:2", "biaya ktp berapa", "tanya_biaya")
    deliver("inbox:2", "biaya ktp berapa", "tanya_biaya")
    with core.session_factory() as s:
        rows = s.execute(select(TurnRow.source_key, TurnRow.intent).order_by(TurnRow.source_key)).all()
        assert [tuple(r) for r in rows] == [("inbox:1", "tanya_syarat"), ("inbox:2", "tanya_biaya")]
        assert s.execute(select(func.count()).select_from(TurnRow)).scalar_one() == 2
    # the first execution compiles the statement; every later one reuses it
    assert len(compiled) == 4
    assert compiled[0] is CACHE_MISS, compiled
    assert all(hit is CACHE_HIT for hit in compiled[1:]), compiled
    core.engine.dispose()
