"""Small builders for tagging tests: a source and conversations with messages."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.models import AuthorKind, Channel, Conversation, Message, Source

_ids = itertools.count(1)
BASE_TIME = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def source(session: Session, workspace_id: int, name: str = "test") -> Source:
    """The test source of the workspace (created on first use)."""
    src = session.scalar(select(Source).where(Source.workspace_id == workspace_id, Source.name == name))
    if src is None:
        src = Source(workspace_id=workspace_id, kind="api", name=name, settings={})
        session.add(src)
        session.flush()
    return src


def conversation(
    session: Session,
    workspace_id: int,
    *texts: str | tuple[str, str] | tuple[str, str, bool],
    opened_at: dt.datetime | None = None,
    subject: str = "",
) -> Conversation:
    """A conversation whose messages are ``texts``.

    A plain string is a customer message; a tuple is ``(author_kind, text[, internal])``.
    """
    src = source(session, workspace_id)
    n = next(_ids)
    opened = opened_at or BASE_TIME + dt.timedelta(minutes=n)
    conv = Conversation(
        workspace_id=workspace_id,
        source_id=src.id,
        external_id=f"c{n}",
        channel=Channel.CHAT,
        subject=subject,
        opened_at=opened,
        message_count=len(texts),
        attributes={},
    )
    session.add(conv)
    session.flush()
    for i, item in enumerate(texts):
        if isinstance(item, str):
            kind, text, internal = "customer", item, False
        elif len(item) == 2:
            kind, text = item  # type: ignore[misc]
            internal = False
        else:
            kind, text, internal = item  # type: ignore[misc]
        session.add(
            Message(
                workspace_id=workspace_id,
                conversation_id=conv.id,
                source_id=src.id,
                external_id=f"c{n}-m{i}",
                author_kind=AuthorKind(kind),
                is_internal=bool(internal),
                text=text,
                sent_at=opened + dt.timedelta(seconds=i),
                attributes={},
            )
        )
    session.flush()
    return conv
