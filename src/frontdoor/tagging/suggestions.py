"""Machine suggestions: rules and the model propose tags, never over a person's decision.

Same rules as :func:`frontdoor.tagging.assignments.assign_tag`: inactive tags are
skipped, decided rows and people's rows are left alone, open machine suggestions are
refreshed. :func:`bulk_suggest` stores many with a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import AssignmentStatus, Origin, Tag, TagAssignment, TagStatus
from frontdoor.tagging.assignments import assign_tag, clamp_confidence, is_decided, refresh_suggestion
from frontdoor.tagging.taxonomy.tags import TagRef, get_tag


def suggest_tag(
    session: Session,
    *,
    workspace_id: int,
    conversation_id: int,
    tag: TagRef,
    origin: Origin | str,
    confidence: float | None = None,
    model_version: str | None = None,
    confirmed: bool = False,
    attributes: dict[str, Any] | None = None,
) -> TagAssignment | None:
    """A machine suggestion; ``None`` (and no change) when the tag is not active.

    Never overwrites a decision; see :func:`assign_tag`.
    """
    origin = Origin(origin)
    if origin == Origin.HUMAN:
        raise ValidationError("suggest_tag is for rules and the model; use assign_tag for people")
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    if t.status != TagStatus.ACTIVE:
        return None
    return assign_tag(
        session,
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        tag=t,
        origin=origin,
        status=AssignmentStatus.CONFIRMED if confirmed else AssignmentStatus.SUGGESTED,
        confidence=confidence,
        model_version=model_version,
        attributes=attributes,
    )


@dataclass(frozen=True)
class Suggestion:
    """One machine suggestion for :func:`bulk_suggest` (whole-conversation scope)."""

    conversation_id: int
    tag_id: int
    origin: Origin
    confidence: float | None = None
    model_version: str | None = None
    confirmed: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)


def bulk_suggest(
    session: Session, *, workspace_id: int, suggestions: Sequence[Suggestion]
) -> list[TagAssignment]:
    """Store many machine suggestions with a constant number of queries.

    Same rules as :func:`suggest_tag`: inactive tags are skipped, decided rows and
    people's rows are left alone, open machine suggestions are refreshed, the rest are
    inserted. Conversations must belong to the workspace (callers pass ids they read
    from it).

    Returns
    -------
    list of TagAssignment
        The rows created or refreshed.
    """
    if not suggestions:
        return []
    tag_ids = {s.tag_id for s in suggestions}
    active = set(
        session.scalars(
            select(Tag.id).where(
                Tag.workspace_id == workspace_id, Tag.id.in_(tag_ids), Tag.status == TagStatus.ACTIVE
            )
        )
    )
    conv_ids = {s.conversation_id for s in suggestions}
    existing = {
        (r.conversation_id, r.tag_id): r
        for r in session.scalars(
            select(TagAssignment).where(
                TagAssignment.workspace_id == workspace_id,
                TagAssignment.conversation_id.in_(conv_ids),
                TagAssignment.tag_id.in_(tag_ids),
                TagAssignment.scope == "",
            )
        )
    }
    when = utcnow()
    out: list[TagAssignment] = []
    fresh: list[TagAssignment] = []
    for sug in suggestions:
        if sug.tag_id not in active:
            continue
        origin = Origin(sug.origin)
        if origin == Origin.HUMAN:
            raise ValidationError("bulk_suggest is for rules and the model")
        status = AssignmentStatus.CONFIRMED if sug.confirmed else AssignmentStatus.SUGGESTED
        conf = None if sug.confidence is None else clamp_confidence(sug.confidence)
        row = existing.get((sug.conversation_id, sug.tag_id))
        if row is None:
            row = TagAssignment(
                workspace_id=workspace_id,
                conversation_id=sug.conversation_id,
                tag_id=sug.tag_id,
                scope="",
                origin=origin,
                confidence=conf,
                status=status,
                model_version=sug.model_version,
                decided_at=when if sug.confirmed else None,
                attributes=dict(sug.attributes),
            )
            fresh.append(row)
            existing[(sug.conversation_id, sug.tag_id)] = row
        elif is_decided(row) or row.origin == Origin.HUMAN:
            continue
        else:
            refresh_suggestion(row, origin, status, conf, sug.model_version, sug.attributes, when)
        out.append(row)
    session.flush()  # refreshed rows
    if fresh:
        inserted = _insert(session, fresh)
        if inserted is not fresh:  # some were inserted by another writer meanwhile
            out = [r for r in out if r not in fresh] + inserted
    return out


def _insert(session: Session, fresh: list[TagAssignment]) -> list[TagAssignment]:
    """Insert new suggestion rows; ``fresh`` itself when all went in at once, else the rows
    inserted one by one (a concurrent writer may have won some)."""
    try:
        with session.begin_nested():
            session.add_all(fresh)
        return fresh
    except IntegrityError:
        # Another writer (a webhook import, a parallel apply) inserted some of these
        # rows meanwhile: insert one by one and keep theirs where they won.
        inserted: list[TagAssignment] = []
        for row in fresh:
            retry = TagAssignment(**{c: getattr(row, c) for c in _COPY_COLUMNS})
            try:
                with session.begin_nested():
                    session.add(retry)
                inserted.append(retry)
            except IntegrityError:
                continue
        return inserted


_COPY_COLUMNS = (
    "workspace_id",
    "conversation_id",
    "tag_id",
    "scope",
    "origin",
    "confidence",
    "status",
    "model_version",
    "decided_at",
    "attributes",
)
