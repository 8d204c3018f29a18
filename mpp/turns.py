"""What the assistant understood of each turn, recorded in our own tables, and what it could not answer.

The REST channel (``bot.rasa_channel``) parses the message once, records the result here in the
same request (``record``: intent, confidence, fallback, service), and hands the parse to Rasa, so
NLU runs once per turn. A turn is recorded before it is answered, with the gateway's inbox id as
a unique key: if the database is down the turn is refused (503) and the gateway retries it, so no
turn is lost to an outage or a restart, and none is counted twice. (Why not Rasa's Pika event
broker: see the README, *What the assistant could not answer*.)

Only fallbacks and low-confidence turns keep their text: NIK and phone numbers replaced by labels
(``mask``), then encrypted. Their ``group_key`` is a keyed hash of the message's word set
(no words at rest); ``groups`` decrypts the recent ones and clusters them by word overlap
(Jaccard ≥ ``SIMILAR``) with counts and masked examples. A group marked "add to training data"
(``mark``) keeps its examples (encrypted) for ``export_suggestions``, a Rasa NLU YAML for review.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from mpp.db.sql import insert_ignore_statement
from mpp.db.survey_tables import FallbackGroupRow, TurnRow
from mpp.privacy import TOKEN_PATTERN, Crypto, find_personal_data, normalize_text
from mpp.survey.records import sender_hash

LOW_CONFIDENCE = 0.5  # below this (and above the FallbackClassifier's 0.3) a turn is worth a look
FALLBACK = "nlu_fallback"
SIMILAR = 0.5
LABELS = {"NIKREF": "[NIK]", "TELREF": "[nomor HP]", "nik": "[NIK]", "telepon": "[nomor HP]"}
STOPWORDS = frozenset(
    "yang di ke dari dan atau ini itu saya aku gue gw kak min mas mbak pak bu ya ga gak nggak tidak apa "
    "mau bisa untuk dengan ada sih dong deh kok nya aja saja juga".split()
)
INTENT_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


def mask(text: str) -> str:
    """NIK and phone numbers (typed, or already tokens) as labels: what may be kept of a message."""
    text = TOKEN_PATTERN.sub(lambda m: LABELS[m.group(1)], normalize_text(text))
    for start, end, kind, _ in reversed(find_personal_data(text)):
        text = text[:start] + LABELS[kind] + text[end:]
    return text


def words(text: str) -> frozenset[str]:
    tokens = re.findall(r"\[[^\]]+\]|[a-z0-9]+", text.lower())
    return frozenset(t for t in tokens if t not in STOPWORDS and not t.isdigit())


@dataclass(frozen=True)
class Understood:
    intent: str | None
    confidence: float
    service: str | None
    mpp: str | None = None  # the MPP the message itself names (entity ``mpp``)

    @classmethod
    def from_parse(cls, parse: dict[str, Any]) -> Understood:
        intent = parse.get("intent") or {}
        entities = parse.get("entities") or []
        service = next((str(e.get("value")) for e in entities if e.get("entity") == "layanan"), None)
        mpp = next((str(e.get("value")) for e in entities if e.get("entity") == "mpp"), None)
        return cls(intent.get("name"), float(intent.get("confidence") or 0.0), service, mpp)

    @property
    def fallback(self) -> bool:
        return self.intent in (None, FALLBACK)

    @property
    def needs_review(self) -> bool:
        return self.fallback or self.confidence < LOW_CONFIDENCE


def record(
    session: Session,
    crypto: Crypto,
    sender: str,
    text: str,
    understood: Understood,
    now: datetime,
    source_key: str | None,
) -> None:
    """One turn, once (``source_key``: the gateway's inbox id).

    Its MPP: the one the message names, else the chat's as its latest recorded turn with one knew it
    (a subquery of the INSERT: no extra round trip), else none.
    """
    masked = mask(text) if understood.needs_review else None
    session.execute(
        _RECORD_NAMED if understood.mpp else _RECORD_KNOWN,
        {
            "t_source_key": source_key,  # NULL never clashes: a turn without one is always recorded
            "t_sender_hash": sender_hash(crypto, sender),
            "t_mpp_code": understood.mpp,
            "t_at": now,
            "t_intent": understood.intent,
            "t_confidence": understood.confidence,
            "t_fallback": understood.fallback,
            "t_needs_review": understood.needs_review,
            "t_service_code": understood.service,
            "t_text_encrypted": crypto.encrypt(masked) if masked is not None else None,
            "t_group_key": (
                crypto.keyed_hash("group:" + " ".join(sorted(words(masked))))[:32] if masked is not None else None
            ),
        },
    )


# ``record``'s two statements, built once: the MPP the message names, or the chat's as known before.
_TURN_VALUES = {
    column: bindparam(f"t_{column}")
    for column in (
        "source_key",
        "sender_hash",
        "at",
        "intent",
        "confidence",
        "fallback",
        "needs_review",
        "service_code",
        "text_encrypted",
        "group_key",
    )
}
_KNOWN_MPP = (
    select(TurnRow.mpp_code)
    .where(TurnRow.sender_hash == bindparam("t_sender_hash"), TurnRow.mpp_code.isnot(None))
    .order_by(TurnRow.id.desc())
    .limit(1)
    .scalar_subquery()
)
_RECORD_NAMED = insert_ignore_statement(TurnRow, {**_TURN_VALUES, "mpp_code": bindparam("t_mpp_code")}, ["source_key"])
_RECORD_KNOWN = insert_ignore_statement(TurnRow, {**_TURN_VALUES, "mpp_code": _KNOWN_MPP}, ["source_key"])


def chose_mpp(session: Session, crypto: Crypto, sender: str, mpp: str, now: datetime) -> None:
    """A button chose ``mpp`` (``/intent{"mpp": …}``): the chat's latest recorded turn of the last hour
    without an MPP gets it (the question that led to the choice), and the turns after it inherit it."""
    hashed = sender_hash(crypto, sender)
    latest = (
        select(TurnRow.id)
        .where(TurnRow.sender_hash == hashed, TurnRow.at >= now - timedelta(hours=1))
        .order_by(TurnRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    session.execute(
        update(TurnRow)
        .where(TurnRow.id == latest, TurnRow.mpp_code.is_(None))
        .values(mpp_code=mpp)
        .execution_options(synchronize_session=False)
    )


@dataclass
class Group:
    key: str  # the group_key of its most frequent member: what the console's button sends back
    count: int
    examples: list[str]  # masked, most frequent first
    intents: Counter = field(default_factory=Counter)  # what the classifier guessed
    marked: bool = False
    words: frozenset[str] = frozenset()

    @property
    def suggested_intent(self) -> str | None:
        named = [(i, n) for i, n in self.intents.most_common() if i and i != FALLBACK]
        return named[0][0] if named else None


def groups(
    session: Session, crypto: Crypto, now: datetime, days: int = 30, limit: int = 5000, mpp: str | None = None
) -> list[Group]:
    """Fallbacks and low-confidence turns of the last ``days`` (of chats at ``mpp``, or all), clustered
    by similarity, biggest first."""
    scope = [TurnRow.needs_review.is_(True), TurnRow.at >= now - timedelta(days=days)]
    if mpp is not None:
        scope.append(TurnRow.mpp_code == mpp)
    rows = session.execute(
        select(TurnRow.group_key, TurnRow.text_encrypted, TurnRow.intent)
        .where(*scope)
        .order_by(TurnRow.at.desc())
        .limit(limit)
    ).all()
    by_key: dict[str, tuple[Counter, Counter, frozenset[str]]] = {}
    for key, encrypted, intent in rows:
        text = crypto.decrypt(encrypted) if encrypted else None
        if text is None or key is None:
            continue
        texts, intents, _ = by_key.setdefault(key, (Counter(), Counter(), words(text)))
        texts[text] += 1
        intents[intent] += 1
    clusters: list[Group] = []
    for key, (texts, intents, ws) in sorted(by_key.items(), key=lambda kv: -sum(kv[1][0].values())):
        home = next((g for g in clusters if _jaccard(g.words, ws) >= SIMILAR), None)
        if home is None:
            home = Group(key, 0, [], Counter(), words=ws)
            clusters.append(home)
        home.count += sum(texts.values())
        home.intents.update(intents)
        home.examples.extend(t for t, _ in texts.most_common() if t not in home.examples)
    marked = set(session.execute(select(FallbackGroupRow.group_key)).scalars())
    for g in clusters:
        g.marked = g.key in marked
    return sorted(clusters, key=lambda g: -g.count)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


class UnknownGroup(ValueError):
    pass


def mark(
    session: Session,
    crypto: Crypto,
    key: str,
    intent: str | None,
    staff_id: int | None,
    now: datetime,
    mpp: str | None = None,
) -> Group:
    """The group "add to training data": its masked examples are kept (encrypted) for the export.

    ``mpp``: the group as that MPP's staff see it (its examples from that MPP's chats only)."""
    if intent and not INTENT_NAME.fullmatch(intent):
        raise ValueError("nama intent hanya huruf kecil, angka dan garis bawah, diawali huruf")
    group = next((g for g in groups(session, crypto, now, mpp=mpp) if g.key == key), None)
    if group is None:
        raise UnknownGroup("kelompok itu tidak ditemukan (mungkin sudah lewat masa simpan)")
    row = session.get(FallbackGroupRow, key)
    chosen = intent or group.suggested_intent
    examples = crypto.encrypt(json.dumps(group.examples[:50], ensure_ascii=False))
    if row is None:
        session.add(
            FallbackGroupRow(
                group_key=key, intent=chosen, examples_encrypted=examples, marked_by=staff_id, marked_at=now
            )
        )
    else:
        row.intent, row.examples_encrypted, row.marked_by, row.marked_at = chosen, examples, staff_id, now
    group.marked = True
    return group


def export_suggestions(session: Session, crypto: Crypto, now: datetime, include_exported: bool = False) -> str:
    """The marked groups as a Rasa NLU file (YAML, version 3.1) for review before it joins ``data/nlu``."""
    query = select(FallbackGroupRow).order_by(FallbackGroupRow.marked_at)
    if not include_exported:
        query = query.where(FallbackGroupRow.exported_at.is_(None))
    by_intent: dict[str, list[str]] = {}
    rows = list(session.execute(query).scalars())
    for row in rows:
        opened = crypto.decrypt(row.examples_encrypted)
        examples = json.loads(opened) if opened else []
        bucket = by_intent.setdefault(row.intent or "perlu_ditinjau", [])
        bucket.extend(e for e in examples if e not in bucket)
    lines = [
        "# Saran data latih dari pesan yang belum terjawab (mpp nlu export-suggestions).",
        "# Tinjau dulu: pindahkan contoh yang benar ke data/nlu/*.yml, lalu latih ulang.",
        'version: "3.1"',
        "nlu:" if by_intent else "nlu: []",
    ]
    for intent, examples in by_intent.items():
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {' '.join(e.split())}" for e in examples)
    if rows:
        session.execute(
            update(FallbackGroupRow)
            .where(FallbackGroupRow.group_key.in_([r.group_key for r in rows]))
            .values(exported_at=now)
            .execution_options(synchronize_session=False)
        )
    return "\n".join(lines) + "\n"
