"""Roadmap items: URL validation, permissions, demand and score, quotes, Markdown export."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import select

from aggregates_fixture import Fixture, build
from frontdoor.conversations.filters import ConversationFilters
from frontdoor.core.errors import NotFound, PermissionDenied, ValidationError
from frontdoor.core.store import Store
from frontdoor.models import Role, User, Workspace
from frontdoor.roadmap.demand import ranked_items
from frontdoor.roadmap.export import escape_markdown, export_markdown
from frontdoor.roadmap.items import ItemInput, create_item, get_item, update_item
from frontdoor.roadmap.links import parse_external_url
from frontdoor.roadmap.quotes import item_quotes
from frontdoor.workspace.users import create_user

TODAY = dt.date(2026, 11, 18)  # window: Aug 24 .. Nov 15 (recent from Oct 19)


@pytest.fixture
def fx(store: Store, workspace: Workspace) -> Fixture:
    with store.session() as s:
        return build(s, workspace.id)


def _user(store: Store, ws: int, role: Role) -> User:
    with store.session() as s:
        user = create_user(
            s,
            workspace_id=ws,
            email=f"{role.value}@example.com",
            role=role,
            password="pw-123456789",
            language="ko",
        )
        s.flush()
        s.expunge(user)
        return user


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://github.com/acme/app/issues/12", "github"),
        ("https://github.com/acme/app/pull/7", "github"),
        ("https://linear.app/acme/issue/ENG-42/faster-export", "linear"),
        ("https://acme.atlassian.net/browse/CX-9", "jira"),
        ("https://jira.example.co.kr/browse/PROD-101", "jira"),
    ],
)
def test_external_urls_accepted(url: str, provider: str) -> None:
    assert parse_external_url(url).provider == provider


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/acme/app/issues/12",
        "javascript:alert(1)",
        "https://github.com/acme/app",
        "https://evil.example/acme/app/issues/1",
        "https://user:pw@github.com/acme/app/issues/1",
        "https://linear.app/acme/project/x",
        "ftp://acme.atlassian.net/browse/CX-9",
    ],
)
def test_external_urls_rejected(url: str) -> None:
    with pytest.raises(ValidationError):
        parse_external_url(url)


def test_permissions_and_validation(store: Store, fx: Fixture) -> None:
    engineer = _user(store, fx.workspace_id, Role.ENGINEER)
    product = _user(store, fx.workspace_id, Role.PRODUCT)
    with store.session() as s:
        with pytest.raises(PermissionDenied):
            create_item(s, user=engineer, data=ItemInput(title="x"))
        with pytest.raises(ValidationError):
            create_item(s, user=product, data=ItemInput(title="  "))
        with pytest.raises(ValidationError):
            create_item(s, user=product, data=ItemInput(title="x", strategic_weight=-1))
        with pytest.raises(ValidationError):
            create_item(s, user=product, data=ItemInput(title="x", status="done"))
        with pytest.raises(NotFound):
            create_item(s, user=product, data=ItemInput(title="x", tag_ids=[999_999]))
        item = create_item(
            s,
            user=product,
            data=ItemInput(
                title="환불 자동화",
                external_url="https://linear.app/acme/issue/ENG-1",
                tag_ids=[fx.tags["R"]],
                strategic_weight=2,
            ),
        )
        item_id = item.id
    with store.session() as s:
        updated = update_item(
            s,
            user=product,
            item_id=item_id,
            data=ItemInput(title="환불 자동화 v2", status="shipped", tag_ids=[fx.tags["E"], fx.tags["I"]]),
        )
        assert updated.shipped_at is not None and updated.external_url is None
    with store.session() as s:
        got = get_item(s, workspace_id=fx.workspace_id, item_id=item_id)
        assert sorted(t.path for t in got.tags) == ["area/billing/invoice", "area/export"]
        with pytest.raises(NotFound):
            get_item(s, workspace_id=fx.workspace_id + 1000, item_id=item_id)


def _items(store: Store, fx: Fixture) -> dict[str, int]:
    admin_user = None
    with store.session() as s:
        admin_user = s.scalars(
            select(User).where(User.workspace_id == fx.workspace_id, User.role == Role.ADMIN)
        ).one()
        ids = {
            "billing": create_item(
                s,
                user=admin_user,
                data=ItemInput(title="Billing overhaul", tag_ids=[fx.tags["B"]], strategic_weight=2),
            ).id,
            "export": create_item(
                s, user=admin_user, data=ItemInput(title="Export v2", tag_ids=[fx.tags["E"]])
            ).id,
            "empty": create_item(s, user=admin_user, data=ItemInput(title="Empty")).id,
        }
    return ids


def test_ranked_board_scores_explain_themselves(store: Store, fx: Fixture) -> None:
    ids = _items(store, fx)
    with store.session() as s:
        board = ranked_items(s, workspace_id=fx.workspace_id, today=TODAY)
    assert [r.item.id for r in board.items] == [ids["billing"], ids["export"], ids["empty"]]
    assert board.total_arr == 1150
    billing, export, empty = board.items
    # Billing (and descendants): c1 c2 c3 c4 c5 c8; accounts A1 A2 A3; all in the recent 4 weeks.
    assert (billing.demand.conversations, billing.demand.accounts, billing.demand.arr) == (6, 3, 1150)
    assert billing.demand.movement.direction == "rising"
    expected = 2 * (math.log(7) + 2 * math.log(4) + 10 * 1150 / 1150) * 1.25
    assert billing.priority.score == pytest.approx(expected)
    assert [t.key for t in billing.priority.terms] == ["conversations", "accounts", "arr_share"]
    assert sum(t.contribution for t in billing.priority.terms) == pytest.approx(billing.priority.demand)
    assert (export.demand.conversations, export.demand.accounts, export.demand.arr) == (1, 1, 1000)
    assert export.demand.movement.direction == "steady"  # 1 conversation: below the count guard
    assert export.priority.score == pytest.approx(math.log(2) + 2 * math.log(2) + 10 * 1000 / 1150)
    assert empty.priority.score == 0.0
    with store.session() as s:
        pro = ranked_items(
            s, workspace_id=fx.workspace_id, today=TODAY, filters=ConversationFilters(plan="free")
        )
    by_id = {r.item.id: r for r in pro.items}
    assert (by_id[ids["billing"]].demand.conversations, by_id[ids["billing"]].demand.arr) == (1, 50)


def test_board_counts_items_not_yet_committed_in_the_same_session(store: Store, fx: Fixture) -> None:
    """PostgreSQL counts a board's keys on other connections, which cannot see this
    transaction's writes; then it must count them in the session itself."""
    with store.session() as s:
        admin_user = s.scalars(
            select(User).where(User.workspace_id == fx.workspace_id, User.role == Role.ADMIN)
        ).one()
        made = [
            create_item(s, user=admin_user, data=ItemInput(title=title, tag_ids=[fx.tags[t]]))
            for title, t in (("Billing overhaul", "B"), ("Export v2", "E"))
        ]
        board = ranked_items(s, workspace_id=fx.workspace_id, today=TODAY)
        demand = {r.item.id: (r.demand.conversations, r.demand.accounts, r.demand.arr) for r in board.items}
        assert demand == {made[0].id: (6, 3, 1150), made[1].id: (1, 1, 1000)}
        s.rollback()


