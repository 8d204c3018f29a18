"""Where a profiled Rasa worker's busy time went: the functions with the most samples under them.

    .venv/bin/python -m benchmarks.profile_summary DIR/ours-1w-PORT.txt [--top 40]

Reads py-spy's raw output (``benchmarks.suite --profile DIR``). Samples whose innermost
frame is Sanic's serve loop, or a thread-pool thread waiting for its next job (innermost
frame ``_worker`` of concurrent/futures/thread.py: ``asyncio.to_thread``'s idle threads),
are the worker waiting for work, and are left out; every other sample counts once for each
distinct function on its stack (inclusive time). Threads waiting on the database
(``do_execute``, ``do_commit``, ``do_ping``) do count: they wait for a turn in progress.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"(.*?) \((.*?):\d+\)")


def _function(frame: str) -> str:
    found = _FRAME.match(frame)
    if not found:
        return frame
    return f"{found.group(1)} {found.group(2).split('site-packages/')[-1]}"


def summary(path: Path, top: int = 40) -> str:
    busy = idle = 0
    inclusive: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        frames, n = stack.split(";"), int(count)
        innermost = _function(frames[-1])
        if innermost.startswith(("serve sanic/server/runners.py", "_worker concurrent/futures/thread.py")):
            idle += n
            continue
        busy += n
        inclusive.update(dict.fromkeys({_function(f) for f in frames}, n))
    lines = [f"{path.name}: {busy} busy samples, {idle} idle ({busy / max(1, busy + idle):.0%} busy)"]
    shown = [(k, v) for k, v in inclusive.most_common() if not re.search(r"asyncio|sanic|dask|graph\.py", k)]
    lines += [f"  {100 * v / max(1, busy):5.1f}%  {k}" for k, v in shown[:top]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profiles", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    for path in args.profiles:
        print(summary(path, args.top))


if __name__ == "__main__":
    main()
