"""Operator commands for the dashboard: ``mpp demo simulate`` (registered in ``mpp.cli``)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from typing import Any

EXIT_USAGE, EXIT_DB = 2, 3


def cmd_simulate(args: argparse.Namespace) -> int:
    """Fill the dashboard's past days with simulated queue data (deterministic per seed)."""
    from mpp.clock import local_now
    from mpp.config import load_settings
    from mpp.dashboard.simulate import simulate
    from mpp.db.uow import UnitOfWork
    from mpp.deployment import production_mode
    from mpp.storage import Unavailable
    from mpp.wiring import Core

    if production_mode():
        print("error: demo data is never written in production (MPP_ENV=production)", file=sys.stderr)
        return EXIT_USAGE
    if not 1 <= args.days <= 366:
        print("error: --days must be between 1 and 366", file=sys.stderr)
        return EXIT_USAGE
    core = Core(load_settings())
    try:
        catalogue = core.catalogue.get()
        mpps = args.mpp or sorted({m for (m, _) in catalogue.offerings})
        unknown = [m for m in mpps if m not in catalogue.mpps]
        if unknown:
            print(
                f"error: unknown MPP {', '.join(unknown)}; known: {', '.join(sorted(catalogue.mpps))}", file=sys.stderr
            )
            return EXIT_USAGE
        if args.end:
            try:
                end = date.fromisoformat(args.end)
            except ValueError:
                print(f"error: --end {args.end!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
                return EXIT_USAGE
        else:
            end = local_now(core.clock, "Asia/Jakarta").date() - timedelta(days=1)
        with UnitOfWork(core.session_factory, write=True) as uow:
            result = simulate(uow.session, catalogue, days=args.days, end=end, mpps=mpps, seed=args.seed)
            uow.commit()
    except Unavailable as exc:
        print(f"error: the database is unreachable, nothing changed: {exc}", file=sys.stderr)
        return EXIT_DB
    finally:
        core.engine.dispose()
    first = end - timedelta(days=args.days - 1)
    print(
        f"simulated {first} .. {end} for {', '.join(result.mpps)}: {result.tickets} tickets, "
        f"{result.bookings} bookings, {result.notifications} notifications, {result.handoffs} handoffs, "
        f"{result.surveys} surveys; {result.closed_days} closed MPP-days skipped (holidays, closures) "
        "(earlier simulated rows replaced; open the console's Dasbor to see them)"
    )
    return 0


def register(sub: Any) -> None:
    """Add ``demo simulate`` to the ``mpp`` command line."""
    demo = sub.add_parser("demo", help="demo data").add_subparsers(dest="action", required=True)
    sim = demo.add_parser("simulate", help="fill past days with a simulated queue for the dashboard")
    sim.add_argument("--days", type=int, default=30, help="how many days, ending yesterday (default 30)")
    sim.add_argument("--mpp", action="append", help="only this MPP (repeatable; default: every MPP with services)")
    sim.add_argument("--seed", type=int, default=15, help="random seed: the same seed gives the same data")
    sim.add_argument("--end", help="last simulated day, YYYY-MM-DD (default: yesterday, WIB)")
    sim.set_defaults(func=cmd_simulate)
