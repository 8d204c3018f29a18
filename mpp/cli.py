"""Operator commands: ``mpp db upgrade``, ``mpp catalogue check|load``, ``mpp staff …`` (mpp.staff.cli).

Errors go to stderr with a non-zero exit status; a catalogue with problems lists
every problem (file, field, what is wrong) and leaves the database untouched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from sqlalchemy.exc import SQLAlchemyError

from mpp import booking_commands, complaint_commands, dashboard_commands, handoff_commands, privacy_cli, survey_commands
from mpp.catalogue.loader import CatalogueInvalid, read_catalogue
from mpp.catalogue.store import load_from_db, save_catalogue
from mpp.config import load_settings
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.editor.commands import add_editor_commands, console_edits, explain
from mpp.staff import cli as staff_cli
from mpp.wiring import upgrade_database

EXIT_INVALID = 2
EXIT_DB = 3


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        upgrade_database(settings.database_url)
    except SQLAlchemyError as exc:
        print(
            f"error: cannot migrate {_redact(settings.database_url)}: "
            f"{exc.__class__.__name__}: {getattr(exc, 'orig', exc)}",
            file=sys.stderr,
        )
        return EXIT_DB
    print(f"database at {_redact(settings.database_url)} is up to date")
    return 0


def _read(directory: Path):  # type: ignore[no-untyped-def]
    try:
        return read_catalogue(directory)
    except CatalogueInvalid as exc:
        print(
            f"error: the catalogue in {directory} has {len(exc.problems)} problem(s); nothing was loaded:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def cmd_catalogue_check(args: argparse.Namespace) -> int:
    directory = Path(args.dir or load_settings().catalogue_dir)
    loaded = _read(directory)
    if loaded is None:
        return EXIT_INVALID
    cat = loaded.catalogue
    print(f"ok: {len(cat.services)} services, {len(cat.mpps)} MPPs, {len(cat.offerings)} offerings in {directory}")
    return 0


def cmd_catalogue_load(args: argparse.Namespace) -> int:
    settings = load_settings()
    directory = Path(args.dir or settings.catalogue_dir)
    loaded = _read(directory)
    if loaded is None:
        return EXIT_INVALID
    engine = make_engine(settings.database_url)
    try:
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            edits = console_edits(uow.session, loaded)
            if edits is not None and not args.force:
                if edits.yaml_unchanged:  # e.g. make run's setup: the files are those last loaded
                    print(f"catalogue files unchanged since version {edits.last_yaml_version}; {explain(edits)}: kept")
                    return 0
                print(
                    f"error: {explain(edits)}; loading these files would replace them. Export the live catalogue "
                    "(mpp catalogue export --dir D), merge, then load; or pass --force",
                    file=sys.stderr,
                )
                return EXIT_INVALID
            previous = load_from_db(uow.session)
            version = save_catalogue(uow.session, loaded)
            uow.commit()
    except SQLAlchemyError as exc:
        print(
            f"error: could not store the catalogue in {_redact(settings.database_url)} "
            f"(nothing changed): {getattr(exc, 'orig', exc)}",
            file=sys.stderr,
        )
        return EXIT_DB
    finally:
        engine.dispose()
    cat = loaded.catalogue
    if previous.version:
        _announce_new_closures(previous, cat)
    print(
        f"loaded catalogue version {version}: {len(cat.services)} services, "
        f"{len(cat.mpps)} MPPs, {len(cat.offerings)} offerings"
    )
    return 0


def cmd_outage_add(args: argparse.Namespace) -> int:
    """Close a day (or one service on a day) after bookings exist, and tell the citizens affected."""
    from datetime import date, datetime, timezone

    from mpp.booking.outages import add_outage
    from mpp.wiring import Core

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        print(f"error: --date '{args.date}' is not a date like 2026-12-24", file=sys.stderr)
        return EXIT_INVALID
    core = Core(load_settings())
    try:
        affected = add_outage(
            core.bookings, core.catalogue.get(), args.mpp, day, args.reason, args.service, datetime.now(timezone.utc)
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"closed {args.mpp} on {day}{' for ' + args.service if args.service else ''}: {affected} booking(s) notified")
    return 0


def _announce_new_closures(previous, current) -> None:  # type: ignore[no-untyped-def]
    """A reload that closes days with bookings on them (a new decree, a closure) tells those citizens."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from mpp.booking.outages import newly_closed, notify_affected
    from mpp.wiring import Core

    now = datetime.now(timezone.utc)
    today = now.astimezone(ZoneInfo("Asia/Jakarta")).date()
    closures = newly_closed(previous, current, today)
    if not closures:
        return
    bookings = Core(load_settings()).bookings
    for mpp_code, day, reason in closures:
        count = notify_affected(bookings, current, mpp_code, day, reason, None, now, f"catalogue:{mpp_code}:{day}")
        if count:
            print(f"{mpp_code} now closed on {day} ({reason}): {count} booking(s) notified")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mpp", description="Asisten MPP operator commands")
    sub = parser.add_subparsers(dest="group", required=True)
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply all migrations").set_defaults(func=cmd_db_upgrade)
    cat = sub.add_parser("catalogue", help="service catalogue").add_subparsers(dest="action", required=True)
    check = cat.add_parser("check", help="validate the YAML files only")
    check.add_argument("--dir", help="catalogue directory (default: MPP_CATALOGUE_DIR or data/catalogue)")
    check.set_defaults(func=cmd_catalogue_check)
    load = cat.add_parser("load", help="validate, then replace the stored catalogue atomically")
    load.add_argument("--dir", help="catalogue directory (default: MPP_CATALOGUE_DIR or data/catalogue)")
    load.add_argument(
        "--force", action="store_true", help="replace versions approved in the console since the last load"
    )
    load.set_defaults(func=cmd_catalogue_load)
    from mpp.catalogue.commands import add_catalogue_commands

    add_catalogue_commands(cat)
    add_editor_commands(cat)
    privacy_cli.register(sub)
    staff_cli.register(sub)
    outage = sub.add_parser("outage", help="closures after bookings exist").add_subparsers(dest="action", required=True)
    close = outage.add_parser("add", help="close a day (or a service on a day) and notify the affected bookings")
    close.add_argument("--mpp", required=True)
    close.add_argument("--date", required=True, help="YYYY-MM-DD")
    close.add_argument("--reason", required=True, help='shown to citizens, e.g. "blanko KTP-el habis"')
    close.add_argument("--service", help="only this service (default: the whole MPP)")
    close.set_defaults(func=cmd_outage_add)
    booking_commands.register(sub)
    handoff_commands.register(sub)
    survey_commands.register(sub)
    dashboard_commands.register(sub)
    complaint_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
