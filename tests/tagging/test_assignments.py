"""Assignments: quotes, origins, decisions, no duplicates, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tagging_helpers import conversation

from frontdoor.core.errors import NotFound, PermissionDenied, ValidationError
from frontdoor.core.store import Store
from frontdoor.models import Message, Role, TagAssignment, User, Workspace
from frontdoor.tagging.assignments import assign_tag, decide, get_assignment, list_assignments, parse_scope
from frontdoor.tagging.suggestions import suggest_tag
from frontdoor.tagging.taxonomy.dimensions import create_dimension
from frontdoor.tagging.taxonomy.tags import create_tag
from frontdoor.tagging.taxonomy.tree import tag_counts
from frontdoor.workspace.users import create_user


@pytest.fixture
def tags(store: Store, workspace: Workspace) -> None:
    with store.session() as s:
        create_dimension(s, workspace_id=workspace.id, key="area")
        create_dimension(s, workspace_id=workspace.id, key="type", multi_label=True)
        create_tag(s, workspace_id=workspace.id, path="area/billing")
        create_tag(s, workspace_id=workspace.id, path="area/shipping")
        create_tag(s, workspace_id=workspace.id, path="type/bug")


def _rows(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count(TagAssignment.id))) or 0)


def test_quote_span_is_validated(store: Store, workspace: Workspace, tags: None) -> None:
    with store.session() as s:
        c = conversation(s, workspace.id, "배송이 너무 늦어요. 환불해 주세요")
        other = conversation(s, workspace.id, "hello")
        msg = s.scalar(select(Message).where(Message.conversation_id == c.id))
        assert msg is not None
        row = assign_tag(
            s,
            workspace_id=workspace.id,
            conversation_id=c.id,
            tag="area/shipping",
            message_id=msg.id,
            span=(0, 10),
        )
        assert row.scope == f"m{msg.id}:0-10"
        assert parse_scope(row.scope) == (msg.id, 0, 10)
        with pytest.raises(ValidationError):
            assign_tag(
                s,
                workspace_id=workspace.id,
                conversation_id=c.id,
                tag="area/billing",
                message_id=msg.id,
                span=(5, 99),
            )
        with pytest.raises(ValidationError):
            assign_tag(
                s,
                workspace_id=workspace.id,
                conversation_id=c.id,
                tag="area/billing",
                message_id=msg.id,
                span=(4, 4),
            )
        with pytest.raises(NotFound):  # the message belongs to another conversation
            assign_tag(
                s, workspace_id=workspace.id, conversation_id=other.id, tag="type/bug", message_id=msg.id
            )
        # A quote and the whole conversation are separate assignments.
        assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="area/shipping")
        infos = list_assignments(s, workspace_id=workspace.id, conversation_id=c.id)
        assert [(i.path, i.quote) for i in infos] == [
            ("area/shipping", None),
            ("area/shipping", "배송이 너무 늦어요"),
        ]


def test_human_confirmation_updates_the_model_row(store: Store, workspace: Workspace, tags: None) -> None:
    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == workspace.id))
        assert admin is not None
        c = conversation(s, workspace.id, "결제가 두 번 됐어요")
        sug = suggest_tag(
            s,
            workspace_id=workspace.id,
            conversation_id=c.id,
            tag="area/billing",
            origin="model",
            confidence=0.61,
            model_version="v1",
        )
        assert sug is not None and sug.status == "suggested" and sug.decided_at is None
        row = assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="area/billing", user=admin)
        assert row.id == sug.id
        assert (row.status, row.origin, row.model_version, row.decided_by_id) == (
            "confirmed",
            "model",
            "v1",
            admin.id,
        )
        assert row.decided_at is not None
        # A later model run does not overwrite the human decision.
        again = suggest_tag(
            s,
            workspace_id=workspace.id,
            conversation_id=c.id,
            tag="area/billing",
            origin="model",
            confidence=0.1,
        )
        assert again is not None and again.status == "confirmed" and again.confidence == pytest.approx(0.61)
    assert _rows(store) == 1


def test_decide_and_single_label_rivals(store: Store, workspace: Workspace, tags: None) -> None:
    with store.session() as s:
        admin = s.scalar(select(User).where(User.workspace_id == workspace.id))
        c = conversation(s, workspace.id, "배송비 환불")
        ws = workspace.id
        a = suggest_tag(s, workspace_id=ws, conversation_id=c.id, tag="area/billing", origin="model")
        b = suggest_tag(s, workspace_id=ws, conversation_id=c.id, tag="area/shipping", origin="rule")
        bug = suggest_tag(s, workspace_id=ws, conversation_id=c.id, tag="type/bug", origin="model")
        assert a and b and bug
        decide(s, workspace_id=ws, assignment_id=b.id, confirm=True, user=admin)
        s.expire_all()
        # area is single-label: confirming shipping answers the billing suggestion.
        assert get_assignment(s, workspace_id=ws, assignment_id=a.id).status == "rejected"
        assert get_assignment(s, workspace_id=ws, assignment_id=bug.id).status == "suggested"
        decide(s, workspace_id=ws, assignment_id=bug.id, user=admin, confirm=False)
        assert get_assignment(s, workspace_id=ws, assignment_id=bug.id).status == "rejected"
        statuses = {i.path: i.status for i in list_assignments(s, workspace_id=ws, conversation_id=c.id)}
        assert statuses == {"area/billing": "rejected", "area/shipping": "confirmed", "type/bug": "rejected"}
        counts = tag_counts(s, workspace_id=ws)
        assert sorted(counts.values()) == [(1, 1)]


def test_engineers_cannot_tag(store: Store, workspace: Workspace, tags: None) -> None:
    with store.session() as s:
        eng = create_user(
            s, workspace_id=workspace.id, email="e@example.com", role=Role.ENGINEER, password=None
        )
        c = conversation(s, workspace.id, "hi")
        with pytest.raises(PermissionDenied):
            assign_tag(s, workspace_id=workspace.id, conversation_id=c.id, tag="type/bug", user=eng)
        with pytest.raises(NotFound):
            assign_tag(s, workspace_id=workspace.id, conversation_id=c.id + 999, tag="type/bug")
