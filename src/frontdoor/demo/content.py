"""What the generated demo holds: its fixed settings (calendar, plans, channels) and row types.

Rows refer to each other by list index (``account``, ``contact``, ``conversation``) and to
tags by path; :mod:`frontdoor.demo.write` turns indexes into database ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from frontdoor.demo.phrases import Pair
from frontdoor.demo.taxonomy import DimensionSpec, TagSpec, taxonomy

SEED = 20260531
GENERATOR_VERSION = 1
WEEKS = 26
# The reference window: 26 whole weeks, Monday 00:00 KST .. Sunday 24:00 KST.
REFERENCE_END = dt.date(2026, 5, 31)  # a Sunday
REFERENCE_START = REFERENCE_END - dt.timedelta(days=WEEKS * 7 - 1)  # a Monday
KST = dt.timezone(dt.timedelta(hours=9))
# The outage: dashboard data stopped flowing for three days in week 19 (0-based).
OUTAGE_WEEK = 19
OUTAGE_AREA = "area/dashboard/data-sync"
MODEL_VERSION = "demo-tagger-2026.05"

PLANS: dict[str, dict[str, Any]] = {
    # monthly price per workspace (KRW), seat range, share of accounts, conversation weight
    "Free": {"monthly": 0, "seats": (1, 1), "share": 20, "weight": 0.5, "extra_seat": 0},
    "Starter": {"monthly": 29_000, "seats": (1, 3), "share": 31, "weight": 0.9, "extra_seat": 0},
    "Growth": {"monthly": 99_000, "seats": (3, 8), "share": 27, "weight": 1.6, "extra_seat": 9_000},
    "Pro": {"monthly": 290_000, "seats": (5, 20), "share": 15, "weight": 2.8, "extra_seat": 15_000},
    "Enterprise": {"monthly": 900_000, "seats": (20, 120), "share": 7, "weight": 4.5, "extra_seat": 12_000},
}
INCLUDED_SEATS = {"Free": 1, "Starter": 3, "Growth": 3, "Pro": 5, "Enterprise": 20}

# Shop platforms that Growboard can connect, with display names.
PLATFORMS: dict[str, Pair] = {
    "smartstore": ("스마트스토어", "Smartstore"),
    "cafe24": ("카페24", "Cafe24"),
    "shopify": ("Shopify", "Shopify"),
    "godomall": ("고도몰", "Godomall"),
    "imweb": ("아임웹", "imweb"),
}
PLATFORM_WEIGHTS = {"smartstore": 45, "cafe24": 28, "godomall": 8, "imweb": 9, "shopify": 10}

# One source per channel; kinds are the registered adapter kinds that would import them.
SOURCES: tuple[tuple[str, str, str, str], ...] = (
    # key, kind, name, channel
    ("chat", "channeltalk", "채널톡 (Channel Talk)", "chat"),
    ("email", "mbox", "고객지원 메일 help@growboard.example", "email"),
    ("call", "vtt", "통화 녹취 (Call transcripts)", "call"),
    ("slack", "slack", "Slack 공유 채널 (Slack Connect)", "slack"),
    ("surveys", "surveys", "고객 설문 (NPS·CSAT·CES)", "survey"),
)

CHANNEL_MIX: dict[str, dict[str, int]] = {
    "Free": {"chat": 80, "email": 20},
    "Starter": {"chat": 72, "email": 25, "call": 3},
    "Growth": {"chat": 58, "email": 25, "call": 12, "slack": 5},
    "Pro": {"chat": 40, "email": 20, "call": 15, "slack": 25},
    "Enterprise": {"chat": 25, "email": 20, "call": 20, "slack": 35},
}

BASE_TYPE_WEIGHTS = {
    "bug": 25.0,
    "feature-request": 22.0,
    "question": 28.0,
    "praise": 7.0,
    "complaint": 9.0,
    "churn-risk": 3.5,
}
# Shipped roadmap items (by title) and the demand they answer: (area, request type).
SHIPPED_ANSWERS: dict[str, tuple[str, str]] = {
    "엑셀 다운로드 안정화": ("area/dashboard/export", "bug"),
    "채널 통합 매출 뷰": ("area/dashboard/sales", "feature-request"),
    "카카오톡 주간 리포트": ("area/dashboard/reports", "feature-request"),
    "자동 저장 개선": ("area/editor/autosave", "bug"),
    "세금계산서 자동 재발행": ("area/billing/invoice", "bug"),
}
# Product areas where talk about the customer's business goals comes up naturally.
GOAL_AREAS = ("area/dashboard", "area/integrations", "area/templates", "area/setup")
SPECIAL_WEIGHTS = {
    "sales-inquiry": 0.0,  # leads only
    "partnership": 0.4,
    "security-review": 0.0,  # enterprise only
    "renewal": 0.0,  # pro/enterprise only
    "training": 0.8,
    "cancellation": 0.0,  # free/starter only
    "data-request": 0.5,
    "upgrade": 1.2,
}


@dataclass
class UserRow:
    """A member of the demo team."""

    email: str
    name: str
    role: str
    product_area: str | None
    language: str = "ko"


@dataclass
class AccountRow:
    """A customer company."""

    name: str
    plan: str
    segment: str
    arr: int
    seats: int
    owner: int  # index into users
    stage: str
    domain: str
    language: str
    since_day: int  # day index in the window (negative: before it)
    health: float
    platforms: list[str]
    attributes: dict[str, Any]


@dataclass
class ContactRow:
    """A person at an account (``account`` None: a lead without one)."""

    account: int | None
    name: str
    email: str
    title: str
    is_decision_maker: bool
    member_id: str
    language: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class MessageRow:
    """One message of a conversation."""

    external_id: str
    author_kind: str
    author_name: str
    from_contact: bool
    is_internal: bool
    text: str
    language: str
    sent_at: dt.datetime
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class AssignmentRow:
    """A tag on a conversation (``quote``: message index and span)."""

    tag: str
    origin: str
    status: str
    confidence: float | None
    model_version: str | None
    created_by: int | None  # index into users
    decided_by: int | None
    decided_at: dt.datetime | None
    created_at: dt.datetime
    quote: tuple[int, int, int] | None = None  # (message index, start, end)


@dataclass
class ConversationRow:
    """One conversation with its messages and tags."""

    source: str
    external_id: str
    account: int | None
    contact: int | None
    channel: str
    subject: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    language: str
    route: str | None
    route_reason: str | None
    route_confirmed: bool
    attributes: dict[str, Any]
    messages: list[MessageRow]
    assignments: list[AssignmentRow]

    @property
    def last_message_at(self) -> dt.datetime:
        return self.messages[-1].sent_at


@dataclass
class SurveyRow:
    """One NPS, CSAT or CES response."""

    external_id: str
    kind: str
    score: int
    scale_min: int
    scale_max: int
    comment: str
    account: int | None
    contact: int | None
    conversation: int | None
    team: str | None
    agent: str | None
    responded_at: dt.datetime


@dataclass
class IdentityRow:
    """A contact's external id in one source (for identity resolution)."""

    source: str
    external_id: str
    contact: int


