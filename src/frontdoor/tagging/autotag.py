"""Tagging conversations automatically: rules, then the current model, never over a human.

* :func:`apply` suggests tags with the rules and the current model. Accepted tags become
  ``model`` suggestions with their calibrated confidence; where the model abstains, its
  best candidate is stored as a suggestion marked ``needs_human`` so the review queue can
  ask. Decided rows (confirmed or rejected) are never touched.
* :func:`tag_new_conversations` runs rules and the model on conversations as they arrive;
  :func:`on_conversations_ingested` is subscribed to
  :class:`~frontdoor.core.events.ConversationsIngested` by :mod:`frontdoor.bootstrap`.

Rules are :mod:`frontdoor.tagging.rule_suggestions`; training the model,
:mod:`frontdoor.tagging.training`; its quality, :mod:`frontdoor.tagging.quality`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from frontdoor.core.events import ConversationsIngested
from frontdoor.models import (
    AssignmentStatus,
    Conversation,
    Origin,
    Tag,
    TagAssignment,
    TagDimension,
    TagStatus,
)
from frontdoor.tagging.rule_suggestions import apply_rules, rule_set
from frontdoor.tagging.saved_models import current_model
from frontdoor.tagging.suggestions import Suggestion, bulk_suggest
from frontdoor.tagging.texts import conversation_texts
from frontdoor.tagging.workspace_settings import tagging_workspace

if TYPE_CHECKING:  # pragma: no cover
    from frontdoor.core.store import Store
    from frontdoor.tagging.model.learned import LearnedTagger

#: A calibrated confidence under this is never suggested as accepted.
MIN_ACCEPT_CONFIDENCE = 0.5
BATCH = 200


@dataclass
class ApplyResult:
    """What :func:`apply` or :func:`tag_new_conversations` did."""

    conversations: int = 0
    rule_assignments: int = 0
    model_suggestions: int = 0
    needs_human: int = 0
    model_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return dict(self.__dict__)


def _decided_dims(session: Session, conversation_ids: Sequence[int]) -> dict[int, set[str]]:
    """Single-label dimensions a person already settled, per conversation."""
    rows = session.execute(
        select(TagAssignment.conversation_id, TagDimension.key)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .join(TagDimension, TagDimension.id == Tag.dimension_id)
        .where(
            TagAssignment.conversation_id.in_(conversation_ids),
            TagAssignment.status == AssignmentStatus.CONFIRMED,
            TagAssignment.scope == "",
            TagDimension.multi_label.is_(False),
        )
    )
    out: dict[int, set[str]] = defaultdict(set)
    for cid, key in rows:
        out[cid].add(key)
    return out


def _apply_model(
    session: Session,
    *,
    workspace_id: int,
    tagger: LearnedTagger,
    version: str,
    texts: dict[int, str],
) -> tuple[int, int]:
    """Store the model's decisions for ``texts``; return (suggestions, needs_human)."""
    ids = [cid for cid, text in texts.items() if text.strip()]
    if not ids:
        return 0, 0
    active = {
        int(tid)
        for tid in session.scalars(
            select(Tag.id).where(Tag.workspace_id == workspace_id, Tag.status == TagStatus.ACTIVE)
        )
    }
    thresholds: dict[str, dict[str, float]] = {}
    for dim, clf in tagger.classifiers_.items():
        thresholds[dim] = {str(k): float(t) for k, t in zip(clf.classes_, clf.thresholds_, strict=True)}
    settled = _decided_dims(session, ids)
    decisions = tagger.decide([texts[cid] for cid in ids])
    batch: list[Suggestion] = []
    needs = 0
    for cid, per_dim in zip(ids, decisions, strict=True):
        for dim, decision in per_dim.items():
            if dim in settled.get(cid, set()):
                continue
            # A calibrated confidence under one half means the tag is more likely wrong than
            # right, whatever threshold the model learned: never suggest it as accepted.
            picks = [(sc, False) for sc in decision.tags if sc.confidence >= MIN_ACCEPT_CONFIDENCE]
            if not picks and decision.candidates:
                picks = [(decision.candidates[0], True)]
                needs += 1
            for score, needs_human in picks:
                tag_id = int(score.tag)
                if tag_id not in active:
                    continue
                batch.append(
                    Suggestion(
                        conversation_id=cid,
                        tag_id=tag_id,
                        origin=Origin.MODEL,
                        confidence=score.confidence,
                        model_version=version,
                        attributes={
                            "threshold": round(thresholds.get(dim, {}).get(score.tag, 0.5), 6),
                            "needs_human": needs_human,
                            "dimension": dim,
                        },
                    )
                )
    stored = bulk_suggest(session, workspace_id=workspace_id, suggestions=batch)
    suggested = sum(1 for row in stored if not (row.attributes or {}).get("needs_human"))
    # Suggestions of an older model that this one no longer makes go away.
    keep = {(sug.conversation_id, sug.tag_id) for sug in batch}
    stale = [
        rid
        for rid, cid, tid in session.execute(
            select(TagAssignment.id, TagAssignment.conversation_id, TagAssignment.tag_id).where(
                TagAssignment.workspace_id == workspace_id,
                TagAssignment.conversation_id.in_(ids),
                TagAssignment.origin == Origin.MODEL,
                TagAssignment.status == AssignmentStatus.SUGGESTED,
                TagAssignment.scope == "",
            )
        )
        if (cid, tid) not in keep
    ]
    if stale:
        session.execute(
            delete(TagAssignment)
            .where(TagAssignment.id.in_(stale))
            .execution_options(synchronize_session=False)
        )
    session.flush()
    return suggested, needs


