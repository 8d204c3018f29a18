"""rasa_sdk's plugin hook (rasa_sdk.plugin imports this package by name at the action server's start).

Every way of starting the action server (``rasa run actions``, ``python -m rasa_sdk``, the
systemd unit, the Procfile) runs this, so the guard cannot be left out. The guard itself is
``bot.action_guard``.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class _Guard:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Any) -> None:
        import os

        from bot.action_guard import attach

        # rasa_sdk reads SANIC_HOST right after this hook, defaulting to 0.0.0.0: loopback
        # unless the operator chose an address.
        os.environ.setdefault("SANIC_HOST", "127.0.0.1")
        attach(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(_Guard())
