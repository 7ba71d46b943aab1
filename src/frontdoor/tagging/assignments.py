"""Tag assignments: a tag on a conversation or on a quote, proposed and decided.

One row per (conversation, tag, scope). ``scope`` is ``""`` for the whole conversation
and ``"m<message id>:<start>-<end>"`` for a quote (a character span of one message).

* Humans assign confirmed tags; rules and the model suggest them with a confidence.
* A human decision (confirm or reject) on a suggestion updates that same row: the origin
  stays (so the model's precision can be measured) and ``decided_by_id``/``decided_at``
  record who decided. No duplicates.
* Machines never overwrite a decided row; they only refresh their own suggestions.
* Retired and merged tags take no new assignments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import (
    AssignmentStatus,
    Conversation,
    Message,
    Origin,
    Tag,
    TagAssignment,
    TagDimension,
    TagStatus,
    User,
)
from frontdoor.tagging.taxonomy.tags import TagRef, get_tag
from frontdoor.workspace.permissions import Action, require

__all__ = [
    "AssignmentInfo",
    "assign_tag",
    "decide",
    "get_assignment",
    "list_assignments",
    "parse_scope",
    "quote_scope",
]

_SCOPE = re.compile(r"^m(\d+):(\d+)-(\d+)$")
MAX_CONFIDENCE_DIGITS = 6


def quote_scope(message_id: int, start: int, end: int) -> str:
    """The scope string of a quote: ``m<message id>:<start>-<end>``."""
    return f"m{int(message_id)}:{int(start)}-{int(end)}"


def parse_scope(scope: str) -> tuple[int, int, int] | None:
    """``(message_id, start, end)`` of a quote scope, ``None`` for the whole conversation.

    Raises
    ------
    ValidationError
        When ``scope`` is neither ``""`` nor a quote scope.
    """
    if not scope:
        return None
    m = _SCOPE.match(scope)
    if m is None:
        raise ValidationError(f"scope {scope!r} must be '' or 'm<message id>:<start>-<end>'")
    return int(m[1]), int(m[2]), int(m[3])


def _conversation(session: Session, workspace_id: int, conversation_id: int) -> Conversation:
    conv = session.get(Conversation, conversation_id)
    if conv is None or conv.workspace_id != workspace_id:
        raise NotFound(f"no conversation {conversation_id}")
    return conv


def _check_quote(
    session: Session, conv: Conversation, message_id: int, span: tuple[int, int] | None
) -> tuple[int, int]:
    msg = session.get(Message, message_id)
    if msg is None or msg.conversation_id != conv.id:
        raise NotFound(f"no message {message_id} in conversation {conv.id}")
    if span is None:
        return 0, len(msg.text)
    start, end = int(span[0]), int(span[1])
    if not 0 <= start < end <= len(msg.text):
        raise ValidationError(
            f"quote span {start}-{end} must lie inside the message text (0-{len(msg.text)}) and not be empty"
        )
    if not msg.text[start:end].strip():
        raise ValidationError("a quote must contain some text")
    return start, end


def _find(session: Session, conversation_id: int, tag_id: int, scope: str) -> TagAssignment | None:
    return session.scalar(
        select(TagAssignment).where(
            TagAssignment.conversation_id == conversation_id,
            TagAssignment.tag_id == tag_id,
            TagAssignment.scope == scope,
        )
    )


def is_decided(row: TagAssignment) -> bool:
    """Whether a person (or an auto-confirm rule) has settled this row."""
    return row.status != AssignmentStatus.SUGGESTED


def assign_tag(
    session: Session,
    *,
    workspace_id: int,
    conversation_id: int,
    tag: TagRef,
    origin: Origin | str = Origin.HUMAN,
    status: AssignmentStatus | str | None = None,
    confidence: float | None = None,
    model_version: str | None = None,
    message_id: int | None = None,
    span: tuple[int, int] | None = None,
    user: User | None = None,
    attributes: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> TagAssignment:
    """Put ``tag`` on a conversation, or on a quote when ``message_id`` is given.

    Parameters
    ----------
    origin : Origin
        ``human`` (default), ``rule`` or ``model``.
    status : AssignmentStatus, optional
        Default: confirmed for humans, suggested for rules and the model.
    confidence : float, optional
        Machine confidence in [0, 1].
    message_id, span : int, (int, int), optional
        A quote: the message (of this conversation) and the character span of its text
        (the whole message when ``span`` is omitted).
    user : User, optional
        The acting person: checked for the ``tag`` permission and recorded.

    Returns
    -------
    TagAssignment
        The new row, or the existing one for this (conversation, tag, scope), updated
        when the caller may change it (a human always may; a machine only refreshes a
        suggestion and never touches a decided row).

    Raises
    ------
    ValidationError
        When the tag is retired or merged, or the quote span is outside the message.
    NotFound
        When the conversation, message or tag is not in the workspace.
    """
    origin = Origin(origin)
    if user is not None:
        require(user, Action.TAG)
    t, conv, (scope, start, end) = _target(session, workspace_id, tag, conversation_id, message_id, span)
    default = AssignmentStatus.CONFIRMED if origin == Origin.HUMAN else AssignmentStatus.SUGGESTED
    status = AssignmentStatus(default if status is None else status)
    confidence = None if confidence is None else clamp_confidence(confidence)
    when = now or utcnow()
    user_id = user.id if user is not None else None
    row = _find(session, conv.id, t.id, scope)
    if row is None:
        row = TagAssignment(
            workspace_id=workspace_id,
            conversation_id=conv.id,
            tag_id=t.id,
            scope=scope,
            message_id=message_id,
            span_start=start,
            span_end=end,
            origin=origin,
            confidence=confidence,
            model_version=model_version,
            created_by_id=user_id,
            attributes=dict(attributes or {}),
            **_decision(status, user_id, when),
        )
        session.add(row)
    elif not _update(row, origin, status, confidence, model_version, attributes or {}, user_id, when):
        return row
    session.flush()
    if origin == Origin.HUMAN and status == AssignmentStatus.CONFIRMED and not scope:
        _reject_rival_suggestions(session, row, t, user, when)
    return row


def _decision(status: AssignmentStatus, user_id: int | None, when: dt.datetime) -> dict[str, Any]:
    """A new row's status with who decided and when (nobody, never, for a suggestion)."""
    decided = status != AssignmentStatus.SUGGESTED
    return {
        "status": status,
        "decided_by_id": user_id if decided else None,
        "decided_at": when if decided else None,
    }


