"""Operator commands for complaints: ``mpp complaints export --from --to --format csv|json [--output FILE]``.

Writes the SP4N-LAPOR fields (``mpp.grievance.export``) of every complaint filed in the period, all MPPs
(the CLI acts as a national administrator, through the same ``authorize`` as the console). No network call.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

EXIT_USAGE, EXIT_DB = 2, 3


def cmd_export(args: argparse.Namespace) -> int:
    from mpp.config import load_settings
    from mpp.grievance.export import render
    from mpp.grievance.model import ComplaintError
    from mpp.staff.roles import OPERATOR
    from mpp.storage import Unavailable
    from mpp.wiring import Core

    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError as exc:
        print(f"error: dates are YYYY-MM-DD: {exc}", file=sys.stderr)
        return EXIT_USAGE
    core = Core(load_settings())
    try:
        records = core.complaints.export(OPERATOR, start, end)
    except ComplaintError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Unavailable as exc:
        print(f"error: the database is unreachable: {exc}", file=sys.stderr)
        return EXIT_DB
    finally:
        core.engine.dispose()
    text = render(records, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{len(records)} complaint(s) written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def register(sub: Any) -> None:
    complaints = sub.add_parser("complaints", help="complaints with a tracking number").add_subparsers(
        dest="action", required=True
    )
    export = complaints.add_parser("export", help="the SP4N-LAPOR fields of the complaints filed in a period")
    export.add_argument("--from", dest="start", required=True, help="first day (YYYY-MM-DD, UTC)")
    export.add_argument("--to", dest="end", required=True, help="last day, inclusive (YYYY-MM-DD, UTC)")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--output", help="a file to write (default: standard output)")
    export.set_defaults(func=cmd_export)
