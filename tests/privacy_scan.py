"""Searches everything a running stack keeps for personal data in clear: files (logs, SQLite and its
WAL, Redis's append-only file), every table of the core database, every Redis key of every db,
and on PostgreSQL ``pg_dump``, the database's table files and the WAL segments written meanwhile.

A value is found however it was spelled: raw bytes of the ASCII value and of each spelling a test
typed, and, in text, the value's digits in any script with any non-alphanumeric characters between
them (so "3271 – 0457…" or full-width digits count as the NIK).
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import make_url

from mpp.db.engine import make_engine

_DIGITS = {c: str(unicodedata.digit(chr(c))) for c in range(0x110000) if unicodedata.category(chr(c)) == "Nd"}


@dataclass
class Needle:
    """One piece of personal data: what it is, its plain value and the ways it was typed."""

    what: str
    value: str
    spellings: tuple[str, ...] = ()
    digits: bool = True  # a number: searched through separators and other scripts' digits

    def raw(self) -> list[bytes]:
        forms = {self.value, *self.spellings}
        if not self.digits:
            forms |= {f.lower() for f in forms} | {f.upper() for f in forms} | {f.title() for f in forms}
        return sorted({f.encode() for f in forms if f})

    def pattern(self) -> re.Pattern[str]:
        if self.digits:
            return re.compile(r"[\W_]{0,4}".join(re.escape(d) for d in self.value))
        return re.compile(r"\s+".join(re.escape(w) for w in self.value.split()), re.IGNORECASE)


@dataclass
class Scan:
    needles: list[Needle]
    found: list[str] = field(default_factory=list)
    looked_at: list[str] = field(default_factory=list)

    def bytes_(self, where: str, data: bytes) -> None:
        self.looked_at.append(where)
        for needle in self.needles:
            if any(form in data for form in needle.raw()):
                self.found.append(f"{needle.what} in {where}")
                continue
            if len(data) <= 8_000_000:  # text-like sources: also through separators and scripts
                self.text(where, data.decode("utf-8", "ignore"), [needle], record=False)

    def text(self, where: str, content: str, needles: list[Needle] | None = None, record: bool = True) -> None:
        if record:
            self.looked_at.append(where)
        plain = unicodedata.normalize("NFKC", content).translate(_DIGITS)
        for needle in needles or self.needles:
            if needle.pattern().search(plain):
                self.found.append(f"{needle.what} in {where}")

    def files(self, root: Path, label: str = "") -> None:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            try:
                data = path.read_bytes()
            except OSError:
                continue  # removed meanwhile (a temp file)
            self.bytes_(f"{label}{path.relative_to(root)}", data)

    def mentions(self, needle_what: str) -> list[str]:
        return [f for f in self.found if f.startswith(f"{needle_what} in ")]


def database_rows(db_url: str) -> Iterable[tuple[str, str]]:
    """(table, text of all its rows) for every table of the database."""
    engine = make_engine(db_url)
    try:
        meta = MetaData()
        meta.reflect(bind=engine)
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                rows = conn.execute(select(table)).all()
                yield table.name, "\n".join(repr(tuple(row)) for row in rows)
    finally:
        engine.dispose()


def redis_values(port: int, host: str = "127.0.0.1") -> Iterable[tuple[str, bytes]]:
    """(db/key, key and value bytes) for every key of every Redis db, read by type (no compression)."""
    import redis

    for db in range(16):
        r = redis.Redis(host=host, port=port, db=db)
        try:
            for key in r.scan_iter(count=1000):
                kind = r.type(key).decode()
                parts: list[bytes] = [key]
                if kind == "string":
                    parts.append(r.get(key) or b"")
                elif kind == "hash":
                    parts += [b for kv in r.hgetall(key).items() for b in kv]
                elif kind == "list":
                    parts += r.lrange(key, 0, -1)
                elif kind == "set":
                    parts += list(r.smembers(key))
                elif kind == "zset":
                    parts += [m for m, _ in r.zrange(key, 0, -1, withscores=True)]
                elif kind == "stream":
                    parts += [b for _, fields in r.xrange(key) for kv in fields.items() for b in kv]
                yield f"redis db {db} key {key[:60]!r}", b"\n".join(parts)
        finally:
            r.close()


@dataclass
class PostgresFiles:
    """Where a PostgreSQL database keeps its bytes on this machine (server on localhost, trust auth)."""

    db_url: str
    data_directory: Path
    database_dir: Path
    log_file: Path | None
    log_offset: int

    @classmethod
    def of(cls, db_url: str) -> "PostgresFiles":
        engine = make_engine(db_url)
        with engine.connect() as conn:
            data_dir = Path(conn.execute(text("SHOW data_directory")).scalar_one())
            oid = conn.execute(text("SELECT oid FROM pg_database WHERE datname = current_database()")).scalar_one()
        engine.dispose()
        logs = sorted(Path("/var/log/postgresql").glob("postgresql-*-main.log"))
        log = logs[-1] if logs else None
        return cls(db_url, data_dir, data_dir / "base" / str(oid), log, log.stat().st_size if log else 0)

    def checkpoint(self) -> None:
        """Write every dirty page to the table files (dead tuples included) before they are read."""
        engine = make_engine(self.db_url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("CHECKPOINT"))
        engine.dispose()

    def scan(self, scan: Scan, since: float) -> None:
        self.checkpoint()
        url = make_url(self.db_url)
        dump = subprocess.run(
            [
                "pg_dump",
                "-h",
                url.host or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username or "postgres",
                url.database or "",
            ],
            capture_output=True,
            check=True,
        )
        scan.bytes_("pg_dump", dump.stdout)
        scan.files(self.database_dir, "postgres table files: ")
        for segment in sorted((self.data_directory / "pg_wal").glob("0*")):
            if segment.is_file() and segment.stat().st_mtime >= since:
                scan.bytes_(f"postgres WAL {segment.name}", segment.read_bytes())
        if self.log_file is not None:
            with self.log_file.open("rb") as handle:
                handle.seek(self.log_offset)
                scan.bytes_(f"postgres server log {self.log_file.name}", handle.read())