def _run(
    store: Store,
    *,
    workspace_id: int,
    conversation_ids: Sequence[int],
    rules: bool,
    model: bool,
) -> ApplyResult:
    result = ApplyResult()
    loaded = None
    with store.session() as session:
        if model:
            loaded = current_model(store, session, workspace_id=workspace_id)
        if rules and rule_set(session, workspace_id=workspace_id).empty:
            rules = False
    if loaded is not None:
        result.model_version = str(loaded[1]["version"])
    if not rules and loaded is None:
        return result  # nothing to tag with yet: skip reading the texts
    for start in range(0, len(conversation_ids), BATCH):
        chunk = list(conversation_ids[start : start + BATCH])
        with store.session() as session:
            texts = conversation_texts(
                session,
                workspace_id=workspace_id,
                conversation_ids=chunk,
                max_chars=store.settings.max_text_chars,
            )
            if rules:
                result.rule_assignments += apply_rules(
                    session, workspace_id=workspace_id, conversation_ids=chunk, texts=texts
                )
            if loaded is not None:
                s, n = _apply_model(
                    session,
                    workspace_id=workspace_id,
                    tagger=loaded[0],
                    version=str(loaded[1]["version"]),
                    texts=texts,
                )
                result.model_suggestions += s
                result.needs_human += n
        result.conversations += len(chunk)
    return result


def apply(
    store: Store,
    *,
    workspace_id: int,
    since: dt.datetime | None = None,
    rules: bool = True,
    model: bool = True,
) -> ApplyResult:
    """Suggest tags for the workspace's conversations (those opened since ``since``).

    Runs the rules and the current model (when one is trained), committing every 200
    conversations. Human decisions are never overwritten.
    """
    with store.session() as session:
        tagging_workspace(session, workspace_id)
        stmt = select(Conversation.id).where(Conversation.workspace_id == workspace_id)
        if since is not None:
            stmt = stmt.where(Conversation.opened_at >= since)
        ids = list(session.scalars(stmt.order_by(Conversation.id)))
    return _run(store, workspace_id=workspace_id, conversation_ids=ids, rules=rules, model=model)


def tag_new_conversations(store: Store, workspace_id: int, conversation_ids: Sequence[int]) -> ApplyResult:
    """Tag conversations as they arrive: rules, then the model if one is trained."""
    return _run(
        store, workspace_id=workspace_id, conversation_ids=list(conversation_ids), rules=True, model=True
    )


def on_conversations_ingested(store: Store, event: ConversationsIngested) -> None:
    """Tag the conversations of an ingest batch (subscribed first: routing and alerts see the tags)."""
    tag_new_conversations(store, event.workspace_id, event.conversation_ids)
