"""tag_fact: every assignment with its conversation's columns, kept exact by triggers.

The insights aggregates read it instead of joining conversations, so after every kind of
change its rows must equal what the join computes, and the aggregates must move with them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update
from tests.web.webseed import Seeded, seed

from frontdoor.conversations.filters import ConversationFilters
from frontdoor.core.store import Store
from frontdoor.insights.tag_trends import tag_trend
from frontdoor.models import Account, AssignmentStatus, Conversation, Message, Origin, Tag, TagAssignment
from frontdoor.models.tag import TagFact
from frontdoor.tagging.assignments import assign_tag, decide
from frontdoor.tagging.taxonomy.restructure import merge_tag

Fact = tuple[Any, ...]


def _facts(store: Store) -> set[Fact]:
    with store.session() as s:
        return {
            (
                r.assignment_id,
                r.tag_id,
                r.status,
                r.conversation_id,
                r.opened_at,
                r.account_id,
                r.source_id,
                r.language,
            )
            for r in s.scalars(select(TagFact))
        }


def _joined(store: Store) -> set[Fact]:
    """What the facts stand in for: assignments joined to their conversations."""
    with store.session() as s:
        rows = s.execute(
            select(
                TagAssignment.id,
                TagAssignment.tag_id,
                TagAssignment.status,
                TagAssignment.conversation_id,
                Conversation.opened_at,
                Conversation.account_id,
                Conversation.source_id,
                Conversation.language,
            ).join(Conversation, Conversation.id == TagAssignment.conversation_id)
        )
        return {(r[0], r[1], str(r[2]), *r[3:]) for r in rows}


def _check(store: Store) -> set[Fact]:
    facts = _facts(store)
    assert facts == _joined(store)
    return facts


def _billing(store: Store, ids: Seeded, **filters: Any) -> tuple[int, int, int]:
    """Billing's (with refund) conversations, accounts and ARR in November (the seed's month)."""
    with store.session() as s:
        billing = s.scalars(
            select(Tag.id).where(Tag.workspace_id == ids.workspace_id, Tag.path == "area/billing")
        ).one()
        got = tag_trend(
            s,
            workspace_id=ids.workspace_id,
            tag_id=billing,
            period="month",
            filters=ConversationFilters(since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 30), **filters),
        ).totals
        return got.conversations, got.accounts, got.arr


def test_facts_follow_every_kind_of_change(store: Store) -> None:
    ids = seed(store)
    ws = ids.workspace_id
    facts = _check(store)
    assert {(f[1], f[2]) for f in facts} == {
        (ids.tag_export_id, "confirmed"),
        (ids.tag_refund_id, "suggested"),
    }
    # Seeded: refund only suggested, so billing counts nothing unless suggestions are asked for.
    assert _billing(store, ids) == (0, 0, 0)
    assert _billing(store, ids, include_suggested=True) == (1, 1, 12_000_000)

    with store.session() as s:
        decide(s, workspace_id=ws, assignment_id=ids.suggestion_id, confirm=True)
    assert any(f[0] == ids.suggestion_id and f[2] == "confirmed" for f in _check(store))
    assert _billing(store, ids) == (1, 1, 12_000_000)

    # A second conversation, and a quote-level tag: both count (as in the list's tag filter),
    # and a conversation tagged twice under billing counts once.
    with store.session() as s:
        assign_tag(
            s,
            workspace_id=ws,
            conversation_id=ids.xss_conversation_id,
            tag=ids.tag_refund_id,
            origin=Origin.HUMAN,
            status=AssignmentStatus.CONFIRMED,
        )
        message_id = s.scalars(
            select(Message.id).where(Message.conversation_id == ids.export_conversation_id)
        ).first()
        assert message_id is not None
        assign_tag(
            s,
            workspace_id=ws,
            conversation_id=ids.export_conversation_id,
            tag=ids.tag_refund_id,
            message_id=message_id,
            span=(0, 5),
            status=AssignmentStatus.CONFIRMED,
        )
        billing = s.scalars(select(Tag.id).where(Tag.workspace_id == ws, Tag.path == "area/billing")).one()
        assign_tag(
            s,
            workspace_id=ws,
            conversation_id=ids.xss_conversation_id,
            tag=billing,
            origin=Origin.HUMAN,
            status=AssignmentStatus.CONFIRMED,
        )
    _check(store)
    assert _billing(store, ids) == (3, 1, 12_000_000)

    # Bulk SQL changes (no ORM events): a status flip back to suggested, then undone.
    with store.session() as s:
        s.execute(update(TagAssignment).where(TagAssignment.tag_id == billing).values(status="suggested"))
    _check(store)
    with store.session() as s:
        s.execute(update(TagAssignment).where(TagAssignment.tag_id == billing).values(status="confirmed"))
    _check(store)

    # The conversation's own columns: language and source filters follow an edit of them.
    with store.session() as s:
        s.execute(
            update(Conversation).where(Conversation.id == ids.xss_conversation_id).values(language="ja")
        )
    _check(store)
    assert _billing(store, ids, language="ja") == (1, 1, 12_000_000)
    assert _billing(store, ids, language="ko")[0] == 1

    # Moved out of the window: no longer counted in November.
    with store.session() as s:
        s.execute(
            update(Conversation)
            .where(Conversation.id == ids.export_conversation_id)
            .values(opened_at=dt.datetime(2026, 10, 20, 8, 0, tzinfo=dt.UTC))
        )
    _check(store)
    assert _billing(store, ids) == (2, 1, 12_000_000)

    # A new account on one conversation, then that account deleted (SET NULL reaches the facts).
    with store.session() as s:
        other = Account(workspace_id=ws, name="부산상회", arr=5_000_000, currency="KRW", plan="pro")
        s.add(other)
        s.flush()
        other_id = other.id
        s.execute(
            update(Conversation).where(Conversation.id == ids.xss_conversation_id).values(account_id=other_id)
        )
    _check(store)
    assert _billing(store, ids) == (2, 2, 17_000_000)
    assert _billing(store, ids, plan="pro") == (1, 1, 5_000_000)
    with store.session() as s:
        s.execute(delete(Account).where(Account.id == other_id))
    facts = _check(store)
    assert any(f[3] == ids.xss_conversation_id and f[5] is None for f in facts)
    assert _billing(store, ids) == (2, 1, 12_000_000)

    # Merge refund into billing: assignments move (or go, where billing was already there).
    with store.session() as s:
        merge_tag(s, workspace_id=ws, source=ids.tag_refund_id, target=billing)
    assert ids.tag_refund_id not in {f[1] for f in _check(store)}
    assert _billing(store, ids) == (2, 1, 12_000_000)

    # Deleting a conversation, then a tag (cascade), takes their facts out.
    with store.session() as s:
        s.execute(delete(Conversation).where(Conversation.id == ids.xss_conversation_id))
    _check(store)
    assert _billing(store, ids) == (1, 1, 12_000_000)
    with store.session() as s:
        s.execute(delete(Tag).where(Tag.id == ids.tag_export_id))
    assert ids.tag_export_id not in {f[1] for f in _check(store)}