@dataclass
class RoadmapRow:
    """A roadmap item and the tags it answers."""

    title: str
    description: str
    status: str
    external_url: str | None
    strategic_weight: float
    tags: tuple[str, ...]
    shipped_at: dt.datetime | None


@dataclass
class DemoData:
    """Everything the demo workspace holds, before it meets a database."""

    users: list[UserRow]
    dimensions: tuple[DimensionSpec, ...]
    tags: list[TagSpec]
    tag_examples: dict[str, list[str]]
    accounts: list[AccountRow]
    contacts: list[ContactRow]
    conversations: list[ConversationRow]
    surveys: list[SurveyRow]
    identities: list[IdentityRow]
    roadmap: list[RoadmapRow]
    window_start: dt.datetime
    window_end: dt.datetime
    outage_start: dt.datetime
    outage_end: dt.datetime

    def digest(self) -> str:
        """A SHA-256 over the content (times relative to the window start), for determinism checks."""
        h = hashlib.sha256()

        def put(*parts: object) -> None:
            h.update("\x1f".join(str(p) for p in parts).encode())
            h.update(b"\x1e")

        for a in self.accounts:
            put(a.name, a.plan, a.segment, a.arr, a.seats, a.domain, a.stage)
        for c in self.contacts:
            put(c.account, c.name, c.email, c.title, c.is_decision_maker)
        for t in self.tags:
            put(t.path, t.name_ko, t.name_en, *self.tag_examples.get(t.path, []))
        for conv in self.conversations:
            put(
                conv.source,
                conv.external_id,
                conv.account,
                conv.subject,
                conv.language,
                (conv.opened_at - self.window_start).total_seconds(),
            )
            for m in conv.messages:
                put(m.external_id, m.author_kind, m.text, (m.sent_at - self.window_start).total_seconds())
            for x in conv.assignments:
                put(x.tag, x.origin, x.status, x.confidence, x.quote)
        for s in self.surveys:
            put(s.external_id, s.kind, s.score, s.comment, s.account, s.conversation)
        for r in self.roadmap:
            put(r.title, r.status, r.external_url, *r.tags)
        return h.hexdigest()


def nfc(text: str) -> str:
    """Unicode NFC, as the ingest pipeline stores text."""
    return unicodedata.normalize("NFC", text)


_TAXONOMY_CACHE: list[TagSpec] = []


def taxonomy_cached() -> list[TagSpec]:
    """The demo taxonomy, built once per process."""
    if not _TAXONOMY_CACHE:
        _TAXONOMY_CACHE.extend(taxonomy())
    return _TAXONOMY_CACHE


def josa(word: str, with_final: str, without_final: str) -> str:
    """``word`` plus the particle form that fits its last syllable (받침 or not)."""
    last = word.rstrip()[-1:] if word.strip() else ""
    has_final = "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0
    return word + (with_final if has_final else without_final)
