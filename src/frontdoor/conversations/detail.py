"""One conversation in full: its source, account, contact, messages in order, and assignments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound
from frontdoor.models import Account, Contact, Conversation, Message, Source, Tag, TagAssignment


@dataclass(frozen=True)
class AssignmentView:
    """An assignment with its tag, for the detail page and the API."""

    assignment: TagAssignment
    tag: Tag


@dataclass(frozen=True)
class ConversationDetail:
    """A conversation with everything the detail page shows."""

    conversation: Conversation
    source: Source
    account: Account | None
    contact: Contact | None
    messages: list[Message]
    assignments: list[AssignmentView]


def get_conversation(session: Session, *, workspace_id: int, conversation_id: int) -> ConversationDetail:
    """A conversation of this workspace with its messages in order and its assignments.

    Raises
    ------
    NotFound
        No such conversation in this workspace (another workspace's id is not found either).
    """
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.workspace_id != workspace_id:
        raise NotFound(f"no conversation {conversation_id}")
    source = session.get(Source, conversation.source_id)
    assert source is not None  # foreign key
    account = session.get(Account, conversation.account_id) if conversation.account_id else None
    contact = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id, Message.workspace_id == workspace_id)
            .order_by(Message.sent_at, Message.id)
        )
    )
    assignments = [
        AssignmentView(assignment=a, tag=t)
        for a, t in session.execute(
            select(TagAssignment, Tag)
            .join(Tag, Tag.id == TagAssignment.tag_id)
            .where(
                TagAssignment.conversation_id == conversation.id, TagAssignment.workspace_id == workspace_id
            )
            .order_by(TagAssignment.status, Tag.path, TagAssignment.id)
        )
    ]
    return ConversationDetail(
        conversation=conversation,
        source=source,
        account=account,
        contact=contact,
        messages=messages,
        assignments=assignments,
    )
