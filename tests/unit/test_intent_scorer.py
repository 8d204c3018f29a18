"""The intent classifier's one-message path gives scikit-learn's probabilities to the last bit."""

from __future__ import annotations

import asyncio

import numpy as np
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import hstack

from nlu.intent_classifier import TfidfIntentClassifier, no_known_word
from testkit.hostile import hostile_messages
from testkit.nlu_eval import load_examples
from tests.conftest import require_model


def _texts() -> list[str]:
    """The NLU regression set and hostile messages, lower-cased as the classifier sees them."""
    return [t.lower() for t in [e.text for e in load_examples()] + hostile_messages(1500, seed=11)]


def test_served_messages_score_exactly_as_scikit_learn_does() -> None:
    agent = Agent.load(str(require_model()))
    nodes = agent.processor.graph_runner._instantiated_nodes  # type: ignore[union-attr]
    classifier = next(n._component for n in nodes.values() if isinstance(n._component, TfidfIntentClassifier))
    assert classifier._scorer is not None
    texts = _texts()
    assert len(texts) > 1800
    for text in texts:
        features = hstack([classifier._word.transform([text]), classifier._char.transform([text])]).tocsr()
        expected = classifier._clf.predict_proba(features)[0]
        assert np.array_equal(classifier._scorer.probabilities(text), expected), text[:80]
    one, batch = (
        Message({"text": "syarat bikin ktp apa"}),
        [Message({"text": "syarat bikin ktp apa"}), Message({"text": "x"})],
    )
    classifier.process([one])  # the scorer
    classifier.process(batch)  # scikit-learn
    assert one.get("intent_ranking") == batch[0].get("intent_ranking")
    assert one.get("intent")["name"] == "tanya_syarat"


def test_a_message_of_unknown_words_falls_back_with_its_ranking_kept() -> None:
    vocabulary = {"syarat": 0, "ktp": 1, "bikin": 2}
    assert no_known_word("blorp zintak vurmo", vocabulary)
    assert not no_known_word("blorp syarat vurmo", vocabulary)  # one known word: the model decides
    assert not no_known_word("🙏🙏 123", vocabulary)  # no word of letters: not junk by this test
    assert no_known_word("xjq wpz mah kkrt", {**vocabulary, "mah": 3})  # a known particle understands nothing
    assert not no_known_word("mah", {"mah": 3})  # nothing unknown: the model decides
    assert no_known_word("😊", vocabulary) and no_known_word("❤️ 👋!", vocabulary)  # emoji no word stands for
    assert not no_known_word("", vocabulary)
    agent = Agent.load(str(require_model()))
    junk = asyncio.run(agent.parse_message("xjq wpz mmmh kkrt"))
    assert junk["intent"]["name"] == "nlu_fallback"
    assert len(junk["intent_ranking"]) > 2  # the model's guesses stay for the clarification buttons
    for unread in ("😊", "❤️", "👋", "🤣🤣"):  # read as afirmasi 0.33-0.39 before: a booking confirmed by a smile
        assert asyncio.run(agent.parse_message(unread))["intent"]["name"] == "nlu_fallback", unread
    assert asyncio.run(agent.parse_message("👍"))["intent"]["name"] == "afirmasi"  # the emoji table reads it "oke"
    known = asyncio.run(agent.parse_message("syarat bikin ktp apa"))
    assert known["intent"]["name"] == "tanya_syarat" and known["intent"]["confidence"] > 0.5
