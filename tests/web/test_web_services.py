"""The services behind the pages: trends, cursors, search terms, invitations, tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from webseed import seed

from frontdoor.conversations.filters import search_terms
from frontdoor.conversations.listing import decode_cursor, encode_cursor
from frontdoor.core.errors import AuthenticationError, Conflict, NotFound, ValidationError
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.models import Conversation, Role, TagAssignment, User, Workspace
from frontdoor.tagging.taxonomy.views import sparkline_points, tag_tree, tag_trends
from frontdoor.workspace.api_tokens import authenticate_token, create_token, has_scope, revoke_token
from frontdoor.workspace.invitations import accept_invitation, create_invitation, find_invitation
from frontdoor.workspace.members import update_member


def test_search_terms_are_nfc_and_bounded() -> None:
    decomposed = "\u1112\u1161\u11ab"  # 한 as conjoining jamo
    assert search_terms(f"  {decomposed}   x ") == ["한", "x"]
    assert len(search_terms(" ".join(["a"] * 20))) == 5
    assert search_terms("y" * 500) == ["y" * 100]


def test_cursor_round_trip_and_garbage() -> None:
    when = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    assert decode_cursor(encode_cursor(when, 42)) == (when, 42)
    for bad in ("", "!!!", "bm9wZQ", encode_cursor(when, 1)[:-3]):
        with pytest.raises(ValidationError):
            decode_cursor(bad)


def test_trends_bucket_confirmed_conversations_by_week(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    with store.session() as s:
        trends = tag_trends(s, workspace_id=workspace.id, weeks=4, now=now)
        # Four weeks before 11-22 start on 10-25; the export conversation (11-01 11:00) is in the second.
        assert trends == {ids.tag_export_id: [0, 1, 0, 0]}
        trees = tag_tree(s, workspace_id=workspace.id)
        counts = {n.tag.path: (n.count, n.suggested, n.depth) for t in trees for n in t.nodes}
        expected = {
            "area/billing": (0, 0, 1),
            "area/billing/refund": (0, 1, 2),
            "area/dashboard-export": (1, 0, 1),
        }
        assert counts == expected
    assert sparkline_points([0, 2, 1], width=10, height=10) == "0.0,9.0 5.0,1.0 10.0,5.0"
    assert sparkline_points([]) == ""


def test_invitation_expires_and_is_single_use(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        with pytest.raises(Conflict):
            create_invitation(
                s, workspace_id=workspace.id, email="admin@example.com", role="cx", invited_by_id=None
            )
        with pytest.raises(ValidationError):
            create_invitation(
                s, workspace_id=workspace.id, email="x@example.com", role="boss", invited_by_id=None
            )
        _old, expired = create_invitation(
            s,
            workspace_id=workspace.id,
            email="late@example.com",
            role="cx",
            invited_by_id=None,
            ttl=dt.timedelta(seconds=-1),
        )
        invitation, token = create_invitation(
            s, workspace_id=workspace.id, email="Kim@Example.com", role=Role.CX, invited_by_id=None
        )
        assert invitation.token_hash != token and token not in invitation.token_hash
    with store.session() as s:
        with pytest.raises(NotFound):
            find_invitation(s, token=expired)
        user = accept_invitation(s, token=token, name="김민지", password="long-enough-1", language="ko")
        assert (user.email, user.role, user.language) == ("kim@example.com", "cx", "ko")
    with store.session() as s, pytest.raises(NotFound):
        accept_invitation(s, token=token, name="again", password="long-enough-1")


def test_tokens_hash_scope_and_revoke(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        with pytest.raises(ValidationError):
            create_token(s, workspace_id=workspace.id, user_id=None, name="x", scopes=["everything"])
        row, clear = create_token(s, workspace_id=workspace.id, user_id=None, name="bi", scopes=["read"])
        assert row.token_hash != clear and clear.startswith("fd_")
        assert has_scope(row, "read") and not has_scope(row, "write")
        assert authenticate_token(s, token=clear).id == row.id
        assert row.last_used_at is not None and row.last_used_at <= utcnow()
        revoke_token(s, workspace_id=workspace.id, token_id=row.id)
        with pytest.raises(AuthenticationError):
            authenticate_token(s, token=clear)


def test_last_admin_cannot_be_demoted(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        admin = s.query(User).filter_by(workspace_id=workspace.id).one()
        with pytest.raises(Conflict):
            update_member(s, workspace_id=workspace.id, user_id=admin.id, role="engineer")
        with pytest.raises(Conflict):
            update_member(s, workspace_id=workspace.id, user_id=admin.id, is_active=False)


def test_untagged_ignores_rejected_and_suggested(store: Store, workspace: Workspace) -> None:
    ids = seed(store, workspace_id=workspace.id)
    from frontdoor.conversations.filters import ConversationFilters
    from frontdoor.conversations.listing import list_conversations

    with store.session() as s:
        page = list_conversations(s, workspace_id=workspace.id, filters=ConversationFilters(untagged=True))
        assert {r.id for r in page.rows} == {ids.refund_conversation_id, ids.xss_conversation_id}
        s.get(TagAssignment, ids.suggestion_id).status = "confirmed"  # type: ignore[union-attr]
        s.flush()
        page = list_conversations(s, workspace_id=workspace.id, filters=ConversationFilters(untagged=True))
        assert {r.id for r in page.rows} == {ids.xss_conversation_id}
        assert s.get(Conversation, ids.xss_conversation_id) is not None
