"""Operator commands: ``mpp nlu export-suggestions`` (the marked fallback groups as a Rasa NLU file)
and ``mpp survey report`` (the IKM per MPP/agency and period). Registered by ``mpp.cli``."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from mpp.config import load_settings
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork

EXIT_INVALID, EXIT_DB = 2, 3


def cmd_export_suggestions(args: argparse.Namespace) -> int:
    from mpp import turns
    from mpp.privacy import Crypto, load_keys

    engine = make_engine(load_settings().database_url)
    try:
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            text = turns.export_suggestions(uow.session, Crypto(load_keys()), datetime.now(timezone.utc), args.all)
            target = Path(args.out)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            uow.commit()
    except (SQLAlchemyError, OSError) as exc:
        print(f"error: export failed, nothing marked exported: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    examples = sum(1 for line in text.splitlines() if line.startswith("    - "))
    print(f"{examples} example(s) written to {args.out}: review them, move them into data/nlu/, then train")
    return 0


def cmd_survey_report(args: argparse.Namespace) -> int:
    from mpp.survey.report import by_agency, ikm_report

    try:
        end = date.fromisoformat(args.end) if args.end else date.today()
        start = date.fromisoformat(args.start) if args.start else end - timedelta(days=30)
    except ValueError:
        print("error: dates are YYYY-MM-DD", file=sys.stderr)
        return EXIT_INVALID
    engine = make_engine(load_settings().database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            print(ikm_report(uow.session, start, end, args.mpp).summary())
            if args.mpp:
                for report in by_agency(uow.session, start, end, args.mpp):
                    print("  " + report.summary())
    except SQLAlchemyError as exc:
        print(f"error: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    nlu = sub.add_parser("nlu", help="what the assistant could not answer").add_subparsers(dest="action", required=True)
    export = nlu.add_parser("export-suggestions", help="groups marked 'add to training data' as a Rasa NLU file")
    export.add_argument("--out", default="var/nlu_suggestions.yml")
    export.add_argument("--all", action="store_true", help="include groups exported before")
    export.set_defaults(func=cmd_export_suggestions)
    survey = sub.add_parser("survey", help="Survei Kepuasan Masyarakat").add_subparsers(dest="action", required=True)
    report = survey.add_parser("report", help="the IKM (Permenpan RB 14/2017) per MPP and agency")
    report.add_argument("--mpp", help="an MPP code (default: all)")
    report.add_argument("--start", help="YYYY-MM-DD (default: 30 days before the end)")
    report.add_argument("--end", help="YYYY-MM-DD (default: today)")
    report.set_defaults(func=cmd_survey_report)
