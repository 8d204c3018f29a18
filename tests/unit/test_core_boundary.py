"""The core (mpp/) imports nothing from the adapters or the frameworks they wrap."""

from __future__ import annotations

import ast

from mpp.config import PROJECT_ROOT

FORBIDDEN = ("console", "bot", "actions", "rasa", "rasa_sdk", "aiohttp", "telegram")


def test_the_core_imports_no_adapter_and_no_framework() -> None:
    offenders = []
    for path in sorted((PROJECT_ROOT / "mpp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(PROJECT_ROOT)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
