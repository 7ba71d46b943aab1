"""Relationship depth of one account ("partner or tool"), with the conversations behind it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.accounts.depth_score import ConversationFacts, Depth, DepthConfig, compute_depth, depth_config
from frontdoor.accounts.health import health_settings
from frontdoor.accounts.listing import load_account
from frontdoor.db.base import utcnow
from frontdoor.models import (
    AssignmentStatus,
    AuthorKind,
    Contact,
    Conversation,
    Message,
    Tag,
    TagAssignment,
)

#: At most this many of the latest conversations are read (their customer text included).
MAX_CONVERSATIONS = 400
#: Customer text read per conversation for keywords; tags decide most conversations anyway.
TEXT_CHARS = 4000


def load_depth_config(session: Session, workspace_id: int) -> DepthConfig:
    """The workspace's depth configuration (``settings["health"]["depth"]``)."""
    return depth_config(health_settings(session, workspace_id).get("depth"))


@dataclass(frozen=True)
class DepthView:
    """Depth plus the conversations (subject, time) it was computed from, for the page."""

    depth: Depth
    conversations: dict[int, Conversation]
    window_days: int


def relationship_depth(
    session: Session, *, workspace_id: int, account_id: int, as_of: dt.datetime | None = None
) -> DepthView:
    """Classify the account's recent conversations and label the relationship.

    Raises
    ------
    NotFound
        No such account in this workspace.
    """
    load_account(session, workspace_id=workspace_id, account_id=account_id)
    config = load_depth_config(session, workspace_id)
    as_of = as_of or utcnow()
    since = as_of - dt.timedelta(days=config.window_days)
    conversations = list(
        session.scalars(
            select(Conversation)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.account_id == account_id,
                Conversation.opened_at > since,
                Conversation.opened_at <= as_of,
            )
            .order_by(Conversation.opened_at.desc(), Conversation.id.desc())
            .limit(MAX_CONVERSATIONS)
        )
    )
    tags: dict[int, list[str]] = defaultdict(list)
    texts: dict[int, list[str]] = defaultdict(list)
    people: dict[int, set[int]] = defaultdict(set)
    if conversations:
        tags = _confirmed_tag_paths(session, [c.id for c in conversations])
        texts, people = _customer_voices(session, workspace_id, account_id, conversations)
    facts = [
        ConversationFacts(
            conversation_id=c.id,
            tag_paths=tuple(tags.get(c.id, [])),
            customer_text=" ".join(texts.get(c.id, [])),
            decision_makers=tuple(sorted(people.get(c.id, set()))),
        )
        for c in conversations
    ]
    return DepthView(
        depth=compute_depth(facts, config),
        conversations={c.id: c for c in conversations},
        window_days=config.window_days,
    )


def _confirmed_tag_paths(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Confirmed whole-conversation tag paths per conversation, in path order."""
    tags: dict[int, list[str]] = defaultdict(list)
    for conv_id, path in session.execute(
        select(TagAssignment.conversation_id, Tag.path)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .where(
            TagAssignment.conversation_id.in_(ids),
            TagAssignment.status == AssignmentStatus.CONFIRMED,
            TagAssignment.scope == "",
        )
        .order_by(Tag.path)
    ):
        tags[conv_id].append(path)
    return tags


def _customer_voices(
    session: Session, workspace_id: int, account_id: int, conversations: list[Conversation]
) -> tuple[dict[int, list[str]], dict[int, set[int]]]:
    """Per conversation: its customer text (bounded by :data:`TEXT_CHARS`) and the decision makers in it."""
    ids = [c.id for c in conversations]
    texts: dict[int, list[str]] = defaultdict(list)
    people: dict[int, set[int]] = defaultdict(set)
    dms = set(
        session.scalars(
            select(Contact.id).where(
                Contact.workspace_id == workspace_id,
                Contact.account_id == account_id,
                Contact.is_decision_maker.is_(True),
            )
        )
    )
    for conv in conversations:
        if conv.contact_id in dms:
            people[conv.id].add(conv.contact_id)
    for conv_id, contact_id, text in session.execute(
        select(Message.conversation_id, Message.contact_id, Message.text)
        .where(
            Message.conversation_id.in_(ids),
            Message.author_kind == AuthorKind.CUSTOMER,
            Message.is_internal.is_(False),
        )
        .order_by(Message.conversation_id, Message.sent_at)
    ):
        if contact_id in dms:
            people[conv_id].add(contact_id)
        if sum(len(t) for t in texts[conv_id]) < TEXT_CHARS:
            texts[conv_id].append(text[:TEXT_CHARS])
    return texts, people
