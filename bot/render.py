"""Rasa's replies as channel-neutral pieces, and the text rules every channel shares."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Text:
    text: str
    buttons: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (title, Rasa payload)


@dataclass(frozen=True)
class Image:
    png: bytes | None = None
    url: str | None = None
    caption: str = ""


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    title: str
    address: str


Piece = Union[Text, Image, Place]


def from_rasa(messages: list[dict[str, Any]]) -> list[Piece]:
    pieces: list[Piece] = []
    for m in messages:
        buttons = tuple((str(b.get("title", "")), str(b.get("payload", ""))) for b in m.get("buttons") or [])
        if m.get("text") or buttons:
            pieces.append(Text(str(m.get("text") or "Pilih:"), buttons))
        if m.get("image"):
            pieces.append(Image(url=str(m["image"])))
        custom = m.get("custom") or {}
        if custom.get("type") == "booking_qr" and custom.get("png_base64"):
            pieces.append(
                Image(png=base64.b64decode(custom["png_base64"]), caption=f"QR check-in {custom.get('code', '')}")
            )
        elif custom.get("type") == "location":
            pieces.append(
                Place(
                    float(custom["latitude"]),
                    float(custom["longitude"]),
                    str(custom.get("title", "")),
                    str(custom.get("address", "")),
                )
            )
    return pieces


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most ``limit`` characters, cut at a blank line, a line end or a space — never inside a word.

    Plain text is sent (no parse mode), so cutting between lines cannot break formatting.
    """
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), -1)
        if cut <= limit // 4:
            cut = window.rfind("\n")
        if cut <= limit // 4:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit  # a single "word" longer than the limit: nothing better to do
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def shorten(title: str, limit: int) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
