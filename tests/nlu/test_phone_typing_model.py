"""The trained model reads a message typed on a phone keyboard (words glued, caps lock, letters held down,
digits for letters, punctuation for spaces) as the same message typed carefully: same intent, same
entities. The lines are written for this test (none comes from a held-out set)."""

from __future__ import annotations

import asyncio

import pytest

from testkit.nlu_eval import parse_all
from tests.conftest import MODEL, require_model

# (typed on a phone, typed carefully)
PAIRS = [
    ("syaratktp elektronik apa aja", "syarat ktp elektronik apa aja"),
    ("brpbiayanya bikin paspor baru", "brp biayanya bikin paspor baru"),
    ("mau ambil antrean bsk jam9 di mpp bogor", "mau ambil antrean bsk jam 9 di mpp bogor"),
    ("SYARAT PERPANJANG SIM A APA SAJA", "syarat perpanjang sim a apa saja"),
    ("b3rapa lama bikin ktp", "berapa lama bikin ktp"),
    ("makasiiiihhh kakkk", "makasih kak"),
    ("syarat bikin ktp,kk,akta kelahiran", "syarat bikin ktp kk akta kelahiran"),
    ("lokasimpp bekasi dimana", "lokasi mpp bekasi dimana"),
    ("cek antrean nikNIKREFABCDEFGH23", "cek antrean nik NIKREFABCDEFGH23"),
]


def _entities(parse: dict) -> set[tuple[str, str]]:
    return {(e["entity"], str(e["value"])) for e in parse["entities"] if e["entity"] not in ("tanggal", "waktu")}


@pytest.mark.model
def test_phone_typing_reads_like_careful_typing() -> None:
    require_model()
    parses = asyncio.run(parse_all(MODEL, [t for pair in PAIRS for t in pair]))
    for (typed, careful), phone, clean in zip(PAIRS, parses[::2], parses[1::2], strict=True):
        assert phone["intent"]["name"] == clean["intent"]["name"], (typed, phone["intent"], clean["intent"])
        assert _entities(phone) == _entities(clean), typed
        for entity in phone["entities"]:  # offsets point into the text as typed
            assert typed[entity["start"] : entity["end"]], (typed, entity)
