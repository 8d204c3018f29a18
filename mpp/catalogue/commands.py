"""``mpp catalogue audit``: what is unsourced, unverified, stale or missing, per MPP.

By default it reads the YAML files; ``--stored`` audits the live stored version instead, so the
facts staff corrected in the console editor (each with its source and checked date) count.
Registered by ``mpp.cli.build_parser`` (``add_catalogue_commands``). ``check`` and ``load``
stay in mpp/cli.py; both refuse a fact without a source or a checked date, since the loader does.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mpp.catalogue.audit import audit, render_json, render_text
from mpp.catalogue.loader import CatalogueInvalid, build_catalogue, read_catalogue
from mpp.config import load_settings

EXIT_UNSOURCED = 1
EXIT_INVALID = 2
EXIT_DB = 3


def _today(text: str | None) -> date:
    if text:
        return date.fromisoformat(text)
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


def _stored() -> tuple[int, dict[str, Any]] | str:
    """The live stored version and its document (with the console's edits), or why there is none."""
    from sqlalchemy.exc import SQLAlchemyError

    from mpp.catalogue.store import current_version
    from mpp.db.editor_tables import CatalogueRevisionRow
    from mpp.db.engine import make_engine, make_session_factory

    engine = make_engine(load_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            version = current_version(session)
            row = session.get(CatalogueRevisionRow, version) if version else None
            if row is None:
                return "the database holds no stored catalogue document (load the YAML once: mpp catalogue load)"
            return int(version or 0), dict(row.document)
    except SQLAlchemyError as exc:
        return f"cannot read the stored catalogue: {getattr(exc, 'orig', exc)}"
    finally:
        engine.dispose()


def cmd_catalogue_audit(args: argparse.Namespace) -> int:
    directory = Path(args.dir or load_settings().catalogue_dir)
    try:
        today = _today(args.today)
    except ValueError:
        print(f"error: --today '{args.today}' is not a date like 2026-12-03", file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.stored:
            stored = _stored()
            if isinstance(stored, str):
                print(f"error: {stored}", file=sys.stderr)
                return EXIT_DB
            version, document = stored
            directory = Path(f"stored catalogue version {version}")
            loaded = build_catalogue(document, strict=False)
        else:
            loaded = read_catalogue(directory, strict=False)
    except CatalogueInvalid as exc:
        print(f"error: the catalogue in {directory} has {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    report = audit(loaded, directory, today)
    print(render_json(report) if args.format == "json" else render_text(report, loaded.catalogue))
    return EXIT_UNSOURCED if report.unsourced else 0


def add_catalogue_commands(catalogue_parsers: Any) -> None:
    """Add the catalogue commands of this module to ``mpp catalogue``."""
    audit_parser = catalogue_parsers.add_parser(
        "audit", help="list unsourced, unverified, stale and missing facts per MPP (exit 1 if any is unsourced)"
    )
    audit_parser.add_argument("--dir", help="catalogue directory (default: MPP_CATALOGUE_DIR or data/catalogue)")
    audit_parser.add_argument("--today", help="judge staleness as of this date (YYYY-MM-DD; default: today in WIB)")
    audit_parser.add_argument("--format", choices=("text", "json"), default="text")
    audit_parser.add_argument(
        "--stored",
        action="store_true",
        help="audit the live stored catalogue (with the console's approved edits) instead of the YAML files",
    )
    audit_parser.set_defaults(func=cmd_catalogue_audit)