def _update(
    row: TagAssignment,
    origin: Origin,
    status: AssignmentStatus,
    confidence: float | None,
    model_version: str | None,
    attributes: dict[str, Any],
    user_id: int | None,
    when: dt.datetime,
) -> bool:
    """Apply a new word on an existing row as :func:`assign_tag` allows; false: left as it was."""
    if origin == Origin.HUMAN:
        decided = status != AssignmentStatus.SUGGESTED
        if not decided and is_decided(row):
            return False  # a person's proposal never reopens a decided row
        # A person's word settles the row; the machine's origin and confidence stay.
        row.status = status
        if decided:
            row.decided_by_id = user_id
            row.decided_at = when
        if attributes:
            row.attributes = {**(row.attributes or {}), **attributes}
    elif not is_decided(row):
        if row.origin == Origin.HUMAN:
            return False
        refresh_suggestion(row, origin, status, confidence, model_version, attributes, when)
    return True


def _target(
    session: Session,
    workspace_id: int,
    tag: TagRef,
    conversation_id: int,
    message_id: int | None,
    span: tuple[int, int] | None,
) -> tuple[Tag, Conversation, tuple[str, int | None, int | None]]:
    """The active tag, the conversation and the scope an assignment is for, all checked."""
    t = _active_tag(session, workspace_id, tag)
    conv = _conversation(session, workspace_id, conversation_id)
    return t, conv, _scope_of(session, conv, message_id, span)


def _scope_of(
    session: Session, conv: Conversation, message_id: int | None, span: tuple[int, int] | None
) -> tuple[str, int | None, int | None]:
    """``(scope, span start, span end)``: the whole conversation, or a checked quote."""
    if message_id is not None:
        start, end = _check_quote(session, conv, message_id, span)
        return quote_scope(message_id, start, end), start, end
    if span is not None:
        raise ValidationError("a span needs its message_id")
    return "", None, None


def _active_tag(session: Session, workspace_id: int, tag: TagRef) -> Tag:
    """The tag, refused when retired or merged (they take no new assignments)."""
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    if t.status != TagStatus.ACTIVE:
        hint = " (merged: use the tag it was merged into)" if t.status == TagStatus.MERGED else ""
        raise ValidationError(
            f"tag {t.path!r} is {TagStatus(t.status).value}; it takes no new assignments{hint}"
        )
    return t


def clamp_confidence(confidence: float) -> float:
    """A machine confidence clamped to [0, 1] and rounded to six digits."""
    return round(min(1.0, max(0.0, float(confidence))), MAX_CONFIDENCE_DIGITS)


def refresh_suggestion(
    row: TagAssignment,
    origin: Origin,
    status: AssignmentStatus,
    confidence: float | None,
    model_version: str | None,
    attributes: dict[str, Any],
    when: dt.datetime,
) -> None:
    """A machine's newer word on its own open suggestion (never on a decided or human row)."""
    row.status = status
    row.origin = origin
    row.confidence = confidence
    row.model_version = model_version
    if status != AssignmentStatus.SUGGESTED:
        row.decided_at = when
    if attributes:
        row.attributes = {**(row.attributes or {}), **attributes}


