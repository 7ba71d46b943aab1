"""The customer's words per conversation, as the tagger, routing, themes and review read them.

Only customer messages count as the conversation's text (agents, bots, system messages
and internal notes are excluded); the text is bounded by ``settings.max_text_chars``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.models import AuthorKind, Conversation, Message


def conversation_texts(
    session: Session,
    *,
    workspace_id: int,
    conversation_ids: Iterable[int],
    max_chars: int = 20000,
) -> dict[int, str]:
    """The customer's words per conversation: subject and customer messages, in order.

    Agent, bot and system messages and internal notes are left out; a subject that only
    repeats the start of the first message is dropped; each text is cut at
    ``max_chars``. Conversations without customer text map to ``""``.
    """
    ids = sorted(set(conversation_ids))
    out: dict[int, list[str]] = {cid: [] for cid in ids}
    subjects: dict[int, str] = {}
    sizes: dict[int, int] = defaultdict(int)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for cid, subject in session.execute(
            select(Conversation.id, Conversation.subject).where(
                Conversation.workspace_id == workspace_id, Conversation.id.in_(chunk)
            )
        ):
            if subject and subject.strip():
                subjects[cid] = subject.strip()
        rows = session.execute(
            select(Message.conversation_id, Message.text)
            .where(
                Message.workspace_id == workspace_id,
                Message.conversation_id.in_(chunk),
                Message.author_kind == AuthorKind.CUSTOMER,
                Message.is_internal.is_(False),
            )
            .order_by(Message.conversation_id, Message.sent_at, Message.id)
        )
        for cid, text in rows:
            if text and sizes[cid] < max_chars:
                out[cid].append(text)
                sizes[cid] += len(text) + 1
    for cid, subject in subjects.items():
        # Chat sources often use the first message (cut, with "...") as the subject.
        head = subject.rstrip("…. ")
        if not (out[cid] and head and out[cid][0].startswith(head)):
            out[cid].insert(0, subject)
    return {cid: "\n".join(parts)[:max_chars] for cid, parts in out.items()}
