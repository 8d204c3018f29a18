"""``mpp catalogue audit``: what is unsourced, unverified, stale or missing, per MPP.

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
from mpp.catalogue.loader import CatalogueInvalid, read_catalogue
from mpp.config import load_settings

EXIT_UNSOURCED = 1
EXIT_INVALID = 2


def _today(text: str | None) -> date:
    if text:
        return date.fromisoformat(text)
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


def cmd_catalogue_audit(args: argparse.Namespace) -> int:
    directory = Path(args.dir or load_settings().catalogue_dir)
    try:
        today = _today(args.today)
    except ValueError:
        print(f"error: --today '{args.today}' is not a date like 2026-12-03", file=sys.stderr)
        return EXIT_INVALID
    try:
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
    audit_parser.set_defaults(func=cmd_catalogue_audit)
