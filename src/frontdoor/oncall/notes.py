"""On-call notes: an engineer marks a conversation read, with what they took from it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.models import Conversation, OncallRead, User
from frontdoor.workspace.permissions import Action, require

MAX_NOTE = 2000


def mark_read(
    session: Session, *, workspace_id: int, user: User, conversation_id: int, note: str = ""
) -> OncallRead:
    """Record that ``user`` read a conversation, with a note; again: the note is replaced.

    Raises
    ------
    PermissionDenied
        The role may not keep on-call notes.
    NotFound
        No such conversation in this workspace.
    ValidationError
        The note is longer than 2,000 characters.
    """
    require(user, Action.ONCALL_NOTES)
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"note: at most {MAX_NOTE} characters")
    conv = session.get(Conversation, conversation_id)
    if conv is None or conv.workspace_id != workspace_id:
        raise NotFound(f"conversation {conversation_id}")
    lookup = select(OncallRead).where(
        OncallRead.conversation_id == conversation_id, OncallRead.user_id == user.id
    )
    row = session.scalars(lookup).one_or_none()
    if row is None:
        row = OncallRead(
            workspace_id=workspace_id, conversation_id=conversation_id, user_id=user.id, note=note
        )
        try:
            with session.begin_nested():  # a double click races to the same key
                session.add(row)
        except IntegrityError:
            row = session.scalars(lookup).one()
            row.note = note
    else:
        row.note = note
    session.flush()
    return row
