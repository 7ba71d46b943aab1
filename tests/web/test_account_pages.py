"""Account pages: health with reasons, priority list, depth, stage change form, surveys page."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from webseed import add_user, csrf_of, sign_in

from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.models import (
    Account,
    AccountStageChange,
    AssignmentStatus,
    AuthorKind,
    Contact,
    Conversation,
    ConversationStatus,
    Message,
    Origin,
    Role,
    Source,
    SurveyKind,
    SurveyResponse,
    Tag,
    TagAssignment,
    TagDimension,
    Workspace,
)
from frontdoor.web.app import create_app


def _seed(store: Store, ws: int) -> tuple[int, int]:
    now = utcnow()
    with store.session() as s:
        src = Source(workspace_id=ws, kind="api", name="t", settings={})
        dim = TagDimension(workspace_id=ws, key="sentiment", name_en="Sentiment")
        goal = TagDimension(workspace_id=ws, key="goal", name_en="Goal")
        s.add_all([src, dim, goal])
        s.flush()
        neg = Tag(workspace_id=ws, path="sentiment/negative", dimension_id=dim.id, name_en="Negative")
        aov = Tag(workspace_id=ws, path="goal/aov", dimension_id=goal.id, name_en="AOV")
        big = Account(workspace_id=ws, name="<b>Big</b> Corp", arr=9_000_000, segment="fashion")
        small = Account(workspace_id=ws, name="Small", arr=100_000, segment="food")
        s.add_all([neg, aov, big, small])
        s.flush()
        boss = Contact(workspace_id=ws, account_id=big.id, name="CEO", is_decision_maker=True)
        s.add(boss)
        s.flush()
        for i in range(3):  # three negative conversations: sentiment 0, red on its own
            conv = Conversation(
                workspace_id=ws,
                source_id=src.id,
                external_id=f"c{i}",
                account_id=big.id,
                contact_id=boss.id,
                subject=f"problem {i}",
                status=ConversationStatus.CLOSED,
                opened_at=now - dt.timedelta(days=5 + i),
                closed_at=now - dt.timedelta(days=4 + i),
            )
            s.add(conv)
            s.flush()
            s.add(
                Message(
                    workspace_id=ws,
                    conversation_id=conv.id,
                    source_id=src.id,
                    external_id=f"m{i}",
                    author_kind=AuthorKind.CUSTOMER,
                    text="우리 매출 목표가 걱정이에요",
                    sent_at=conv.opened_at,
                )
            )
            for tag in (neg, aov):
                s.add(
                    TagAssignment(
                        workspace_id=ws,
                        conversation_id=conv.id,
                        tag_id=tag.id,
                        origin=Origin.HUMAN,
                        status=AssignmentStatus.CONFIRMED,
                    )
                )
        # NPS by agent: Kim 10, 9, 3 -> (2 - 1) / 3 = 33.33; Lee 7 -> 0.
        for i, (agent, score) in enumerate((("Kim", 10), ("Kim", 9), ("Kim", 3), ("Lee", 7))):
            s.add(
                SurveyResponse(
                    workspace_id=ws,
                    source_id=src.id,
                    external_id=f"s{i}",
                    kind=SurveyKind.NPS,
                    score=score,
                    scale_min=0,
                    scale_max=10,
                    agent=agent,
                    team="support",
                    account_id=big.id,
                    responded_at=now - dt.timedelta(days=1),
                )
            )
        return big.id, small.id


def test_account_page_says_why_it_is_red(store: Store, workspace: Workspace) -> None:
    big, _ = _seed(store, workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        html = client.get(f"/accounts/{big}").text
    assert "&lt;b&gt;Big&lt;/b&gt; Corp" in html and "<b>Big</b>" not in html
    assert '<span class="band red">Red' in html
    # The main reason, in words and numbers.
    assert "3 conversations with a sentiment tag in 90 days: 3 negative, 0 neutral, 0 positive" in html
    assert "red on its own" in html
    # Depth: 3 business conversations (goal tag), a decision maker in each -> partner.
    assert "Partner" in html and "3 about the customer&#39;s business" in html
    assert ' style="' not in html and "<script>" not in html


def test_priority_page_ranks_with_terms(store: Store, workspace: Workspace) -> None:
    big, small = _seed(store, workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        html = client.get("/accounts/priority").text
        listing = client.get("/accounts").text
    assert html.index(f"/accounts/{big}") < html.index(f"/accounts/{small}")
    # ARR larger than the one other account: full 30 points, said in numbers.
    assert "+30.0" in html and "ARR 9,000,000 KRW, larger than 100% of the other accounts" in html
    # NPS answers 10, 9, 3, 7: good, good, bad, middle = 62.5% good -> 20 x 0.375 = 7.5 points.
    assert "+7.5" in html and "62% good across 4 survey answers" in html
    assert "Red" in listing


def test_stage_change_form_logs_and_checks_roles(store: Store, workspace: Workspace) -> None:
    big, _ = _seed(store, workspace.id)
    add_user(store, workspace_id=workspace.id, email="eng@example.com", role=Role.ENGINEER)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        page = client.get(f"/accounts/{big}").text
        token = csrf_of(page[page.index('action="/accounts/') :])
        response = client.post(
            f"/accounts/{big}/stage",
            data={"csrf": token, "stage": "adr", "owner": "", "reason": "expansion talks"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        missing = client.post(
            f"/accounts/{big}/stage",
            data={"csrf": token, "stage": "am", "reason": " "},
            follow_redirects=False,
        )
        assert missing.status_code == 400
        assert "expansion talks" in client.get(f"/accounts/{big}").text
    with TestClient(create_app(store)) as client:
        sign_in(client, "eng@example.com")
        page = client.get(f"/accounts/{big}").text
        assert f'action="/accounts/{big}/stage"' not in page  # no form for a read-only role
        token = csrf_of(page)
        denied = client.post(
            f"/accounts/{big}/stage",
            data={"csrf": token, "stage": "am", "reason": "x"},
            follow_redirects=False,
        )
        assert denied.status_code == 403
    with store.session() as s:
        changes = s.query(AccountStageChange).all()
        assert [(c.from_stage, c.to_stage, c.reason) for c in changes] == [("csm", "adr", "expansion talks")]


def test_surveys_page_groups_with_counts_and_intervals(store: Store, workspace: Workspace) -> None:
    _seed(store, workspace.id)
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        html = client.get("/surveys?group=agent").text
        assert client.get("/surveys?start=yesterday").status_code == 400
        assert client.get("/surveys?group=account").status_code == 200
    rows = re.findall(r"<tr><td>(Kim|Lee)</td><td class=\"num\">([-\d.]+)</td>", html)
    # Kim: 2 promoters, 1 detractor of 3 -> 33.33; Lee: one passive -> 0.0.
    assert rows == [("Kim", "33.33"), ("Lee", "0.0")]
    # Kim: var = (2/3 + 1/3 - 1/9) / 3 = 0.29630; half = 1.95996 x 0.54433 = 1.06687;
    # 0.33333 - 1.06687 = -0.73354, and the top is clipped to 100.
    assert "-73.35 – 100.0" in html
    assert "small sample" in html
