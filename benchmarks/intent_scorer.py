"""One served message through the intent classifier: scikit-learn's sparse path vs ``_Scorer``.

    .venv/bin/python -m benchmarks.intent_scorer [--model models/asisten.tar.gz] [--texts 2000]

Both in this process, on the NLU regression set and hostile messages (lower-cased, as the
classifier sees them); prints milliseconds per message, the ratio, and how many
probability vectors differ (the scorer must give scikit-learn's to the last bit).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.sparse import hstack

from mpp.config import PROJECT_ROOT
from testkit.hostile import hostile_messages
from testkit.nlu_eval import load_examples, quiet_rasa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "asisten.tar.gz")
    parser.add_argument("--texts", type=int, default=2000)
    args = parser.parse_args()
    quiet_rasa()
    from rasa.core.agent import Agent

    from nlu.intent_classifier import TfidfIntentClassifier

    agent = Agent.load(str(args.model))
    nodes = agent.processor.graph_runner._instantiated_nodes  # type: ignore[union-attr]
    classifier = next(n._component for n in nodes.values() if isinstance(n._component, TfidfIntentClassifier))
    examples = [e.text for e in load_examples()]
    texts = [t.lower() for t in (examples + hostile_messages(args.texts, seed=11))[: args.texts]]

    def sklearn(text: str) -> np.ndarray:
        features = hstack([classifier._word.transform([text]), classifier._char.transform([text])]).tocsr()
        return classifier._clf.predict_proba(features)[0]

    timings = {}
    results = {}
    for name, score in (("scikit-learn", sklearn), ("_Scorer", classifier._scorer.probabilities)):
        for text in texts[:50]:
            score(text)  # warm up
        started = time.perf_counter()
        results[name] = [score(text) for text in texts]
        timings[name] = (time.perf_counter() - started) / len(texts) * 1000
    differ = sum(not np.array_equal(a, b) for a, b in zip(results["scikit-learn"], results["_Scorer"], strict=True))
    print(f"{len(texts)} messages, one at a time")
    for name, ms in timings.items():
        print(f"  {name:<13}{ms:6.3f} ms/message")
    print(
        f"  _Scorer / scikit-learn: x{timings['_Scorer'] / timings['scikit-learn']:.2f} time; "
        f"probability vectors that differ: {differ}"
    )


if __name__ == "__main__":
    main()
