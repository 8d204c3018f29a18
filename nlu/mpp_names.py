"""MPP names from the stored catalogue at run time, so that an MPP onboarded in the console is recognised at once.

The ``mpp`` entity's training-time aliases stay (they win every conflict); the names of the MPPs in
the stored catalogue are added and kept fresh: a daemon thread checks the catalogue version every
``MPP_CATALOGUE_REFRESH_SECONDS`` and rebuilds the table when it changed. Messages never wait on the
database: they use the table as last built. A database that cannot be read leaves the last table
in place (logged once per kind of error); a SQLite file that does not exist is not created.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from mpp.catalogue.names import alias_table, stored_mpp_names, stored_version
from mpp.db.engine import make_engine, make_session_factory

logger = logging.getLogger(__name__)


class RuntimeMppNames:
    def __init__(
        self,
        training: Mapping[str, str],
        on_table: Callable[[dict[str, str]], None],
        database_url: str,
        refresh_seconds: float,
    ):
        """``on_table(table)`` is called with each new alias table; it is held weakly (a dropped model's
        component stops the thread)."""
        self._training = dict(training)
        self._url = database_url
        self._refresh = max(0.2, refresh_seconds)
        self._callback = weakref.WeakMethod(on_table) if hasattr(on_table, "__self__") else lambda: on_table
        self._engine: Engine | None = None
        self._version = -1
        self._stop = threading.Event()
        self._errors: set[str] = set()
        self._thread: threading.Thread | None = None

    def _readable(self) -> bool:
        url = make_url(self._url)
        return url.get_backend_name() != "sqlite" or (
            url.database not in (None, "", ":memory:") and Path(url.database).exists()
        )

    def refresh(self) -> bool:
        """Read the names if the stored catalogue changed; True when a new table was handed over."""
        if not self._readable():
            return False
        try:
            if self._engine is None:
                self._engine = make_engine(self._url)
            with make_session_factory(self._engine)() as session:
                version = stored_version(session)
                if version == self._version:
                    return False
                names = stored_mpp_names(session)
        except SQLAlchemyError as exc:
            kind = type(getattr(exc, "orig", exc)).__name__
            if kind not in self._errors:
                self._errors.add(kind)
                logger.warning("MPP names: cannot read the stored catalogue (%s); keeping the names known so far", kind)
            return False
        callback: Any = self._callback()
        if callback is None:
            self._stop.set()
            return False
        callback(alias_table(names, self._training))
        self._version = version
        logger.info("MPP names: %d MPP(s) from catalogue version %d", len(names), version)
        return True

    def start(self) -> None:
        self.refresh()
        self._thread = threading.Thread(target=self._run, name="mpp-names", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._refresh):
            self.refresh()
        if self._engine is not None:
            self._engine.dispose()

    def stop(self) -> None:
        self._stop.set()