def test_board_is_the_same_when_no_parallel_run_is_free(store: Store, fx: Fixture) -> None:
    """With every parallel slot taken (a burst of cold boards), the keys are counted in the
    request's own session, one half after the other, to the same numbers."""
    from frontdoor.insights.statements import _PARALLEL_RUNS

    _items(store, fx)
    with store.session() as s:
        parallel = ranked_items(s, workspace_id=fx.workspace_id, today=TODAY)
    held = [_PARALLEL_RUNS.acquire(blocking=False) for _ in range(2)]
    try:
        assert all(held)
        with store.session() as s:
            alone = ranked_items(s, workspace_id=fx.workspace_id, today=TODAY)
    finally:
        for _ in held:
            _PARALLEL_RUNS.release()
    assert [(r.item.id, r.demand) for r in alone.items] == [(r.item.id, r.demand) for r in parallel.items]
    assert alone.items[0].demand.conversations == 6


def test_quotes_grouped_by_account_newest_first_customer_only(store: Store, fx: Fixture) -> None:
    ids = _items(store, fx)
    with store.session() as s:
        page = item_quotes(s, workspace_id=fx.workspace_id, item_id=ids["billing"])
    # Conversations newest first: c8 (A1), c5 (none), c4 (A3), c3 (A2), c2 (A1), c1 (A1).
    assert [g.name for g in page.groups] == ["서울상회", None, "대한물산", "Busan Foods"]
    a1 = page.groups[0]
    assert (a1.plan, a1.arr, a1.seats) == ("pro", 100, 10)
    # c8 was tagged on a quote: only that span; c2 and c1: the customer's message, verbatim.
    assert [q.text for q in a1.quotes] == [
        "Billing page",
        "세금계산서도 같이 부탁드려요 [링크](javascript:x)",
        "환불은 언제 되나요? *급해요*",
    ]
    assert [q.conversation_id for q in a1.quotes] == [fx.conversations[c] for c in ("c8", "c2", "c1")]
    every = [q.text for g in page.groups for q in g.quotes]
    assert not any("agent" in t or "internal note" in t for t in every)
    assert page.conversations == 6 and page.next_cursor is None
    with store.session() as s:
        first = item_quotes(s, workspace_id=fx.workspace_id, item_id=ids["billing"], limit=4)
        assert first.next_cursor is not None
        rest = item_quotes(
            s, workspace_id=fx.workspace_id, item_id=ids["billing"], limit=4, cursor=first.next_cursor
        )
    assert first.conversations == 4 and rest.conversations == 2 and rest.next_cursor is None
    assert [q.conversation_id for g in rest.groups for q in g.quotes] == [
        fx.conversations["c2"],
        fx.conversations["c1"],
    ]
    with store.session() as s:
        empty = item_quotes(s, workspace_id=fx.workspace_id, item_id=ids["empty"])
        assert empty.groups == [] and empty.conversations == 0
        with pytest.raises(ValidationError):
            item_quotes(s, workspace_id=fx.workspace_id, item_id=ids["billing"], limit=0)


