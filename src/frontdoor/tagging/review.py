"""The review queue: open suggestions, ordered so each answer teaches the model most.

Ordering (active learning by uncertainty sampling, with a coverage boost):

* **uncertainty** — how close the suggestion's calibrated confidence is to its tag's
  acceptance threshold, scaled to [0, 1] (1 at the threshold, 0 at certainty either
  way). A model that abstained ("needs a human") stored its best candidate, whose
  confidence is below the threshold, so those rank high too. Rule suggestions (and
  people's proposals) have no confidence and count as 0.5.
* **rarity** — tags with few confirmed examples are boosted by ``1 + 1/sqrt(1 + n)``
  (x2 for a tag nobody confirmed yet), so the queue covers rare tags instead of
  re-asking about the common ones.
* **de-duplication** — near-identical conversations (Jaccard of character trigrams of
  the customer text >= 0.8) asking about the same tag are shown once; the item says how
  many similar ones it stands for.

Answering is one call (:func:`answer` = confirm or reject); the next :func:`train`
reads the decisions.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.models import AssignmentStatus, Origin, Tag, TagAssignment, TagDimension, TagStatus, User
from frontdoor.tagging.assignments import decide
from frontdoor.tagging.taxonomy.tree import tag_counts
from frontdoor.tagging.texts import conversation_texts

__all__ = ["ReviewItem", "answer", "priority", "review_queue"]

SIMILARITY = 0.8
EXCERPT_CHARS = 300
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Candidate:
    assignment_id: int
    conversation_id: int
    tag_id: int
    origin: str
    confidence: float | None
    attributes: dict[str, Any]
    path: str
    name_ko: str
    name_en: str
    dimension: str
    priority: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ReviewItem:
    """One question for a person: does this tag apply to this conversation?"""

    assignment_id: int
    conversation_id: int
    tag_id: int
    path: str
    name_ko: str
    name_en: str
    dimension: str
    origin: str
    confidence: float | None
    threshold: float | None
    needs_human: bool
    confirmed_examples: int
    priority: float
    reasons: tuple[str, ...]
    excerpt: str
    similar: int = 0


def priority(
    confidence: float | None, threshold: float | None, confirmed_examples: int
) -> tuple[float, tuple[str, ...]]:
    """The review priority of a suggestion and the reasons behind it.

    Parameters
    ----------
    confidence : float or None
        Calibrated confidence (``None`` for rule suggestions).
    threshold : float or None
        The tag's acceptance threshold (0.5 when unknown).
    confirmed_examples : int
        Confirmed assignments of the tag so far.

    Returns
    -------
    (float, tuple of str)
        Uncertainty times the rarity boost, and ``near-threshold`` / ``rare-tag`` /
        ``unscored`` reasons for the UI.
    """
    reasons: list[str] = []
    if confidence is None:
        uncertainty = 0.5
        reasons.append("unscored")
    else:
        thr = 0.5 if threshold is None else min(max(float(threshold), 1e-6), 1 - 1e-6)
        conf = min(max(float(confidence), 0.0), 1.0)
        span = thr if conf < thr else 1.0 - thr
        uncertainty = max(0.0, 1.0 - abs(conf - thr) / span)
        if uncertainty >= 0.75:
            reasons.append("near-threshold")
    boost = 1.0 + 1.0 / math.sqrt(1.0 + max(0, confirmed_examples))
    if confirmed_examples < 5:
        reasons.append("rare-tag")
    return uncertainty * boost, tuple(reasons)


def _shingles(text: str) -> frozenset[str]:
    t = unicodedata.normalize("NFC", text).casefold()
    t = _SPACE.sub(" ", _DIGITS.sub("0", t)).strip()[:1000]
    if len(t) < 3:
        return frozenset({t})
    return frozenset(t[i : i + 3] for i in range(len(t) - 2))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def review_queue(
    session: Session,
    *,
    workspace_id: int,
    limit: int = 50,
    dimension: str | None = None,
    tag_id: int | None = None,
    max_pool: int = 20000,
) -> list[ReviewItem]:
    """Open suggestions of active tags, most informative first.

    Parameters
    ----------
    limit : int
        Items to return (after de-duplication).
    dimension, tag_id : optional
        Only suggestions of this dimension (key) or tag.
    max_pool : int
        At most this many open suggestions are ranked (the newest ones).

    Returns
    -------
    list of ReviewItem
        In the order to ask them.
    """
    confirmed = {tid: n for tid, (n, _) in tag_counts(session, workspace_id=workspace_id).items()}
    cands = _candidates(
        session,
        workspace_id=workspace_id,
        dimension=dimension,
        tag_id=tag_id,
        max_pool=max_pool,
        confirmed=confirmed,
    )
    items: list[ReviewItem] = []
    kept_sigs: dict[int, list[tuple[int, frozenset[str]]]] = {}
    similar: dict[int, int] = {}
    window = max(limit * 4, 50)
    pos = 0
    while pos < len(cands) and len(items) < limit:
        chunk = cands[pos : pos + window]
        pos += window
        texts = conversation_texts(
            session, workspace_id=workspace_id, conversation_ids={c.conversation_id for c in chunk}
        )
        for c in chunk:
            text = texts.get(c.conversation_id, "")
            sig = _shingles(text)
            twins = kept_sigs.setdefault(c.tag_id, [])
            dup_of = next((idx for idx, other in twins if _jaccard(sig, other) >= SIMILARITY), None)
            if dup_of is not None:
                similar[dup_of] = similar.get(dup_of, 0) + 1
                continue
            if len(items) >= limit:
                continue
            twins.append((len(items), sig))
            items.append(_item(c, text, confirmed.get(c.tag_id, 0)))
    if similar:
        items = [replace(item, similar=similar.get(i, 0)) for i, item in enumerate(items)]
    return items


def _candidates(
    session: Session,
    *,
    workspace_id: int,
    dimension: str | None,
    tag_id: int | None,
    max_pool: int,
    confirmed: dict[int, int],
) -> list[_Candidate]:
    """The newest open suggestions of active tags with their priority, highest first."""
    stmt = (
        select(
            TagAssignment.id,
            TagAssignment.conversation_id,
            TagAssignment.tag_id,
            TagAssignment.origin,
            TagAssignment.confidence,
            TagAssignment.attributes,
            Tag.path,
            Tag.name_ko,
            Tag.name_en,
            TagDimension.key,
        )
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .join(TagDimension, TagDimension.id == Tag.dimension_id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.status == AssignmentStatus.SUGGESTED,
            Tag.status == TagStatus.ACTIVE,
        )
        .order_by(TagAssignment.id.desc())
        .limit(max_pool)
    )
    if dimension is not None:
        stmt = stmt.where(TagDimension.key == dimension)
    if tag_id is not None:
        stmt = stmt.where(TagAssignment.tag_id == tag_id)
    cands: list[_Candidate] = []
    for aid, cid, tid, origin, conf, attrs, path, name_ko, name_en, dim in session.execute(stmt):
        attrs = dict(attrs or {})
        threshold = attrs.get("threshold")
        pri, reasons = priority(conf, threshold, confirmed.get(tid, 0))
        if attrs.get("needs_human"):
            reasons = ("needs-human", *reasons)
        cands.append(
            _Candidate(
                aid, cid, tid, Origin(origin).value, conf, attrs, path, name_ko, name_en, dim, pri, reasons
            )
        )
    # Highest priority first; the older suggestion first on ties, so the order is stable.
    cands.sort(key=lambda c: (-c.priority, c.assignment_id))
    return cands


def _item(c: _Candidate, text: str, confirmed_examples: int) -> ReviewItem:
    return ReviewItem(
        assignment_id=c.assignment_id,
        conversation_id=c.conversation_id,
        tag_id=c.tag_id,
        path=c.path,
        name_ko=c.name_ko,
        name_en=c.name_en,
        dimension=c.dimension,
        origin=c.origin,
        confidence=c.confidence,
        threshold=c.attributes.get("threshold"),
        needs_human=bool(c.attributes.get("needs_human")),
        confirmed_examples=confirmed_examples,
        priority=round(c.priority, 6),
        reasons=c.reasons,
        excerpt=text[:EXCERPT_CHARS],
    )


def answer(
    session: Session, *, workspace_id: int, assignment_id: int, confirm: bool, user: User | None = None
) -> TagAssignment:
    """Confirm or reject one review item (one action); retraining picks it up."""
    return decide(session, workspace_id=workspace_id, assignment_id=assignment_id, confirm=confirm, user=user)
