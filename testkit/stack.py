"""Starts the assistant as separate processes (action server + Rasa server) on free ports.

Used by the end-to-end tests (one shared stack) and by the benchmarks.
"""

from __future__ import annotations

import os
import random
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from mpp.catalogue.loader import read_catalogue
from mpp.catalogue.store import save_catalogue
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.privacy import Keys
from mpp.wiring import upgrade_database

MODEL = PROJECT_ROOT / "models" / "asisten.tar.gz"
CATALOGUE_DIR = PROJECT_ROOT / "data" / "catalogue"
BIN = Path(sys.executable).parent


def load_demo_catalogue(db_url: str) -> None:
    """Brings the core database's schema up to date and loads the demo catalogue into it."""
    upgrade_database(db_url)
    engine = make_engine(db_url)
    with UnitOfWork(make_session_factory(engine), write=True) as uow:
        save_catalogue(uow.session, read_catalogue(CATALOGUE_DIR))
        uow.commit()
    engine.dispose()


def rasa_run(port: int, model: Path, endpoints: Path, *flags: str) -> list[str]:
    """The `rasa run` command line of a Rasa server on 127.0.0.1 with our REST channel, through our
    launcher (bot/rasa_launcher.py: secrets from the environment, never the command line)."""
    return [
        str(BIN / "python"),
        "-m",
        "bot.rasa_launcher",
        "run",
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        "credentials.yml",
        *flags,
    ]


# Ports for the servers a test starts: below Linux's ephemeral range (32768-60999), where outgoing
# connections never take them between our check and the server's bind, and one window per pytest-xdist
# worker, so that two workers never pick the same port.
XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)  # 0 outside xdist
_WINDOW = 1500


_handed_out: list[int] = []  # this process's ports so far: never the same one twice (two servers of a stack)


def free_port() -> int:
    low = 20000 + (XDIST_WORKER % 8) * _WINDOW
    start = _handed_out[-1] + 1 - low if _handed_out else random.randrange(_WINDOW)
    for step in range(_WINDOW):
        port = low + (start + step) % _WINDOW
        if port in _handed_out[-200:]:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.append(port)
        return port
    with socket.socket() as s:  # every port of the window taken: let the system choose
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check, seconds: float, what: str, logs: list[Path]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    tails = "\n".join(f"--- {p}:\n{p.read_text()[-3000:]}" for p in logs if p.exists())
    raise RuntimeError(f"{what} did not become ready in {seconds:.0f} s\n{tails}")


@dataclass
class Stack:
    url: str
    work: Path  # logs (rasa.log, actions.log) and, with sql_tracker, the tracker store (trackers.db)
    db_url: str
    keys: Keys
    procs: list[subprocess.Popen] = field(default_factory=list)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_stack(
    work: Path,
    *,
    model: Path = MODEL,
    debug: bool = False,
    sql_tracker: bool = False,
    fixed_now: str | None = None,
    api_token: str | None = None,
    keys: Keys | None = None,
) -> Stack:
    """A fresh SQLite core database with the demo catalogue, then both servers; waits until they answer.

    With ``api_token``, Rasa's HTTP API is on too (``--enable-api``), behind that token: the
    conversation runner reads trackers through it. Started again on the same ``work`` with the
    same ``keys``, it finds everything it stored before (the catalogue is reloaded, nothing else is
    touched): a restart.
    """
    work.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{work / 'mpp.db'}"
    load_demo_catalogue(db_url)
    action_port, rasa_port = free_port(), free_port()
    endpoints = work / "endpoints.yml"
    text = f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n  enable_selective_domain: true\n'
    text += "  headers:\n    X-Action-Token: ${MPP_ACTION_TOKEN}\n"  # bot/action_guard.py
    if sql_tracker:
        text += f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{work / "trackers.db"}"\n'
    endpoints.write_text(text)
    keys = keys or Keys.generate()
    action_token = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",  # no usage data or crash reports to Rasa/Sentry
        "DATABASE_URL": db_url,
        "MPP_PII_KEY": keys.encryption.decode(),
        "MPP_PII_HASH_KEY": keys.hashing.decode(),
        "MPP_ACTION_TOKEN": action_token,  # the action server's secret (bot/action_guard.py)
        "SANIC_HOST": "127.0.0.1",
    }
    if fixed_now:
        env["MPP_NOW"] = fixed_now
    flags = ["--debug"] if debug else []
    rasa_flags = ["--enable-api"] if api_token else []
    if api_token:
        env["RASA_API_TOKEN"] = api_token  # the launcher hands it to Rasa; never on the command line
    logs = [work / "actions.log", work / "rasa.log"]
    stack = Stack(f"http://127.0.0.1:{rasa_port}", work, db_url, keys)
    stack.procs.append(
        subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--port", str(action_port), "--actions", "actions", *flags],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=logs[0].open("w"),
            stderr=subprocess.STDOUT,
        )
    )
    stack.procs.append(
        subprocess.Popen(
            rasa_run(rasa_port, model, endpoints, *flags, *rasa_flags),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=logs[1].open("w"),
            stderr=subprocess.STDOUT,
        )
    )
    try:
        wait_for(
            lambda: requests.get(f"http://127.0.0.1:{action_port}/health", timeout=2).ok, 120, "action server", logs
        )
        wait_for(lambda: requests.get(stack.url, timeout=2).ok, 180, "Rasa server", logs)
    except Exception:
        stack.stop()
        raise
    return stack


def database(work: Path, postgres: str | None, name: str = "mpp_bench") -> str:
    """A fresh core database with the demo catalogue: PostgreSQL when reachable, else SQLite."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from mpp.db.engine import make_engine

    url = f"sqlite:///{work / 'mpp.db'}"
    if postgres:
        try:
            admin = make_engine(postgres)
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = make_url(postgres).set(database=name).render_as_string(hide_password=False)
        except Exception as exc:  # no PostgreSQL here: SQLite, and say so
            print(f"PostgreSQL unavailable ({exc.__class__.__name__}): the core runs on SQLite")
    load_demo_catalogue(url)
    return url


def clear_bookings(url: str) -> None:
    from sqlalchemy import text

    from mpp.db.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        for table in ("notification", "ticket", "slot_usage", "booking", "lookup_attempt", "pii_token"):
            conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()
