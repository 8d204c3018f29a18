"""``mpp staff add|list|disable`` and ``mpp kiosk add|revoke``: accounts and kiosk devices from the command line.

The operator running the CLI holds the database credentials, so it acts as ``OPERATOR`` (a
national administrator); it still asks ``authorize_grant`` like the console would, so the
rules are the same in both places. Bad arguments get a precise error and change nothing.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy.exc import SQLAlchemyError

from mpp.catalogue.store import load_from_db
from mpp.config import load_settings
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.staff import accounts
from mpp.staff.roles import OPERATOR, Permission, Refused, Role, authorize, authorize_grant

EXIT_INVALID, EXIT_DB = 2, 3


def cmd_add(args: argparse.Namespace) -> int:
    """Create an account (password from MPP_STAFF_PASSWORD or asked for)."""
    role = Role(args.role)
    try:
        authorize_grant(OPERATOR, role, mpp=args.mpp)
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    password = os.environ.get("MPP_STAFF_PASSWORD") or getpass.getpass(
        f"Kata sandi ({accounts.MIN_PASSWORD}-{accounts.MAX_PASSWORD} karakter): "
    )
    engine = make_engine(load_settings().database_url)
    try:
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            problems = accounts.scope_problems(load_from_db(uow.session), role, args.mpp, args.agency, args.counter)
            if problems:
                for problem in problems:
                    print(f"error: {problem}", file=sys.stderr)
                return EXIT_INVALID
            accounts.add_staff(
                uow.session,
                args.username,
                password,
                args.name or args.username,
                args.mpp,
                args.agency,
                args.counter,
                role=role,
            )
            uow.commit()
    except accounts.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as exc:
        print(f"error: nothing was stored: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    where = "every MPP" if not args.mpp else (f"{args.agency} at {args.mpp}" if args.agency else args.mpp)
    print(f"staff account '{args.username}' ({role.value}) created for {where}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    authorize(OPERATOR, Permission.MANAGE_STAFF, mpp=args.mpp)
    engine = make_engine(load_settings().database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            rows = accounts.list_staff(uow.session, args.mpp)
            for r in rows:
                state = "active" if r.active else "disabled"
                print(f"{r.username}\t{r.role}\t{r.mpp_code or '*'}\t{r.agency_code or '-'}\t{state}")
    except SQLAlchemyError as exc:
        print(f"error: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    """Disable an account; its open sessions end at once."""
    engine = make_engine(load_settings().database_url)
    try:
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            row = accounts.find(uow.session, args.username)
            if row is None:
                print(f"error: no account '{args.username}'", file=sys.stderr)
                return EXIT_INVALID
            authorize(OPERATOR, Permission.MANAGE_STAFF, mpp=row.mpp_code)
            ended = accounts.deactivate(uow.session, row)
            uow.commit()
    except SQLAlchemyError as exc:
        print(f"error: nothing changed: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    print(f"staff account '{args.username}' disabled; {ended} session(s) ended")
    return 0


def cmd_kiosk_add(args: argparse.Namespace) -> int:
    """A kiosk device and its one-time enrolment code; a name in use at that MPP gets a new code instead."""
    from datetime import datetime, timezone

    from sqlalchemy import select

    from mpp.db.staff_tables import KioskDeviceRow
    from mpp.staff import kiosks

    now = datetime.now(timezone.utc)
    engine = make_engine(load_settings().database_url)
    try:
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            if load_from_db(uow.session).mpp(args.mpp) is None:
                print(f"error: unknown MPP '{args.mpp}'", file=sys.stderr)
                return EXIT_INVALID
            existing = uow.session.execute(
                select(KioskDeviceRow.id).where(
                    KioskDeviceRow.mpp_code == args.mpp,
                    KioskDeviceRow.name == args.name,
                    KioskDeviceRow.revoked_at.is_(None),
                )
            ).scalar()
            if existing is not None:
                device_id, code = existing, kiosks.new_enrolment_code(uow.session, OPERATOR, existing, now)
            else:
                device_id, code = kiosks.create_device(uow.session, OPERATOR, args.mpp, args.name, now)
            uow.commit()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as exc:
        print(f"error: nothing changed: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    print(f"kiosk {device_id} '{args.name}' at {args.mpp}: enrolment code {code} (once, {kiosks.ENROL_MINUTES} min)")
    return 0


def cmd_kiosk_revoke(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from mpp.staff import kiosks

    engine = make_engine(load_settings().database_url)
    try:
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            device = kiosks.revoke(uow.session, OPERATOR, args.device, datetime.now(timezone.utc))
            uow.commit()
    except ValueError as exc:
        print(f"error: kiosk {args.device}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as exc:
        print(f"error: nothing changed: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    print(f"kiosk {device.id} '{device.name}' at {device.mpp_code} revoked")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    staff = sub.add_parser("staff", help="console accounts and roles").add_subparsers(dest="action", required=True)
    add = staff.add_parser("add", help="create an account (password: MPP_STAFF_PASSWORD or prompt)")
    add.add_argument("username")
    add.add_argument(
        "--role",
        choices=[r.value for r in Role],
        default=Role.CLERK.value,
        help="clerk (one agency at one MPP), mpp_admin, supervisor (one MPP), national_admin (every MPP)",
    )
    add.add_argument("--mpp", help="MPP code, e.g. kota_bogor (every role but national_admin)")
    add.add_argument("--agency", help="agency code at that MPP, e.g. disdukcapil (clerks only)")
    add.add_argument("--counter", help="default counter (loket) code (clerks only)")
    add.add_argument("--name", help="name shown in the console")
    add.set_defaults(func=cmd_add)
    listing = staff.add_parser("list", help="accounts, one per line: username, role, MPP, agency, state")
    listing.add_argument("--mpp", help="only this MPP")
    listing.set_defaults(func=cmd_list)
    disable = staff.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    disable.set_defaults(func=cmd_disable)
    kiosk = sub.add_parser("kiosk", help="kiosk devices").add_subparsers(dest="action", required=True)
    kiosk_add = kiosk.add_parser("add", help="create a kiosk device and print its one-time enrolment code")
    kiosk_add.add_argument("--mpp", required=True, help="MPP code, e.g. kota_bogor")
    kiosk_add.add_argument("--name", required=True, help="where it stands, e.g. 'Lobi lantai 1'")
    kiosk_add.set_defaults(func=cmd_kiosk_add)
    revoke = kiosk.add_parser("revoke", help="stop a kiosk device at once")
    revoke.add_argument("device", type=int, help="device number (see the console's kiosk page)")
    revoke.set_defaults(func=cmd_kiosk_revoke)