def _reject_rival_suggestions(
    session: Session, row: TagAssignment, tag: Tag, user: User | None, when: dt.datetime
) -> None:
    """In a single-label dimension, a confirmed tag answers the open suggestions of others."""
    dim = session.get(TagDimension, tag.dimension_id)
    if dim is None or dim.multi_label:
        return
    rivals = select(Tag.id).where(Tag.dimension_id == dim.id, Tag.id != tag.id)
    session.execute(
        update(TagAssignment)
        .where(
            TagAssignment.conversation_id == row.conversation_id,
            TagAssignment.scope == "",
            TagAssignment.status == AssignmentStatus.SUGGESTED,
            TagAssignment.tag_id.in_(rivals),
        )
        .values(
            status=AssignmentStatus.REJECTED,
            decided_by_id=user.id if user is not None else None,
            decided_at=when,
            updated_at=when,
        )
        .execution_options(synchronize_session="fetch")
    )


def get_assignment(session: Session, *, workspace_id: int, assignment_id: int) -> TagAssignment:
    """The assignment with this id in the workspace.

    Raises
    ------
    NotFound
        When there is none.
    """
    row = session.get(TagAssignment, assignment_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound(f"no tag assignment {assignment_id}")
    return row


def decide(
    session: Session,
    *,
    workspace_id: int,
    assignment_id: int,
    confirm: bool,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> TagAssignment:
    """Confirm or reject an assignment in one call (the review queue's one action).

    Raises
    ------
    ValidationError
        When confirming an assignment of a retired or merged tag.
    """
    if user is not None:
        require(user, Action.TAG)
    row = get_assignment(session, workspace_id=workspace_id, assignment_id=assignment_id)
    tag = session.get(Tag, row.tag_id)
    assert tag is not None
    if confirm and tag.status != TagStatus.ACTIVE:
        raise ValidationError(f"tag {tag.path!r} is {TagStatus(tag.status).value}; it cannot be confirmed")
    when = now or utcnow()
    row.status = AssignmentStatus.CONFIRMED if confirm else AssignmentStatus.REJECTED
    row.decided_by_id = user.id if user is not None else None
    row.decided_at = when
    session.flush()
    if confirm and not row.scope:
        _reject_rival_suggestions(session, row, tag, user, when)
    return row


@dataclass(frozen=True)
class AssignmentInfo:
    """An assignment with its tag, ready to show."""

    id: int
    conversation_id: int
    tag_id: int
    path: str
    name_ko: str
    name_en: str
    dimension: str
    tag_status: str
    scope: str
    message_id: int | None
    span_start: int | None
    span_end: int | None
    quote: str | None
    origin: str
    status: str
    confidence: float | None
    model_version: str | None
    created_by_id: int | None
    decided_by_id: int | None
    decided_at: dt.datetime | None
    created_at: dt.datetime


def list_assignments(
    session: Session,
    *,
    workspace_id: int,
    conversation_id: int,
    statuses: Iterable[AssignmentStatus | str] | None = None,
) -> list[AssignmentInfo]:
    """The assignments of one conversation (one query), by dimension then tag path.

    Parameters
    ----------
    statuses : iterable of AssignmentStatus, optional
        Only these statuses (default: all, rejected included, so the UI can show them).
    """
    _conversation(session, workspace_id, conversation_id)
    stmt = (
        select(TagAssignment, Tag, TagDimension.key, Message.text)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .join(TagDimension, TagDimension.id == Tag.dimension_id)
        .outerjoin(Message, Message.id == TagAssignment.message_id)
        .where(TagAssignment.workspace_id == workspace_id, TagAssignment.conversation_id == conversation_id)
        .order_by(TagDimension.position, Tag.path, TagAssignment.scope)
    )
    if statuses is not None:
        stmt = stmt.where(TagAssignment.status.in_([AssignmentStatus(s) for s in statuses]))
    out: list[AssignmentInfo] = []
    for row, tag, dim_key, text in session.execute(stmt):
        quote = None
        if text is not None and row.span_start is not None and row.span_end is not None:
            quote = text[row.span_start : row.span_end]
        out.append(
            AssignmentInfo(
                id=row.id,
                conversation_id=row.conversation_id,
                tag_id=tag.id,
                path=tag.path,
                name_ko=tag.name_ko,
                name_en=tag.name_en,
                dimension=dim_key,
                tag_status=TagStatus(tag.status).value,
                scope=row.scope,
                message_id=row.message_id,
                span_start=row.span_start,
                span_end=row.span_end,
                quote=quote,
                origin=Origin(row.origin).value,
                status=AssignmentStatus(row.status).value,
                confidence=row.confidence,
                model_version=row.model_version,
                created_by_id=row.created_by_id,
                decided_by_id=row.decided_by_id,
                decided_at=row.decided_at,
                created_at=row.created_at,
            )
        )
    return out
