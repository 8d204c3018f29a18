"""The action server can load the actions package, and every action the domain names exists."""

from __future__ import annotations

import yaml
from rasa_sdk.executor import ActionExecutor

from mpp.config import PROJECT_ROOT


def test_every_domain_action_is_registered() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")  # fails if a base class is registered without a name
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    names = [a if isinstance(a, str) else next(iter(a)) for a in domain["actions"]]  # "- name: {send_domain: true}"
    missing = [a for a in names if a not in executor.actions]
    assert missing == []