def test_markdown_export_escapes_customer_text(store: Store, fx: Fixture) -> None:
    ids = _items(store, fx)
    with store.session() as s:
        md = export_markdown(
            s, workspace_id=fx.workspace_id, item_id=ids["billing"], base_url="https://fd.example"
        )
    assert md.startswith("# Billing overhaul\n")
    assert "> 세금계산서도 같이 부탁드려요 \\[링크\\]\\(javascript:x\\)" in md
    assert "> Invoice \\#42 is wrong \\<b\\>again\\</b\\>" in md
    assert "[링크](javascript:x)" not in md and "<b>" not in md
    assert f"(https://fd.example/conversations/{fx.conversations['c8']})" in md
    assert "### 서울상회 (plan pro, ARR 100 KRW, 10 seats)" in md
    assert "### (no account)" in md
    assert "확인 후 안내드리겠습니다" not in md  # agent text never exported
    assert md.index("서울상회") < md.index("대한물산") < md.index("Busan Foods")


def test_escape_markdown_round_trip_characters() -> None:
    raw = "a*b_c`d[e](f)#g<h>|i!j~k\\l"
    escaped = escape_markdown(raw)
    assert escaped.replace("\\", "") == raw.replace("\\", "")
    assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "*_`[]()#<>|!~" and i > 0)
