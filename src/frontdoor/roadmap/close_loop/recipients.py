"""Who asked for a roadmap item: the contacts to tell when it ships.

Contacts of conversations carrying a *confirmed* tag of the item (or of a descendant of
one of its tags, :func:`frontdoor.roadmap.items.item_tag_ids`, as the roadmap's demand
counts do): the conversation's contact and the contacts who wrote its customer messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Contact,
    Conversation,
    Message,
    TagAssignment,
)
from frontdoor.roadmap.items import get_item, item_tag_ids


@dataclass
class Recipient:
    """A contact who asked for an item, with the conversations that show it."""

    contact_id: int
    name: str
    email: str | None
    language: str | None
    account_id: int | None
    account_name: str
    conversation_ids: list[int] = field(default_factory=list)


def recipients(session: Session, *, workspace_id: int, item_id: int) -> list[Recipient]:
    """Every contact whose conversations carry a confirmed tag of the item.

    Parameters
    ----------
    session : Session
        Open session.
    workspace_id, item_id : int
        The roadmap item (in this workspace).

    Returns
    -------
    list[Recipient]
        One per contact, ordered by account name, then contact name and id; each with
        the ids of its conversations, oldest first.

    Raises
    ------
    NotFound
        No such item in this workspace.
    """
    item = get_item(session, workspace_id=workspace_id, item_id=item_id)
    tag_ids = item_tag_ids(session, workspace_id=workspace_id, item=item)
    if not tag_ids:
        return []
    pairs, opened = _askers(session, workspace_id, tag_ids)
    if not pairs:
        return []
    by_contact: dict[int, list[int]] = {}
    for contact_id, conv_id in pairs:
        by_contact.setdefault(contact_id, []).append(conv_id)
    rows = session.execute(
        select(Contact, Account.name)
        .outerjoin(Account, Account.id == Contact.account_id)
        .where(Contact.workspace_id == workspace_id, Contact.id.in_(list(by_contact)))
    ).all()
    found = [
        Recipient(
            contact_id=contact.id,
            name=contact.name or "",
            email=(contact.email or "").strip() or None,
            language=contact.language,
            account_id=contact.account_id,
            account_name=account_name or "",
            conversation_ids=sorted(by_contact[contact.id], key=lambda c: (opened[c], c)),
        )
        for contact, account_name in rows
    ]
    return sorted(found, key=lambda r: (r.account_name, r.name, r.contact_id))


def _askers(
    session: Session, workspace_id: int, tag_ids: list[int]
) -> tuple[set[tuple[int, int]], dict[int, Any]]:
    """``(contact, conversation)`` pairs of who asked, and each conversation's open time."""
    asked = (
        select(TagAssignment.conversation_id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.status == AssignmentStatus.CONFIRMED,
            TagAssignment.tag_id.in_(tag_ids),
        )
        .distinct()
        .scalar_subquery()
    )
    pairs: set[tuple[int, int]] = set()
    opened: dict[int, Any] = {}
    for conv_id, contact_id, opened_at in session.execute(
        select(Conversation.id, Conversation.contact_id, Conversation.opened_at).where(
            Conversation.workspace_id == workspace_id, Conversation.id.in_(asked)
        )
    ):
        opened[conv_id] = opened_at
        if contact_id is not None:
            pairs.add((contact_id, conv_id))
    # People who wrote in a conversation count too (an email thread with colleagues on it).
    for conv_id, contact_id in session.execute(
        select(Message.conversation_id, Message.contact_id)
        .where(
            Message.workspace_id == workspace_id,
            Message.conversation_id.in_(asked),
            Message.contact_id.is_not(None),
            Message.author_kind == AuthorKind.CUSTOMER,
            Message.is_internal.is_(False),
        )
        .distinct()
    ):
        if contact_id is not None:
            pairs.add((contact_id, conv_id))
    return pairs, opened
