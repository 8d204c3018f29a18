"""YAML and the console's edits side by side: ``mpp catalogue export`` and the rule ``mpp catalogue load`` follows.

The rule: a YAML load never silently replaces changes approved in the console. When the stored
catalogue has console versions newer than the last YAML load,

* the same YAML as that load (digest unchanged: e.g. ``make run`` re-running its setup) is not
  loaded again: the console's versions stay, and the command says so (exit 0);
* YAML identical to the live catalogue (its export) is loaded: it replaces nothing;
* different YAML is refused (exit 2) with how many console versions it would replace, unless
  ``--force``. The way to merge: ``mpp catalogue export --dir D`` writes the live catalogue (with
  the console's edits and their sources) as YAML, to diff with and fold into the files; load the
  merged files with ``--force``.

Export then load gives back the very same document (comments of the original files are not kept).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from mpp.catalogue.loader import LoadedCatalogue
from mpp.catalogue.store import current_version
from mpp.config import load_settings
from mpp.db.catalogue_tables import CatalogueVersionRow
from mpp.db.editor_tables import CatalogueRevisionRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork

EXIT_INVALID, EXIT_DB = 2, 3


@dataclass(frozen=True)
class ConsoleEdits:
    """Console versions stored after the last YAML load."""

    count: int
    last_yaml_version: int | None
    yaml_unchanged: bool  # the files being loaded are those of that last YAML load


def console_edits(session: Session, loaded: LoadedCatalogue) -> ConsoleEdits | None:
    """None when loading ``loaded`` replaces nothing made in the console (none since, or the same document)."""
    live = session.get(CatalogueRevisionRow, current_version(session) or 0)
    if live is not None and loaded.document is not None and dict(live.document) == dict(loaded.document):
        return None  # e.g. the export of the live version: loading it loses nothing
    rows = session.execute(
        select(CatalogueRevisionRow.version_id, CatalogueRevisionRow.origin).order_by(
            CatalogueRevisionRow.version_id.desc()
        )
    ).all()
    newer = 0
    for version, origin in rows:
        if origin == "yaml":
            if not newer:
                return None
            digest = session.execute(
                select(CatalogueVersionRow.digest).where(CatalogueVersionRow.id == version)
            ).scalar_one()
            return ConsoleEdits(newer, version, digest == loaded.digest)
        newer += 1
    return ConsoleEdits(newer, None, False) if newer else None


def explain(edits: ConsoleEdits) -> str:
    since = f"since the YAML load of version {edits.last_yaml_version}" if edits.last_yaml_version else "in total"
    return f"the stored catalogue has {edits.count} console version(s) {since}"


def write_yaml(document: dict[str, Any], directory: Path) -> list[Path]:
    written = []
    for name, content in sorted(document.items()):
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "# Exported from the stored catalogue (mpp catalogue export); comments of the original files are not kept.\n"
            + yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=120),
            encoding="utf-8",
        )
        written.append(path)
    return written


def cmd_catalogue_export(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    if directory.exists() and any(directory.iterdir()) and not args.force:
        print(
            f"error: {directory} is not empty; choose an empty directory or pass --force to overwrite", file=sys.stderr
        )
        return EXIT_INVALID
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            version = args.version or current_version(uow.session)
            row = uow.session.get(CatalogueRevisionRow, version) if version else None
            document = dict(row.document) if row is not None else None
    except SQLAlchemyError as exc:
        print(f"error: cannot read the stored catalogue: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    if document is None:
        print(
            f"error: version {version or '-'} has no stored document (load the YAML once with mpp catalogue load)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    files = write_yaml(document, directory)
    print(f"exported catalogue version {version}: {len(files)} file(s) in {directory}")
    return 0


def add_editor_commands(catalogue_parsers: Any) -> None:
    """``mpp catalogue export``."""
    export = catalogue_parsers.add_parser(
        "export", help="write the stored catalogue (with console edits) as YAML files"
    )
    export.add_argument("--dir", required=True, help="an empty directory to write layanan.yaml, mpp/, libur/ into")
    export.add_argument("--version", type=int, help="a stored version (default: the live one)")
    export.add_argument("--force", action="store_true", help="write into a directory that is not empty")
    export.set_defaults(func=cmd_catalogue_export)
