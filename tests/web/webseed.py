"""Seed data and signed-in clients shared by the web, API and browser tests."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

from frontdoor.core.store import Store
from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Channel,
    Conversation,
    Message,
    Origin,
    RoadmapItem,
    Role,
    Source,
    Tag,
    TagAssignment,
    TagDimension,
)
from frontdoor.workspace.api_tokens import create_token
from frontdoor.workspace.users import create_user
from frontdoor.workspace.workspaces import create_workspace

PASSWORD = "correct-horse-battery"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


@dataclass
class Seeded:
    """Ids of what :func:`seed` created."""

    workspace_id: int
    source_id: int
    account_id: int
    refund_conversation_id: int
    export_conversation_id: int
    xss_conversation_id: int
    tag_refund_id: int
    tag_export_id: int
    suggestion_id: int
    dimension_id: int


def seed(store: Store, *, slug: str = "acme", workspace_id: int | None = None, prefix: str = "") -> Seeded:
    """A small, realistic workspace: Korean and English conversations, tags, a suggestion."""
    base = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    with store.session() as s:
        if workspace_id is None:
            workspace_id = create_workspace(s, slug=slug, name=slug.title()).id
        source = Source(workspace_id=workspace_id, kind="channeltalk", name=f"{prefix}channel", settings={})
        account = Account(workspace_id=workspace_id, name=f"{prefix}서울상회", arr=12_000_000, currency="KRW")
        s.add_all([source, account])
        s.flush()
        dim = TagDimension(workspace_id=workspace_id, key="area", name_ko="영역", name_en="Area")
        s.add(dim)
        s.flush()
        billing = Tag(
            workspace_id=workspace_id,
            path="area/billing",
            dimension_id=dim.id,
            name_ko="결제",
            name_en="Billing",
        )
        s.add(billing)
        s.flush()
        refund = Tag(
            workspace_id=workspace_id,
            path="area/billing/refund",
            parent_id=billing.id,
            dimension_id=dim.id,
            name_ko="환불",
            name_en="Refund",
        )
        export = Tag(
            workspace_id=workspace_id,
            path="area/dashboard-export",
            dimension_id=dim.id,
            name_ko="내보내기",
            name_en="Export",
        )
        s.add_all([refund, export])
        s.flush()

        def conversation(
            ext: str, subject: str, texts: list[tuple[AuthorKind, str, bool]], hours: int, lang: str
        ) -> Conversation:
            c = Conversation(
                workspace_id=workspace_id,
                source_id=source.id,
                external_id=ext,
                account_id=account.id,
                channel=Channel.CHAT,
                subject=subject,
                opened_at=base + dt.timedelta(hours=hours),
                language=lang,
                route="support",
                message_count=len(texts),
                attributes={},
            )
            s.add(c)
            s.flush()
            for i, (kind, text, internal) in enumerate(texts):
                s.add(
                    Message(
                        workspace_id=workspace_id,
                        conversation_id=c.id,
                        source_id=source.id,
                        external_id=f"{ext}-{i}",
                        author_kind=kind,
                        author_name="고객" if kind == AuthorKind.CUSTOMER else "상담원",
                        is_internal=internal,
                        text=text,
                        language=lang,
                        sent_at=c.opened_at + dt.timedelta(minutes=i),
                        attributes={},
                    )
                )
            s.flush()
            return c

        refund_c = conversation(
            "c-refund",
            "환불 문의",
            [
                (AuthorKind.CUSTOMER, "지난달 결제한 금액 환불이 가능할까요? 주문번호 알려드릴게요.", False),
                (AuthorKind.AGENT, "네, 환불 도와드리겠습니다.", False),
                (AuthorKind.AGENT, "VIP 고객, 빠르게 처리 필요", True),
            ],
            1,
            "ko",
        )
        export_c = conversation(
            "c-export",
            "CSV export is broken",
            [(AuthorKind.CUSTOMER, "The dashboard CSV export times out for large date ranges.", False)],
            2,
            "en",
        )
        xss_c = conversation(
            "c-xss",
            f"hi {XSS_SCRIPT}",
            [(AuthorKind.CUSTOMER, f"look {XSS_SCRIPT} and {XSS_IMG} please", False)],
            3,
            "en",
        )
        s.add(
            TagAssignment(
                workspace_id=workspace_id,
                conversation_id=export_c.id,
                tag_id=export.id,
                scope="",
                origin=Origin.HUMAN,
                status=AssignmentStatus.CONFIRMED,
                confidence=1.0,
                attributes={},
            )
        )
        suggestion = TagAssignment(
            workspace_id=workspace_id,
            conversation_id=refund_c.id,
            tag_id=refund.id,
            scope="",
            origin=Origin.MODEL,
            status=AssignmentStatus.SUGGESTED,
            confidence=0.83,
            attributes={},
        )
        s.add(suggestion)
        item = RoadmapItem(workspace_id=workspace_id, title=f"{prefix}Faster exports", description="")
        item.tags = [export]
        s.add(item)
        s.flush()
        return Seeded(
            workspace_id=workspace_id,
            source_id=source.id,
            account_id=account.id,
            refund_conversation_id=refund_c.id,
            export_conversation_id=export_c.id,
            xss_conversation_id=xss_c.id,
            tag_refund_id=refund.id,
            tag_export_id=export.id,
            suggestion_id=suggestion.id,
            dimension_id=dim.id,
        )


def add_user(store: Store, *, workspace_id: int, email: str, role: Role | str) -> None:
    """A member with :data:`PASSWORD`."""
    with store.session() as s:
        create_user(s, workspace_id=workspace_id, email=email, role=role, password=PASSWORD, language="en")


def token_for(store: Store, *, workspace_id: int, scopes: list[str], user_id: int | None = None) -> str:
    """A fresh API token's clear text."""
    with store.session() as s:
        return create_token(s, workspace_id=workspace_id, user_id=user_id, name="test", scopes=scopes)[1]


def csrf_of(html: str) -> str:
    """The CSRF token in a page's first form."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Sign ``client`` in (asserts success)."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
