"""bot/rasa_speedups.py changes how fast the dialogue policies run, never what they predict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mpp.config import PROJECT_ROOT
from tests.conftest import MODEL, require_model


def test_every_policy_predicts_the_same_with_and_without_the_speedups(tmp_path: Path) -> None:
    require_model()
    runs = {}
    for mode in ("1", "0"):
        out = tmp_path / f"speedups-{mode}.jsonl"
        env = {**os.environ, "MPP_RASA_SPEEDUPS": mode}
        runs[mode] = (
            out,
            subprocess.Popen(
                [sys.executable, "-m", "tests.policy_replay", str(out), str(MODEL)],
                env=env,
                cwd=PROJECT_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
    for out, proc in runs.values():
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-3000:]
    fast = [json.loads(line) for line in runs["1"][0].read_text().splitlines()]
    shipped = [json.loads(line) for line in runs["0"][0].read_text().splitlines()]
    assert len(fast) > 3000 and max(r["at"] for r in fast) > 200  # long conversations too
    assert any(r["events_so_far"] < r["at"] - 60 for r in fast)  # histories cut by the store between turns
    assert {r["ensemble"]["action"] for r in fast} >= {"form_pesan_antrean", "action_jawab_pertanyaan", "action_listen"}
    for a, b in zip(fast, shipped):
        assert a == b, (a["sender"], a["at"])
    assert len(fast) == len(shipped)
