"""Channel-neutral replies: text plus optional choices, image and location.

The core composes these; adapters (Rasa actions, the gateway) render them per
channel (Telegram inline keyboards, WhatsApp buttons or lists, terminal numbers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping

# Offered as buttons when we must ask which service: the most asked-about ones, at most ten
# (a WhatsApp list holds ten rows). Booking offers those of them booked by MPP slot.
POPULAR_SERVICES = (
    "ktp_el",
    "kk",
    "akta_kelahiran",
    "kia",
    "skck",
    "paspor",
    "sim",
    "pajak_kendaraan",
    "bpjs_kesehatan",
    "pindah",
)


@dataclass(frozen=True)
class Choice:
    """A button: the title shown, and the intent with entities it stands for."""

    title: str
    intent: str
    entities: Mapping[str, str] = field(default_factory=dict)


def payload(choice: Choice) -> str:
    """The Rasa payload a button stands for: ``/intent`` or ``/intent{"entity": "value", …}``."""
    if not choice.entities:
        return f"/{choice.intent}"
    return f"/{choice.intent}{json.dumps(dict(choice.entities), ensure_ascii=False)}"


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    title: str
    address: str


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    image_path: str | None = None
    location: Location | None = None
