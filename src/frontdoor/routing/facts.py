"""What routing rules look at, per conversation: channel, language, account, contact, tags, text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.models import Account, AssignmentStatus, Contact, Conversation, Tag, TagAssignment
from frontdoor.routing.rules import RouteFacts


def route_facts(
    session: Session, *, workspace_id: int, conversation_ids: Sequence[int], texts: Mapping[int, str]
) -> dict[int, RouteFacts]:
    """What rules look at, per conversation, in a constant number of queries."""
    ids = list(conversation_ids)
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.channel,
            Conversation.language,
            Account.plan,
            Account.segment,
            Account.arr,
            Contact.is_decision_maker,
        )
        .outerjoin(Account, Account.id == Conversation.account_id)
        .outerjoin(Contact, Contact.id == Conversation.contact_id)
        .where(Conversation.workspace_id == workspace_id, Conversation.id.in_(ids))
    ).all()
    tags: dict[int, set[str]] = defaultdict(set)
    for cid, path, attributes in session.execute(
        select(TagAssignment.conversation_id, Tag.path, TagAssignment.attributes)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.conversation_id.in_(ids),
            TagAssignment.status.in_([AssignmentStatus.CONFIRMED, AssignmentStatus.SUGGESTED]),
        )
    ):
        # A model's "ask a person" candidate is not an assigned tag.
        if not (attributes or {}).get("needs_human"):
            tags[cid].add(path)
    out: dict[int, RouteFacts] = {}
    for cid, channel, language, plan, segment, arr, dm in rows:
        out[cid] = RouteFacts(
            channel=str(channel) if channel else None,
            language=language,
            plan=plan,
            segment=segment,
            arr=int(arr) if arr is not None else None,
            tags=frozenset(tags.get(cid, ())),
            text=texts.get(cid, ""),
            decision_maker=bool(dm),
        )
    return out
