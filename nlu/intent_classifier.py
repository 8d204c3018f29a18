"""Rasa component: intent classifier on tf-idf word and character n-grams.

Why not Rasa's own classifiers: on our regression set the stock
LogisticRegressionClassifier (fixed C=1 on count vectors) scores 0.91, DIET 0.96
but needs TensorFlow, ~5 minutes of training and tens of milliseconds per message;
a logistic regression on sublinear tf-idf of word 1-2-grams and char_wb 2-5-grams
of the normalised tokens scores the same as DIET, trains in seconds, answers in
well under a millisecond and loads without TensorFlow (measured by `make evaluate`).

The features are built from token lemmas, i.e. after ``nlu.normalizer``, and the
model is stored as plain arrays and JSON (no pickles in the model archive).

A served message is scored one at a time. scikit-learn spends ~1.2 ms of a Rasa turn
on a single text building, multiplying and stacking sparse matrices; ``_Scorer`` does
the same arithmetic in the same order on plain arrays in ~0.25 ms, and gets the same
probabilities to the last bit (tests/unit/test_intent_scorer.py).

With ``sentence_encoder`` set (config.yml), a second logistic regression is trained on the same
n-grams plus the 384 numbers of a pretrained multilingual encoder's embedding of the message
(nlu/encoder.py; times ``encoder_weight``): the n-grams keep what our data says word by word, the
embedding carries what a message means when it shares few words with the training lines (English,
Sundanese, unusual wording). The encoder costs ~15 ms of CPU per message, so it runs only when the
n-gram model's top probability is below ``encoder_below``; then the joint model decides.

With ``augment: k`` both models also learn from k noisy copies of every training line (typos, slang
spellings, particles; nlu/augment.py), tokenised and normalised as a served message would be.
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
import time
from typing import Any, Callable, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.extmath import softmax

from nlu.augment import noisy_copy
from nlu.encoder import SentenceEncoder, encoder_text, sentence_encoder
from nlu.lexicon import Normalizer
from nlu.normalizer import set_lemmas, training_words

logger = logging.getLogger(__name__)

ARRAYS = "classifier.npz"
META = "classifier.json"


def _vectorizers(config: Dict[str, Any]) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(
        analyzer="word",
        ngram_range=tuple(config["word_ngrams"]),
        token_pattern=r"(?u)\b\w+\b",  # noqa: S106 - a regex, not a password
        sublinear_tf=True,
        lowercase=True,
    )
    char = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(config["char_ngrams"]),
        sublinear_tf=True,
        lowercase=True,
    )
    return word, char


class _Scorer:
    """predict_proba(hstack([word.transform([t]), char.transform([t])])) for one text, without sparse matrices.

    Bit for bit, the order of scikit-learn 1.1 / SciPy's operations: counts in column
    order, log + 1; the idf product (SciPy's sparse product leaves the row's columns in
    reverse order); the L2 norm summed in that order; the decision summed per feature
    in that order, word features first; then the intercept and the same softmax.
    """

    @classmethod
    def for_model(
        cls, word: TfidfVectorizer | None, char: TfidfVectorizer | None, clf: LogisticRegression | None
    ) -> _Scorer | None:
        """A scorer for a trained multinomial model (more than two intents), else None."""
        if word is None or char is None or clf is None or len(getattr(clf, "classes_", ())) <= 2:
            return None
        return cls(word, char, clf)

    def __init__(self, word: TfidfVectorizer, char: TfidfVectorizer, clf: LogisticRegression) -> None:
        self.parts: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray, int]] = []
        offset = 0
        for vectorizer in (word, char):
            idf = np.asarray(vectorizer.idf_, dtype=np.float64)
            self.parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, idf, offset))
            offset += len(vectorizer.vocabulary_)
        self.coef_t = np.ascontiguousarray(clf.coef_.T, dtype=np.float64)
        self.intercept = np.asarray(clf.intercept_, dtype=np.float64)
        self.dense_offset = offset  # the encoder's columns, if any, follow the n-grams

    def probabilities(self, text: str, dense: np.ndarray | None = None) -> np.ndarray:
        """Probabilities of one text; ``dense``: its (weighted) embedding when the model has one."""
        decision = np.zeros(self.coef_t.shape[1])
        for analyze, vocabulary, idf, offset in self.parts:
            counts: dict[int, int] = {}
            for feature in analyze(text):
                column = vocabulary.get(feature)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = sorted(counts)
            values = np.array([counts[c] for c in columns], dtype=np.float64)
            np.log(values, values)
            values += 1
            reverse = np.array(columns[::-1], dtype=np.intp)
            values = values[::-1] * idf[reverse]
            total = 0.0
            for value in values.tolist():
                total += value * value
            values /= math.sqrt(total)
            for value, row in zip(values.tolist(), self.coef_t[reverse + offset], strict=True):
                decision += value * row
        if dense is not None:
            decision += dense @ self.coef_t[self.dense_offset :]
        decision += self.intercept
        return softmax(decision[np.newaxis, :])[0]


WORD = re.compile(r"(?u)\b\w+\b")


# Particles, fillers and forms of address: known words that say nothing about the request ("xjq wpz mah kkrt":
# the normaliser read "mmmh" as "mah"), so they do not make a message of unknown words understood
EMPTY_WORDS = frozenset(
    "mah sih dong deh kok lah yah nih tuh kan toh loh lho kah pun wkwk wkwkwk haha hehe hmm hm eh ah oh "
    "kak ka min gan sis bro mas mba mbak pak bu bang om tante dek".split()
)


def no_known_word(text: str, vocabulary: Dict[str, int]) -> bool:
    """The text has a word of letters the training data never had, and no other word that it had
    (particles and forms of address aside; numbers decide nothing). A message of nothing but emoji and
    punctuation the normaliser could not read as words ("😊", "❤️", "👋"; its emoji table turns "👍" into
    "oke") is as unknown: the model read each as afirmasi at 0.33-0.39, enough to confirm a booking."""
    words = [w for w in WORD.findall(text.lower()) if w.isalpha()]
    if not words:
        return bool(text.strip()) and not any(c.isalnum() for c in text)
    unknown = [w for w in words if w not in vocabulary]
    return bool(unknown) and not any(w in vocabulary and w not in EMPTY_WORDS for w in words)


def message_text(message: Message) -> str:
    """The normalised text: token lemmas if the message was tokenised, else the raw text."""
    tokens = message.get(TOKENS_NAMES[TEXT])
    if tokens:
        return " ".join(t.lemma for t in tokens)
    return (message.get(TEXT) or "").lower()


def _logistic_regression(config: Dict[str, Any]) -> LogisticRegression:
    return LogisticRegression(
        C=config["C"],
        max_iter=config["max_iter"],
        class_weight=config["class_weight"],
        solver="lbfgs",
        random_state=config.get("random_state", 42),
    )


def _restored(classes: list[str], coef: np.ndarray, intercept: np.ndarray) -> LogisticRegression:
    clf = LogisticRegression()
    clf.classes_, clf.coef_, clf.intercept_ = np.array(classes), coef, intercept
    return clf


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(IntentClassifier, GraphComponent):
    """tf-idf n-grams -> logistic regression; with ``sentence_encoder``, a second ("joint") logistic
    regression on the n-grams plus the embedding decides every message the first is unsure of."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "C": 100.0,  # weak regularisation: measured best on the regression set
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "max_iter": 5000,
            "class_weight": "balanced",  # "balanced" or null (every example weighs the same)
            "ranking_length": 10,
            # a message none of whose words the training data has ("xjq wpz mmmh", "blorp zintak"): its
            # probabilities are multiplied by this, so the FallbackClassifier falls back (ranking kept for
            # the clarification buttons); 1.0: off
            "unknown_words_weight": 1.0,
            # null, or a name in nlu.encoder.ENCODERS: its embedding joins the n-grams in the joint model
            "sentence_encoder": None,
            "encoder_weight": 1.0,  # scale of the embedding (unit length) beside the tf-idf rows (unit length)
            # the joint model (and so the encoder, ~15 ms) decides a message only when the n-gram model's
            # top probability is below this; 1.0: always
            "encoder_below": 0.9,
            "encoder_threads": 1,  # OpenMP threads of the encoder (2 cores per machine, several workers)
            # training-time noise (nlu/augment.py): this many noisy copies of each training line, tokenised
            # and normalised like a served message (augment_lexicon: as SlangNormalizer's lexicon setting)
            "augment": 0,
            "augment_seed": 42,
            "augment_lexicon": True,
            # the joint model: embed each copy (true, ~15 ms each at training) or reuse its line's embedding
            "augment_embed": True,
            "augment_weight": 1.0,  # sample weight of a copy (a training line weighs 1)
            "augment_phone": False,  # the copies also glue words, hold letters down, go all caps (augment.py)
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        word: TfidfVectorizer | None = None,
        char: TfidfVectorizer | None = None,
        clf: LogisticRegression | None = None,
        joint: LogisticRegression | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._word, self._char, self._clf, self._joint = word, char, clf, joint
        self._scorer = _Scorer.for_model(word, char, clf)
        self._joint_scorer = _Scorer.for_model(word, char, joint)
        name = self._config["sentence_encoder"]
        self._encoder: SentenceEncoder | None = (
            sentence_encoder(name, int(self._config["encoder_threads"])) if name else None
        )

    def _dense(self, messages: List[Message]) -> np.ndarray:
        assert self._encoder is not None
        return self._encoder.encode([encoder_text(m) for m in messages]) * float(self._config["encoder_weight"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def _noisy_copies(self, examples: List[Message], words: Dict[str, int]) -> tuple[List[Message], List[int]]:
        """``augment`` noisy copies of each example (nlu/augment.py), tokenised and normalised as served
        (``words``: the training data's word counts, as SlangNormalizer learns them); with the index of
        the example each copy comes from."""
        k = int(self._config["augment"])
        rng = random.Random(int(self._config["augment_seed"]))
        tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        normalizer = Normalizer(words=words) if self._config["augment_lexicon"] else Normalizer({})
        copies: List[Message] = []
        sources: List[int] = []
        for index, example in enumerate(examples):
            for _ in range(k):
                text = noisy_copy(example.get(TEXT) or "", rng, phone=bool(self._config["augment_phone"]))
                copy = Message(data={TEXT: text})
                copy.set(TOKENS_NAMES[TEXT], tokenizer.tokenize(copy, TEXT))
                set_lemmas(copy, normalizer)
                copies.append(copy)
                sources.append(index)
        return copies, sources

    def train(self, training_data: TrainingData) -> Resource:
        started = time.perf_counter()
        examples = [m for m in training_data.intent_examples if m.get(INTENT)]
        copies: List[Message] = []
        sources: List[int] = []
        if int(self._config["augment"]) > 0:
            copies, sources = self._noisy_copies(examples, training_words(training_data))
        texts = [message_text(m) for m in examples + copies]
        labels = [m.get(INTENT) for m in examples] + [examples[i].get(INTENT) for i in sources]
        weights = np.array([1.0] * len(examples) + [float(self._config["augment_weight"])] * len(copies))
        self._word, self._char = _vectorizers(self._config)
        ngrams = hstack([self._word.fit_transform(texts), self._char.fit_transform(texts)]).tocsr()
        self._clf = _logistic_regression(self._config).fit(ngrams, labels, sample_weight=weights)
        self._scorer = _Scorer.for_model(self._word, self._char, self._clf)
        if self._encoder is not None:
            dense = self._dense(examples)
            if copies:
                copied = self._dense(copies) if self._config["augment_embed"] else dense[sources]
                dense = np.vstack([dense, copied])
            joint = hstack([ngrams, csr_matrix(dense)]).tocsr()
            self._joint = _logistic_regression(self._config).fit(joint, labels, sample_weight=weights)
            self._joint_scorer = _Scorer.for_model(self._word, self._char, self._joint)
        self._persist()
        logger.info(
            "%d lines + %d noisy copies, trained in %.0f s", len(examples), len(copies), time.perf_counter() - started
        )
        return self._resource

    def _persist(self) -> None:
        assert self._word is not None and self._char is not None and self._clf is not None
        joint: dict[str, np.ndarray] = {}
        if self._joint is not None:
            joint = {"joint_coef": self._joint.coef_, "joint_intercept": self._joint.intercept_}
        with self._storage.write_to(self._resource) as directory:
            np.savez_compressed(
                directory / ARRAYS,
                word_idf=self._word.idf_,
                char_idf=self._char.idf_,
                coef=self._clf.coef_,
                intercept=self._clf.intercept_,
                **joint,
            )
            meta = {
                "word_vocabulary": {k: int(v) for k, v in self._word.vocabulary_.items()},
                "char_vocabulary": {k: int(v) for k, v in self._char.vocabulary_.items()},
                "classes": [str(c) for c in self._clf.classes_],
                "sentence_encoder": self._config["sentence_encoder"] if self._joint is not None else None,
            }
            (directory / META).write_text(json.dumps(meta, ensure_ascii=False))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TfidfIntentClassifier":
        merged = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / ARRAYS, allow_pickle=False)
                meta = json.loads((directory / META).read_text())
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        if meta.get("sentence_encoder") != merged["sentence_encoder"]:
            raise ValueError(
                f"intent classifier trained with sentence_encoder {meta.get('sentence_encoder')!r}, "
                f"configured {merged['sentence_encoder']!r}: retrain (scripts/train.sh)"
            )
        word, char = _vectorizers(merged)
        word.vocabulary_, word.idf_ = meta["word_vocabulary"], arrays["word_idf"]
        char.vocabulary_, char.idf_ = meta["char_vocabulary"], arrays["char_idf"]
        clf = _restored(meta["classes"], arrays["coef"], arrays["intercept"])
        joint = None
        if meta.get("sentence_encoder"):
            joint = _restored(meta["classes"], arrays["joint_coef"], arrays["joint_intercept"])
        return cls(config, model_storage, resource, word, char, clf, joint)

    def _probabilities(self, texts: list[str], messages: List[Message]) -> np.ndarray:
        assert self._clf is not None and self._word is not None and self._char is not None
        if self._scorer is not None and len(texts) == 1:  # a served message
            probabilities = self._scorer.probabilities(texts[0])[np.newaxis, :]
        else:
            ngrams = hstack([self._word.transform(texts), self._char.transform(texts)]).tocsr()
            probabilities = self._clf.predict_proba(ngrams)
        if self._joint is None:
            return probabilities
        unsure = np.flatnonzero(probabilities.max(axis=1) < float(self._config["encoder_below"]))
        if len(unsure) == 0:
            return probabilities
        dense = self._dense([messages[i] for i in unsure])
        if self._joint_scorer is not None and len(unsure) == 1:
            probabilities[unsure[0]] = self._joint_scorer.probabilities(texts[unsure[0]], dense[0])
        else:
            ngrams = hstack(
                [self._word.transform([texts[i] for i in unsure]), self._char.transform([texts[i] for i in unsure])]
            )
            probabilities[unsure] = self._joint.predict_proba(hstack([ngrams, csr_matrix(dense)]).tocsr())
        return probabilities

    def process(self, messages: List[Message]) -> List[Message]:
        if self._clf is None or self._word is None or self._char is None:
            return messages
        texts = [message_text(m) for m in messages]
        probabilities = self._probabilities(texts, messages)
        classes = self._clf.classes_
        weight = float(self._config["unknown_words_weight"])
        for message, text, row in zip(messages, texts, probabilities, strict=True):
            if weight != 1.0 and no_known_word(text, self._word.vocabulary_):
                row = row * weight  # the model is guessing: no word of the message was ever seen
            order = np.argsort(-row)
            ranking = [{"name": str(classes[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[: self._config["ranking_length"]], add_to_output=True)
        return messages
