"""Hostile input for every entry point: chat texts, and broken or mutated webhook bodies.

Messages: empty, whitespace, emoji, mixed scripts, control characters and NUL, bidi
overrides, 10 kB texts, SQL and JS fragments, Markdown and HTML, template syntax,
attempts to set intents ("/intent{...}"), long digit runs. Bodies: not JSON, wrong
types, missing or extra fields. The same seed gives the same messages.
"""

from __future__ import annotations

import copy
import random
import string
from typing import Any

HOSTILE = [
    "",
    " ",
    "\n\n\t",
    "'; DROP TABLE booking; --",
    "1 OR 1=1",
    '" OR ""="',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ [klik](javascript:alert(1)) `code`",
    "{{7*7}} ${7*7} {% debug %} #{7*7}",
    '/tanya_biaya{"layanan": "paspor"}',
    "/restart",
    "/session_start",
    "\x00\x01\x02\x07\x1b[31m",
    "\u202eabc\u202d",
    "🙏🏽🔥💯" * 50,
    "ا لسلام عليكم",
    "你好" * 20,
    "ก" * 300,
    "3271045708900001" * 30,
    "9" * 500,
    "NIKREFAAAAAAAAAA",
    "%s%s%s%n",
    "../../etc/passwd",
    "null",
    "undefined",
    "NaN",
    "\ufeff\u200b\u200d",
    "A" * 10_000,
]


def hostile_messages(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.printable + "ăéîøüßçñ€£¥©®™✓✗←↑→↓∞≈≠≤≥αβγδ" + "".join(chr(c) for c in range(0x1F600, 0x1F640))
    out = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            out.append(rng.choice(HOSTILE))
        elif kind == 1:
            out.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200))))
        elif kind == 2:
            base = rng.choice(["syarat ktp", "biaya paspor brp", "mau antri kk besok", "batal", "ya", "cek antrean"])
            out.append(f"{base} {rng.choice(HOSTILE)[:200]}")
        else:
            out.append("".join(chr(rng.randint(1, 0xFFFF)) for _ in range(rng.randint(1, 60))).replace("\ud800", ""))
    return [m.encode("utf-8", "replace").decode("utf-8", "replace") for m in out]


JUNK: list[Any] = [None, 0, -1, 2**70, 1e308, "", "x" * 5000, [], {}, True, "<script>", {"a": [1, {"b": None}]}]
RAW_BODIES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"text"',
    b"\xff\xfe\x00",
    b"[" * 50_000,
    b'{"update_id": ' + b"9" * 5000 + b"}",
]


def mutate(body: Any, rng: random.Random) -> Any:
    """Replace, delete or add one value somewhere in a valid webhook body."""
    body = copy.deepcopy(body)
    node, path = body, []
    while isinstance(node, (dict, list)) and node and rng.random() < 0.75:
        key = rng.choice(list(node.keys())) if isinstance(node, dict) else rng.randrange(len(node))
        path.append((node, key))
        node = node[key]
    if not path:
        return rng.choice(JUNK)
    parent, key = path[-1]
    action = rng.random()
    if action < 0.6:
        parent[key] = rng.choice(JUNK + HOSTILE[:8])
    elif action < 0.85 and isinstance(parent, dict):
        del parent[key]
    elif isinstance(parent, dict):
        parent[rng.choice(HOSTILE[:8]) or "k"] = rng.choice(JUNK)
    return body
