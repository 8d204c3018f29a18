"""Operator commands for bookings: ``mpp booking sweep`` (registered in ``mpp.cli``).

A top-level module, not part of mpp.booking: it builds the whole core (mpp.wiring), which
imports mpp.booking.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_DB = 3


def cmd_sweep(args: argparse.Namespace) -> int:
    """Bookings not checked in by the end of their slot plus the grace period become no-shows (citizens told)."""
    from mpp.config import load_settings
    from mpp.storage import Unavailable
    from mpp.wiring import Core

    core = Core(load_settings())
    try:
        missed = core.bookings.sweep_missed()
    except Unavailable as exc:
        print(f"error: the database is unreachable, nothing changed: {exc}", file=sys.stderr)
        return EXIT_DB
    finally:
        core.engine.dispose()
    grace = core.policy.no_show_grace_minutes
    print(f"{missed} booking(s) marked as no-show (not checked in by the end of the slot + {grace} minutes)")
    return 0


def register(sub: Any) -> None:
    """Add ``booking sweep`` to the ``mpp`` command line."""
    booking = sub.add_parser("booking", help="queue bookings").add_subparsers(dest="action", required=True)
    sweep = booking.add_parser("sweep", help="mark bookings whose slot passed without a check-in as no-shows")
    sweep.set_defaults(func=cmd_sweep)
