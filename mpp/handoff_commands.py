"""Operator commands for the live handoff: ``mpp handoff sweep`` (registered in ``mpp.cli``).

The notifier runs the same sweep every 30 seconds; this command is for a timer when no notifier
runs (running both changes nothing: each time-out is applied, and told, once).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_DB = 3


def cmd_sweep(args: argparse.Namespace) -> int:
    """Held chats without a staff message, waits nobody took and messages never written: time out."""
    from mpp.config import load_settings
    from mpp.storage import Unavailable
    from mpp.wiring import Core

    core = Core(load_settings())
    try:
        counts = core.handoffs.sweep()
    except Unavailable as exc:
        print(f"error: the database is unreachable, nothing changed: {exc}", file=sys.stderr)
        return EXIT_DB
    finally:
        core.engine.dispose()
    rules = core.handoffs.rules
    print(
        f"{counts['timed_out']} held chat(s) ended (no staff message for {rules.idle.seconds // 60} minutes), "
        f"{counts['moved_to_message']} wait(s) turned into left messages, {counts['dropped']} unwritten message(s) dropped"
    )
    return 0


def register(sub: Any) -> None:
    """Add ``handoff sweep`` to the ``mpp`` command line."""
    handoff = sub.add_parser("handoff", help="chats handed to staff").add_subparsers(dest="action", required=True)
    sweep = handoff.add_parser("sweep", help="apply the handoff time-outs and closing time; tell each citizen once")
    sweep.set_defaults(func=cmd_sweep)
