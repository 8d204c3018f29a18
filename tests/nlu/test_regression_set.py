"""The NLU regression set must stay a test of generalisation, not a copy of training lines."""

from __future__ import annotations

from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from rasa.shared.nlu.training_data.loading import load_data

from mpp.catalogue.model import SERVICE_CODES
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import REGRESSION_FILE, load_examples

CONTRACT_INTENTS = {
    "tanya_syarat",
    "tanya_biaya",
    "tanya_jadwal",
    "tanya_lokasi",
    "tanya_lama_proses",
    "daftar_layanan",
    "pesan_antrean",
    "cek_antrean",
    "batal_antrean",
    "ubah_jadwal",
    "minta_petugas",
    "keluhan",
    "sapa",
    "terima_kasih",
    "pamit",
    "bantuan",
    "afirmasi",
    "negasi",
    "di_luar_topik",
}
NEAR_IDENTICAL = 90.0  # rapidfuzz ratio (0-100) on lowercased word sequences


def _words(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def near_identical(
    regression: list[str], training: list[str], cutoff: float = NEAR_IDENTICAL
) -> list[tuple[str, str, float]]:
    """Pairs that are the same line up to spelling (char ratio) or up to one word (edit).

    Word-level edits are measured by mapping each distinct word to one character, so that
    "brp biaya bikin paspor di mpp bogor" vs "... mpp bekasi" is one edit, however long the word.
    """
    vocab: dict[str, str] = {}

    def encode(line: str) -> str:
        return "".join(vocab.setdefault(w, chr(0x4E00 + len(vocab))) for w in _words(line).split())

    train_words = [_words(t) for t in training]
    train_codes = [encode(t) for t in training]
    hits = []
    for line in regression:
        words, code = _words(line), encode(line)
        best = process.extractOne(words, train_words, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best:
            hits.append((line, training[best[2]], best[1]))
            continue
        if len(code) >= 5:  # one word of five or more is a small edit; of three it is a new line
            edit = process.extractOne(code, train_codes, scorer=Levenshtein.distance, score_cutoff=1)
            if edit:
                hits.append((line, training[edit[2]], 100.0 - edit[1]))
    return hits


def test_regression_lines_are_not_near_copies_of_training_lines() -> None:
    training = [m.get("text") for m in load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples]
    regression = [e.text for e in load_examples()]
    copies = near_identical(regression, training)
    assert copies == [], "regression lines too close to training lines:\n" + "\n".join(
        f"  {r!r} ~ {t!r} ({s:.0f})" for r, t, s in copies
    )


def test_the_check_itself_catches_an_edited_training_line() -> None:
    # A training line with one word changed must be caught; a new phrasing must not.
    training = ["brp biaya bikin paspor di mpp bogor"]
    assert near_identical(["brp biaya bikin paspor di mpp bekasi"], training)
    assert not near_identical(["paspor elektronik tarifnya sekarang berapa ya"], training)


def test_regression_set_is_big_and_covers_every_intent_and_service() -> None:
    examples = load_examples(Path(REGRESSION_FILE))
    assert len(examples) >= 250
    assert {e.intent for e in examples} == CONTRACT_INTENTS
    named = {v for e in examples for v in e.entities.get("layanan", ())}
    assert named == set(SERVICE_CODES)
