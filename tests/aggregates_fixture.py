"""A small workspace whose insight numbers are computed by hand in the tests.

Workspace timezone Asia/Seoul (UTC+9). Accounts: A1 (ARR 100, pro, smb, 10 seats),
A2 (ARR 50, free, smb), A3 (ARR 1000, pro, enterprise, 300 seats). Tags: area/billing (B)
with children area/billing/refund (R) and area/billing/invoice (I); area/export (E);
type/bug (T).

==== ======= ====== ==== ===================== ==========================================
conv account source lang opened (UTC)          assignments
==== ======= ====== ==== ===================== ==========================================
c1   A1      chat   ko   2026-11-03 01:00      R confirmed
c2   A1      chat   ko   2026-11-04 01:00      R confirmed, I confirmed
c3   A2      email  en   2026-11-05 01:00      I confirmed
c4   A3      chat   ko   2026-11-08 20:00      R confirmed  (local: Mon 2026-11-09 05:00)
c5   -       chat   ko   2026-11-10 01:00      R confirmed
c6   A2      chat   ko   2026-11-11 01:00      R suggested only
c7   A3      chat   ko   2026-11-12 01:00      R rejected, E confirmed, T confirmed
c8   A1      chat   en   2026-11-12 02:00      B confirmed on a quote (span 0-12 of message 1)
==== ======= ====== ==== ===================== ==========================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Channel,
    Conversation,
    Message,
    Origin,
    Source,
    Tag,
    TagAssignment,
    TagDimension,
    Workspace,
)


@dataclass
class Fixture:
    """Ids of what :func:`build` made."""

    workspace_id: int
    tags: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    conversations: dict[str, int] = field(default_factory=dict)
    messages: dict[str, list[int]] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    dimensions: dict[str, int] = field(default_factory=dict)


def utc(*args: int) -> dt.datetime:
    """An aware UTC datetime."""
    return dt.datetime(*args, tzinfo=dt.UTC)


def build(session: Session, workspace_id: int) -> Fixture:
    """Add the table above to ``workspace_id`` (committed by the caller)."""
    ws = session.get(Workspace, workspace_id)
    assert ws is not None
    ws.timezone = "Asia/Seoul"
    fx = Fixture(workspace_id=workspace_id)
    w = workspace_id
    chat = Source(workspace_id=w, kind="channeltalk", name="chat", settings={})
    mail = Source(workspace_id=w, kind="email", name="mail", settings={})
    a1 = Account(workspace_id=w, name="서울상회", arr=100, plan="pro", segment="smb", seats=10)
    a2 = Account(workspace_id=w, name="Busan Foods", arr=50, plan="free", segment="smb")
    a3 = Account(workspace_id=w, name="대한물산", arr=1000, plan="pro", segment="enterprise", seats=300)
    area = TagDimension(workspace_id=w, key="area", name_ko="영역", name_en="Area")
    kind = TagDimension(workspace_id=w, key="type", name_ko="유형", name_en="Type")
    session.add_all([chat, mail, a1, a2, a3, area, kind])
    session.flush()
    fx.sources = {"chat": chat.id, "mail": mail.id}
    fx.accounts = {"A1": a1.id, "A2": a2.id, "A3": a3.id}
    fx.dimensions = {"area": area.id, "type": kind.id}
    specs = {
        "B": ("area/billing", area, "결제", "Billing"),
        "R": ("area/billing/refund", area, "환불", "Refund"),
        "I": ("area/billing/invoice", area, "세금계산서", "Invoice"),
        "E": ("area/export", area, "내보내기", "Export"),
        "T": ("type/bug", kind, "버그", "Bug"),
    }
    for key, (path, dim, ko, en) in specs.items():
        tag = Tag(workspace_id=w, path=path, dimension_id=dim.id, name_ko=ko, name_en=en)
        session.add(tag)
        session.flush()
        fx.tags[key] = tag.id
    rows = [
        ("c1", a1, chat, "ko", utc(2026, 11, 3, 1), [("R", "confirmed")]),
        ("c2", a1, chat, "ko", utc(2026, 11, 4, 1), [("R", "confirmed"), ("I", "confirmed")]),
        ("c3", a2, mail, "en", utc(2026, 11, 5, 1), [("I", "confirmed")]),
        ("c4", a3, chat, "ko", utc(2026, 11, 8, 20), [("R", "confirmed")]),
        ("c5", None, chat, "ko", utc(2026, 11, 10, 1), [("R", "confirmed")]),
        ("c6", a2, chat, "ko", utc(2026, 11, 11, 1), [("R", "suggested")]),
        (
            "c7",
            a3,
            chat,
            "ko",
            utc(2026, 11, 12, 1),
            [("R", "rejected"), ("E", "confirmed"), ("T", "confirmed")],
        ),
        ("c8", a1, chat, "en", utc(2026, 11, 12, 2), []),
    ]
    texts = {
        "c1": "환불은 언제 되나요? *급해요*",
        "c2": "세금계산서도 같이 부탁드려요 [링크](javascript:x)",
        "c3": "Invoice #42 is wrong <b>again</b>",
        "c4": "대량 환불 처리 기능이 필요합니다",
        "c5": "환불 요청합니다",
        "c6": "환불 가능한가요",
        "c7": "CSV 내보내기 오류",
        "c8": "Billing page keeps failing for us",
    }
    for ext, account, source, lang, opened, tags in rows:
        c = Conversation(
            workspace_id=w,
            source_id=source.id,
            external_id=ext,
            account_id=account.id if account else None,
            channel=Channel.CHAT,
            subject=f"{ext} subject",
            opened_at=opened,
            language=lang,
            message_count=3,
            attributes={},
        )
        session.add(c)
        session.flush()
        fx.conversations[ext] = c.id
        fx.messages[ext] = []
        for i, (author, text, internal) in enumerate(
            [
                (AuthorKind.CUSTOMER, texts[ext], False),
                (AuthorKind.AGENT, "확인 후 안내드리겠습니다 (agent)", False),
                (AuthorKind.CUSTOMER, f"internal note about {ext}", True),
            ]
        ):
            m = Message(
                workspace_id=w,
                conversation_id=c.id,
                source_id=source.id,
                external_id=f"{ext}-{i}",
                author_kind=author,
                author_name="",
                is_internal=internal,
                text=text,
                language=lang,
                sent_at=opened + dt.timedelta(minutes=i),
                attributes={},
            )
            session.add(m)
            session.flush()
            fx.messages[ext].append(m.id)
        for key, status in tags:
            session.add(
                TagAssignment(
                    workspace_id=w,
                    conversation_id=c.id,
                    tag_id=fx.tags[key],
                    scope="",
                    origin=Origin.HUMAN,
                    status=AssignmentStatus(status),
                    attributes={},
                )
            )
    m8 = fx.messages["c8"][0]
    session.add(
        TagAssignment(
            workspace_id=w,
            conversation_id=fx.conversations["c8"],
            tag_id=fx.tags["B"],
            scope=f"m{m8}:0-12",
            message_id=m8,
            span_start=0,
            span_end=12,
            origin=Origin.HUMAN,
            status=AssignmentStatus.CONFIRMED,
            attributes={},
        )
    )
    session.flush()
    return fx
