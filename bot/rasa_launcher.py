"""Starts Rasa with its secrets taken from the environment or files, never from the command line.

    python -m bot.rasa_launcher run --port 5005 --model models/asisten.tar.gz \
        --endpoints deploy/endpoints.production.yml --credentials credentials.yml --enable-api

``ps`` shows a process's command line to every user of the machine, so Rasa's
``--auth-token`` must not be on it. This launcher reads ``RASA_API_TOKEN`` (or the file named by
``RASA_API_TOKEN_FILE``) and hands it to Rasa's own entry point inside the process; it also
provides ``MPP_ACTION_TOKEN`` (``bot.action_guard``) to the endpoints file's ``${...}`` and binds
to 127.0.0.1 unless ``--interface`` says otherwise. Production mode (``MPP_ENV=production``)
requires a real API token when ``--enable-api`` is given, and refuses ``--debug`` (Rasa's debug
log prints every message and reply, the names citizens type included; NIKs and phone numbers are
tokens by then). Everything else is passed to Rasa as is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from bot.action_guard import TOKEN_NAME, action_token
from mpp.deployment import ConfigurationError, production_mode, required_secret


def rasa_argv(argv: Sequence[str]) -> list[str]:
    """Rasa's arguments with the secrets added; refuses a secret given on the command line."""
    args = list(argv)
    if any(a == "--auth-token" or a.startswith("--auth-token=") or a == "-t" for a in args):
        raise ConfigurationError("do not put --auth-token on the command line (ps shows it); set RASA_API_TOKEN")
    if production_mode() and (
        any(a in ("--debug", "-vv") for a in args) or os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"
    ):
        raise ConfigurationError(
            "--debug (or LOG_LEVEL=DEBUG) makes Rasa log what citizens type, names included, in clear: "
            "not with MPP_ENV=production"
        )
    if args[:1] == ["run"] and "actions" not in args[1:2]:
        if "--interface" not in args and "-i" not in args:
            args += ["--interface", "127.0.0.1"]
        if "--enable-api" in args:
            token = required_secret("RASA_API_TOKEN")
            if not token:
                raise ConfigurationError("--enable-api needs RASA_API_TOKEN (the HTTP API would be open)")
            args += [f"--auth-token={token}"]  # one word: a token that starts with "-" is still its value
    return args


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = rasa_argv(sys.argv[1:] if argv is None else argv)
        os.environ[TOKEN_NAME] = action_token()
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]  # this process's argv only: /proc/<pid>/cmdline keeps the launcher's
    rasa_main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
