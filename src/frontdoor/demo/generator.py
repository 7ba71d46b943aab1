"""Deterministic generator of the demo workspace's content (pure Python, no database).

Everything is drawn from one seeded :class:`random.Random`, and the calendar is a fixed
26-week window (:data:`REFERENCE_START` .. :data:`REFERENCE_END`, Monday to Sunday). The
caller may move the whole window by whole weeks (``shift_weeks``) so the demo ends near the
day it is built: only timestamps move, the content and the weekday pattern stay identical.

Rows refer to each other by list index (``account``, ``contact``, ``conversation``) and to
tags by path; :mod:`frontdoor.demo.build` turns indexes into database ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from frontdoor.demo import names, phrases
from frontdoor.demo.phrases import AREAS, SPECIALS, Pair
from frontdoor.demo.taxonomy import DIMENSIONS, DimensionSpec, TagSpec, taxonomy

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
    email: str
    name: str
    role: str
    product_area: str | None
    language: str = "ko"


@dataclass
class AccountRow:
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
    source: str
    external_id: str
    contact: int


@dataclass
class RoadmapRow:
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


class _Gen:
    """One generation run; all randomness comes from ``self.rng``."""

    def __init__(self, seed: int, shift_weeks: int) -> None:
        self.rng = random.Random(seed)
        self.shift = dt.timedelta(weeks=shift_weeks)
        start_local = dt.datetime.combine(REFERENCE_START, dt.time(0, 0), tzinfo=KST)
        self.start = (start_local + self.shift).astimezone(dt.UTC)
        self.days = WEEKS * 7
        self.end = self.start + dt.timedelta(days=self.days)
        self.users: list[UserRow] = []
        self.accounts: list[AccountRow] = []
        self.contacts: list[ContactRow] = []
        self.by_account: dict[int, list[int]] = {}
        self.conversations: list[ConversationRow] = []
        self.surveys: list[SurveyRow] = []
        self.identities: list[IdentityRow] = []
        self.identity_keys: set[tuple[str, int]] = set()
        self.ext_ids: set[tuple[str, str]] = set()
        self.emails: set[str] = set()
        self.tag_paths = {t.path for t in taxonomy()}
        self.examples: dict[str, list[str]] = {}
        self.cx_agents: list[int] = []
        self.outage_days = range(OUTAGE_WEEK * 7 + 1, OUTAGE_WEEK * 7 + 4)  # Tue-Thu
        # (area, request type, day shipped) of shipped roadmap items that answer that demand.
        self.shipped = [
            (area, kind, self.ship_day(weeks))
            for title, weeks in ((r[0], r[6]) for r in phrases.ROADMAP)
            if weeks is not None and title in SHIPPED_ANSWERS
            for area, kind in [SHIPPED_ANSWERS[title]]
        ]
        # Whether the conversation being written names the customer's shop platform.
        self.mentions_platform = False
        self.rules = {t.path: re.compile(t.patterns[0]) for t in taxonomy_cached() if t.patterns}

    # ----------------------------------------------------------------- helpers
    def ship_day(self, weeks_before_end: int) -> int:
        """Day index on which a roadmap item shipped ``weeks_before_end`` weeks before the end."""
        return self.days - 7 * weeks_before_end - 3

    def at(self, day: float, hour_kst: float = 0.0) -> dt.datetime:
        """UTC time of ``day`` (index in the window) at ``hour_kst`` Korean time."""
        return self.start + dt.timedelta(days=day, hours=hour_kst)

    def pick(self, options: tuple[Any, ...] | list[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    def weighted(self, weights: dict[str, float]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def unique_ext(self, source: str, ext: str) -> str:
        base, n = ext, 1
        while (source, ext) in self.ext_ids:
            n += 1
            ext = f"{base}-{n}"
        self.ext_ids.add((source, ext))
        return ext

    def hexid(self, n: int = 24) -> str:
        return f"{self.rng.getrandbits(n * 4):0{n}x}"

    # ------------------------------------------------------------------- users
    def make_users(self) -> None:
        self.users.append(UserRow(names.ADMIN_EMAIL, names.ADMIN_NAME, "admin", None))
        for local, name, role, area in names.TEAM:
            self.users.append(UserRow(f"{local}@{names.TEAM_DOMAIN}", name, role, area))
        self.cx_agents = [i for i, u in enumerate(self.users) if u.role == "cx"]

    # ---------------------------------------------------------------- accounts
    def make_accounts(self, count: int = 320) -> None:
        rng = self.rng
        plan_names = list(PLANS)
        used_names: set[str] = set()
        csm = self.cx_agents[:3]  # 박서연, 이준호, 최유진 own CSM accounts
        adr, am = self.cx_agents[2], self.cx_agents[3]
        for i in range(count):
            plan = rng.choices(plan_names, weights=[PLANS[p]["share"] for p in plan_names])[0]
            segment = self.weighted({k: float(v) for k, v in names.SEGMENT_WEIGHTS.items()})
            english = rng.random() < (0.12 if plan in ("Growth", "Pro") else 0.06)
            for _attempt in range(50):
                if english:
                    head = self.pick(names.EN_SHOP_HEADS)
                    tail = self.pick(names.EN_SHOP_TAILS[segment])
                    name = f"{head} {tail}"
                    roman = f"{head}{tail}".lower().replace(" ", "").replace(".", "")
                else:
                    h_ko, h_en = self.pick(names.SHOP_HEADS)
                    t_ko, t_en = self.pick(names.SEGMENTS[segment]["tails"])
                    base = f"{h_ko}{t_ko}"
                    if plan == "Enterprise" and rng.random() < 0.5:
                        base, t_en = f"{h_ko}커머스", "commerce"
                    form = self.pick(names.CORP_FORMS) if plan != "Free" else ""
                    name = f"{form}{base}".strip()
                    roman = f"{h_en}{t_en}"
                if name not in used_names:
                    break
            else:
                name = f"{name} {i}"
                roman = f"{roman}{i}"
            used_names.add(name)
            spec = PLANS[plan]
            seats = rng.randint(*spec["seats"])
            yearly = spec["monthly"] * 12
            extra = max(0, seats - INCLUDED_SEATS[plan]) * spec["extra_seat"] * 12
            discount = rng.choice((0.0, 0.0, 0.1, 0.2)) if plan != "Free" else 0.0
            if plan == "Enterprise":
                yearly = rng.randrange(12_000_000, 60_000_000, 500_000)
            arr = int(round((yearly + extra) * (1 - discount), -3))
            if english:
                platforms = ["shopify"] + (["cafe24"] if rng.random() < 0.2 else [])
            else:
                main = self.weighted({k: float(v) for k, v in PLATFORM_WEIGHTS.items() if k != "shopify"})
                platforms = [main]
                if plan in ("Growth", "Pro", "Enterprise") and rng.random() < 0.6:
                    other = self.weighted({k: float(v) for k, v in PLATFORM_WEIGHTS.items() if k != main})
                    platforms.append(other)
            sells_coupang = (not english) and rng.random() < 0.45
            # Long-term accounts are mostly the bigger ones; 12% joined during the window.
            if rng.random() < 0.12:
                since = rng.randrange(0, self.days - 20)
            else:
                max_age = {"Free": 300, "Starter": 600, "Growth": 900, "Pro": 1100, "Enterprise": 1300}[plan]
                since = -rng.randrange(30, max_age)
            health = min(
                1.0, max(0.02, rng.betavariate(4, 2) + (0.08 if plan in ("Pro", "Enterprise") else 0))
            )
            if plan == "Enterprise" or (plan == "Pro" and rng.random() < 0.6):
                stage, owner = "am", am
            elif plan in ("Growth", "Pro") and rng.random() < 0.35:
                stage, owner = "adr", adr
            else:
                stage, owner = "csm", csm[i % len(csm)]
            domain = f"{roman}.example"
            self.accounts.append(
                AccountRow(
                    name=nfc(name),
                    plan=plan,
                    segment=segment,
                    arr=arr,
                    seats=seats,
                    owner=owner,
                    stage=stage,
                    domain=domain,
                    language="en" if english else "ko",
                    since_day=since,
                    health=health,
                    platforms=platforms,
                    attributes={
                        "customer_since": (self.start.date() + dt.timedelta(days=since)).isoformat(),
                        "platforms": platforms,
                        "sells_on_coupang": sells_coupang,
                        "billing_cycle": "annual" if discount or plan == "Enterprise" else "monthly",
                        "renewal_date": self.renewal(since, annual=bool(discount) or plan == "Enterprise"),
                        "crm_id": f"ACC-{i + 1:04d}",
                    },
                )
            )
        # Domains must be unique per workspace.
        seen: dict[str, int] = {}
        for a in self.accounts:
            if a.domain in seen:
                seen[a.domain] += 1
                a.domain = a.domain.replace(".example", f"{seen[a.domain]}.example")
            else:
                seen[a.domain] = 1

    def renewal(self, since_day: int, *, annual: bool) -> str:
        """Next renewal after the window's end: the next anniversary (annual) or month (monthly)."""
        since = self.start.date() + dt.timedelta(days=since_day)
        end = self.end.date()
        step = 365 if annual else 30
        periods = (end - since).days // step + 1
        return (since + dt.timedelta(days=periods * step)).isoformat()

    def person(self, english: bool) -> tuple[str, str]:
        if english:
            first, last = self.pick(names.EN_FIRST), self.pick(names.EN_LAST)
            return f"{first} {last}", f"{first.lower()}.{last.lower()}"
        s_ko, s_en = self.pick(names.SURNAMES)
        g_ko, g_en = self.pick(names.GIVEN_NAMES)
        return f"{s_ko}{g_ko}", f"{g_en}.{s_en}"

    def add_contact(self, account: int | None, *, decision: bool, english: bool, domain: str) -> int:
        name, local = self.person(english)
        email = f"{local}@{domain}"
        n = 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        titles = names.DECISION_TITLES if decision else names.PRACTITIONER_TITLES
        t_ko, t_en = self.pick(titles)
        if decision and account is not None and self.accounts[account].plan in ("Free", "Starter"):
            t_ko, t_en = names.DECISION_TITLES[0]  # a small shop's decision maker is its owner
        idx = len(self.contacts)
        self.contacts.append(
            ContactRow(
                account=account,
                name=nfc(name),
                email=email,
                title=t_en if english else t_ko,
                is_decision_maker=decision,
                member_id=f"gb-{idx + 1:05d}",
                language="en" if english else "ko",
            )
        )
        if account is not None:
            self.by_account.setdefault(account, []).append(idx)
        return idx

    def make_contacts(self) -> None:
        for i, a in enumerate(self.accounts):
            english = a.language == "en"
            n = {"Free": (1, 1), "Starter": (1, 2), "Growth": (2, 3), "Pro": (2, 4), "Enterprise": (3, 5)}[
                a.plan
            ]
            count = self.rng.randint(*n)
            # Small shops: the owner is often the only contact; big ones have both kinds.
            first_dm = a.plan in ("Free", "Starter") and self.rng.random() < 0.35
            for k in range(count):
                decision = first_dm if k == 0 else (k == 1 and a.plan in ("Pro", "Enterprise", "Growth"))
                self.add_contact(i, decision=decision, english=english, domain=a.domain)

    # ----------------------------------------------------------- conversations
    def daily_volume(self, day: int) -> int:
        weekday_factor = (1.18, 1.12, 1.08, 1.05, 0.95, 0.38, 0.32)[day % 7]
        base = 27.0 + 15.0 * day / (self.days - 1)  # steady growth
        return max(1, round(base * weekday_factor * self.rng.gauss(1.0, 0.08)))

    def account_weights(self, day: int) -> tuple[list[int], list[float]]:
        idx, w = [], []
        for i, a in enumerate(self.accounts):
            if a.since_day > day:
                continue
            weight = PLANS[a.plan]["weight"] * (1.4 - 0.6 * a.health)
            if 0 <= day - a.since_day < 45:
                weight *= 2.2  # onboarding questions
            idx.append(i)
            w.append(weight)
        return idx, w

    def make_conversations(self) -> None:
        rng = self.rng
        for day in range(self.days):
            accounts, weights = self.account_weights(day)
            volume = self.daily_volume(day)
            outage = day in self.outage_days
            if outage:
                volume += (30, 24, 12)[day - self.outage_days.start]
            for _ in range(volume):
                if rng.random() < 0.03:
                    self.conversation(day, None, outage=False)
                    continue
                account = rng.choices(accounts, weights=weights)[0]
                self.conversation(day, account, outage=outage and rng.random() < 0.35)

    def choose_topic(self, day: int, account: int | None, outage: bool) -> tuple[str, str, list[str]]:
        """Return (area path, primary type, extra type tags)."""
        rng = self.rng
        if account is None:
            return SPECIALS["sales-inquiry"].area, "sales-inquiry", []
        a = self.accounts[account]
        if outage:
            kind = rng.choices(["complaint", "bug", "churn-risk", "question"], weights=[48, 34, 8, 10])[0]
            return OUTAGE_AREA, kind, []
        age = day - a.since_day
        if age < 45 and rng.random() < 0.45:
            area = rng.choice(
                (
                    "area/setup/guide",
                    "area/setup/data-import",
                    "area/integrations/smartstore",
                    "area/integrations/cafe24",
                    "area/integrations/naver-ads",
                    "area/templates/license",
                )
            )
            if (
                area in ("area/integrations/smartstore", "area/integrations/cafe24")
                and area.rsplit("/", 1)[1] not in a.platforms
            ):
                area = "area/setup/guide"
            return area, "question", ["onboarding"]
        specials = dict(SPECIAL_WEIGHTS)
        if a.plan == "Enterprise":
            specials["security-review"] = 0.8
        if a.plan in ("Pro", "Enterprise"):
            specials["renewal"] = 1.5
            specials["training"] = 2.0
        if a.plan in ("Free", "Starter"):
            specials["cancellation"] = 1.2 * (1.2 - a.health)
            specials["upgrade"] = 0.6
        total_special = sum(specials.values())
        if rng.random() < total_special / 100.0 * 2.2:
            kind = self.weighted(specials)
            return SPECIALS[kind].area, kind, []
        big = a.plan in ("Growth", "Pro", "Enterprise")
        area_w: dict[str, float] = {}
        for path, spec in AREAS.items():
            w = spec.weight
            if path.startswith(("area/dashboard", "area/integrations")):
                w *= 1.5 if big else 0.8
            if path.startswith(("area/templates", "area/editor", "area/publish")):
                w *= 0.7 if big else 1.4
            if path == "area/integrations/coupang" and a.attributes["sells_on_coupang"]:
                w *= 2.5
            if path == "area/publish/shopify" and "shopify" not in a.platforms:
                w = 0.0
            if path == "area/integrations/shopify" and "shopify" not in a.platforms:
                w = 0.0
            if (
                path
                in (
                    "area/integrations/smartstore",
                    "area/integrations/cafe24",
                    "area/publish/smartstore",
                    "area/publish/cafe24",
                )
                and path.rsplit("/", 1)[1] not in a.platforms
            ):
                w *= 0.1
            area_w[path] = w
        area = self.weighted(area_w)
        spec = AREAS[area]
        tw = dict(BASE_TYPE_WEIGHTS)
        if not spec.bug:
            tw["bug"] = 0.0
            tw["complaint"] *= 0.3
        if not spec.req:
            tw["feature-request"] = 0.0
        if not spec.q:
            tw["question"] = 0.0
        for t in spec.types:
            if t in tw:
                tw[t] *= 2.0
        for fix_area, fix_type, fixed_day in self.shipped:
            if fix_area == area and day >= fixed_day:
                # The shipped roadmap item worked: fewer of the conversations it answered.
                tw[fix_type] *= 0.08
                if fix_type == "bug":
                    tw["complaint"] *= 0.08
        tw["churn-risk"] *= 2.2 * (1.1 - a.health)
        tw["complaint"] *= 1.6 * (1.1 - a.health)
        tw["praise"] *= 0.5 + a.health
        if area.startswith("area/billing"):
            tw["billing"] = 30.0
        if sum(tw.values()) <= 0:
            tw["question"] = 1.0
        kind = self.weighted(tw)
        extra: list[str] = []
        if kind in ("complaint", "churn-risk"):
            if spec.bug:
                extra.append("bug")
            elif spec.req:
                extra.append("feature-request")
        return area, kind, extra

    def conversation(self, day: int, account: int | None, *, outage: bool) -> None:
        rng = self.rng
        area, kind, extra_types = self.choose_topic(day, account, outage)
        if account is None:
            english = rng.random() < 0.12
            contact = self.add_contact(
                None, decision=rng.random() < 0.6, english=english, domain=f"lead{len(self.contacts)}.example"
            )
            a = None
            plan = "Free"
        else:
            a = self.accounts[account]
            english = a.language == "en" or rng.random() < 0.02
            plan = a.plan
            contact = self.pick_contact(account, kind)
        c = self.contacts[contact]
        mix = dict(CHANNEL_MIX[plan])
        if kind in ("security-review", "renewal"):
            mix = {"email": 60, "call": 40}
        if kind in ("training",):
            mix = {"call": 50, "email": 30, "slack": 20} if plan in ("Pro", "Enterprise") else {"email": 1}
        channel = self.weighted({k: float(v) for k, v in mix.items()})
        # Calls stay in one language; some chats and emails switch (a Korean reply to English).
        mixed = channel != "call" and (
            (not english and rng.random() < 0.02) or (english and rng.random() < 0.10)
        )
        lang = "en" if english else "ko"
        conv_lang = "mixed" if mixed else lang
        agent = self.pick_agent(account)
        agent_name = self.users[agent].name
        sentiment = self.sentiment(kind)
        goal = None
        if (
            a is not None
            and a.plan in ("Growth", "Pro", "Enterprise")
            and a.since_day < -240
            and kind not in ("cancellation",)
            and (kind in SPECIALS or area.startswith(GOAL_AREAS))
        ):
            p_goal = {"Growth": 0.10, "Pro": 0.22, "Enterprise": 0.32}[a.plan]
            if c.is_decision_maker:
                p_goal *= 1.6
            if channel == "call":
                p_goal *= 1.8
            if rng.random() < p_goal:
                goal = self.pick(phrases.GOALS)
        slots = self.slots(account, contact, area, agent_name)
        # Hour of day (KST): business hours, a little evening tail.
        hour = min(23.5, max(8.0, rng.gauss(13.5, 3.2)))
        opened = self.at(day, hour + rng.random() / 6)
        writer = _Writer(self, lang=lang, mixed=mixed, slots=slots)
        builder = {
            "chat": self.chat_messages,
            "email": self.email_messages,
            "call": self.call_messages,
            "slack": self.slack_messages,
        }[channel]
        core_idx, core_span, subject = builder(
            writer,
            area=area,
            kind=kind,
            sentiment=sentiment,
            goal=goal,
            opened=opened,
            outage=outage,
            contact=contact,
            agent=agent_name,
        )
        # Nothing after the end of the window: a conversation still going on is simply open.
        msgs = [m for m in writer.messages if m.sent_at < self.end]
        conv_no = len(self.conversations) + 1
        ext = self.conversation_external_id(channel, conv_no, opened, a)
        for i, m in enumerate(msgs):
            m.external_id = self.unique_ext(
                channel, f"{ext}:{i + 1:02d}" if channel != "chat" else self.hexid()
            )
        age = (self.end - msgs[-1].sent_at).total_seconds() / 86400
        if len(msgs) < len(writer.messages):
            status = "open"
        elif age > 3 or rng.random() < 0.4:
            status = "closed" if rng.random() < 0.97 else "snoozed"
        else:
            status = "open"
        closed_at = (
            msgs[-1].sent_at + dt.timedelta(minutes=rng.randint(2, 240)) if status == "closed" else None
        )
        if closed_at is not None and closed_at > self.end:
            closed_at = None
            status = "open"
        if goal is not None:
            # Tag a goal only if the customer actually said it (the writer may have trimmed it).
            said = " ".join(m.text for m in msgs if m.author_kind == "customer")
            rendered = [_Writer(self, lang=lg, mixed=False, slots=slots).say(goal[1:]) for lg in ("ko", "en")]
            if not any(r in said for r in rendered):
                goal = None
        types = [kind, *extra_types]
        tags = self.conversation_tags(area, types, sentiment, goal, account, day, slots, core_idx)
        route, reason = self.route(kind, account)
        attrs: dict[str, Any] = {"assignee": self.users[agent].email}
        if channel == "call":
            attrs["duration_s"] = int((msgs[-1].sent_at - msgs[0].sent_at).total_seconds()) + rng.randint(
                20, 90
            )
        if channel == "slack" and a is not None:
            attrs["slack_channel"] = f"#growboard-{a.domain.split('.')[0]}"
        if outage:
            attrs["incident"] = "INC-2026-014"
        conv = ConversationRow(
            source=channel,
            external_id=ext,
            account=account,
            contact=contact,
            channel=channel,
            subject=nfc(subject)[:200],
            status=status,
            opened_at=msgs[0].sent_at,
            closed_at=closed_at,
            language=conv_lang,
            route=route if age > 1 else None,
            route_reason=reason if age > 1 else None,
            route_confirmed=age > 7,
            attributes=attrs,
            messages=msgs,
            assignments=[],
        )
        self.conversations.append(conv)
        conv.assignments = self.assignments(conv, tags, age, agent, core_idx, core_span, kind, goal)
        if channel in ("chat", "slack"):
            key = (channel, contact)
            if key not in self.identity_keys:
                self.identity_keys.add(key)
                ext_user = self.hexid() if channel == "chat" else f"U0{self.hexid(9).upper()}"
                self.identities.append(IdentityRow(channel, ext_user, contact))
        self.maybe_survey(len(self.conversations) - 1, kind, sentiment, agent_name)

    def pick_contact(self, account: int, kind: str) -> int:
        contacts = self.by_account[account]
        dms = [i for i in contacts if self.contacts[i].is_decision_maker]
        pr = [i for i in contacts if not self.contacts[i].is_decision_maker]
        a = self.accounts[account]
        p_dm = {"Free": 0.5, "Starter": 0.4, "Growth": 0.35, "Pro": 0.5, "Enterprise": 0.6}[a.plan]
        if kind in ("renewal", "churn-risk", "security-review", "cancellation", "upgrade"):
            p_dm = 0.85
        if kind in ("bug", "question"):
            p_dm *= 0.6
        if dms and (not pr or self.rng.random() < p_dm):
            return int(self.pick(dms))
        return int(self.pick(pr or dms))

    def pick_agent(self, account: int | None) -> int:
        if account is not None and self.rng.random() < 0.45:
            return self.accounts[account].owner
        return int(self.pick(self.cx_agents))

    def sentiment(self, kind: str) -> str:
        table = {
            "bug": {"negative": 60, "neutral": 40},
            "complaint": {"negative": 1},
            "churn-risk": {"negative": 1},
            "cancellation": {"negative": 55, "neutral": 45},
            "praise": {"positive": 1},
            "question": {"neutral": 85, "positive": 15},
            "feature-request": {"neutral": 70, "positive": 15, "negative": 15},
            "upgrade": {"positive": 70, "neutral": 30},
            "renewal": {"neutral": 70, "positive": 30},
        }.get(kind, {"neutral": 80, "positive": 20})
        return self.weighted({k: float(v) for k, v in table.items()})

    def slots(self, account: int | None, contact: int, area: str, agent: str) -> dict[str, Any]:
        rng = self.rng
        c = self.contacts[contact]
        if account is not None:
            a = self.accounts[account]
            platform = self.pick(a.platforms)
            seg = a.segment
            shop = a.name
        else:
            platform, seg, shop = "smartstore", "패션", "저희 쇼핑몰"
        product = self.pick(names.SEGMENTS[seg]["products"])
        spec = AREAS.get(area)
        obj = spec.obj if spec else (area.rsplit("/", 1)[1], area.rsplit("/", 1)[1])
        return {
            "platform_key": platform,
            "platform": PLATFORMS[platform],
            "product": product,
            "obj": obj,
            # Korean particles depend on the last syllable (받침): 을/를, 은/는, 이에요/예요.
            "obj_eul": (josa(obj[0], "을", "를"), obj[1]),
            "product_eun": (josa(product[0], "은", "는"), product[1]),
            "name_ieyo": (josa(c.name, "이에요", "예요"), c.name),
            "objko": (obj[0], obj[0]),
            "segment": (seg, seg),
            "shop": (shop, shop),
            "name": (c.name, c.name),
            "title": (c.title, c.title),
            "agent": (agent, agent),
            "n": rng.randint(2, 9),
            "n2": rng.randint(10, 60),
            "day": rng.randint(1, 28),
            "month": rng.randint(1, 12),
            "shopid": f"{rng.randint(10000, 99999)}",
        }

    # -- message builders: each returns (customer core message index, core span, subject)
    def core_sentence(self, w: _Writer, area: str, kind: str, outage: bool) -> Pair:
        spec = AREAS.get(area)
        if outage and kind in ("bug", "complaint", "churn-risk", "question"):
            return self.pick(phrases.OUTAGE_LINES)
        if kind in SPECIALS:
            return self.pick(SPECIALS[kind].customer)
        assert spec is not None
        if kind in ("bug", "complaint", "churn-risk"):
            if spec.bug:
                return self.pick(spec.bug)
            if spec.req:
                return self.pick(spec.req)
            return self.pick(phrases.GENERIC_BUG)
        if kind == "feature-request":
            return self.pick(spec.req) if spec.req else self.pick(phrases.GENERIC_REQ)
        if kind == "praise":
            if spec.praise and self.rng.random() < 0.7:
                return self.pick(spec.praise)
            return self.pick(phrases.PRAISE_FRAMES)
        # question, billing, onboarding
        if spec.q:
            return self.pick(spec.q)
        if spec.bug and kind == "billing":
            return self.pick(spec.bug)
        return self.pick(phrases.GENERIC_Q)

    def agent_reply(self, area: str, kind: str, outage: bool) -> Pair:
        spec = AREAS.get(area)
        if outage:
            return self.pick(phrases.OUTAGE_AGENT)
        if kind in SPECIALS:
            return self.pick(SPECIALS[kind].agent)
        if kind in ("bug",):
            return self.pick(phrases.AGENT_BUG)
        if kind in ("complaint", "churn-risk"):
            return self.pick(phrases.AGENT_COMPLAINT)
        if kind == "feature-request":
            return self.pick(phrases.AGENT_REQ)
        if kind == "praise":
            return self.pick(phrases.AGENT_PRAISE)
        if spec is not None and spec.ans:
            return self.pick(spec.ans)
        if spec is not None and spec.bug:
            return self.pick(phrases.AGENT_BUG)
        return self.pick(phrases.GENERIC_ANS)

    def customer_opening(
        self,
        w: _Writer,
        area: str,
        kind: str,
        sentiment: str,
        goal: tuple[str, str, str] | None,
        outage: bool,
        formal: bool,
    ) -> tuple[str, tuple[int, int], bool]:
        """Compose the first customer message: text, span of the core sentence, whether it used the goal."""
        rng = self.rng
        parts: list[str] = []
        if formal or rng.random() < 0.6:
            parts.append(w.say(self.pick(phrases.GREETINGS)))
        if formal or rng.random() < 0.35:
            parts.append(w.say(self.pick(phrases.INTROS)))
        if sentiment == "positive" and kind not in ("praise", *SPECIALS) and rng.random() < 0.5:
            parts.append(w.say(self.pick(phrases.SENTIMENT_ADDONS["positive"])))
        if rng.random() < 0.45 and kind != "praise":
            parts.append(w.say(self.pick(phrases.CONTEXTS)))
        if kind == "praise" and rng.random() < 0.4:
            parts.append(w.say(self.pick(phrases.PRAISE_PREFIX)))
        prefix = " ".join(p for p in parts if p)
        core = w.say(self.core_sentence(w, area, kind, outage))
        rest: list[str] = []
        if kind == "complaint":
            rest.append(w.say(self.pick(phrases.COMPLAINT_FRAMES)))
        if kind == "churn-risk":
            rest.append(w.say(self.pick(phrases.CHURN_FRAMES)))
        if sentiment == "negative" and kind not in ("complaint", "churn-risk") and rng.random() < 0.6:
            rest.append(w.say(self.pick(phrases.SENTIMENT_ADDONS["negative"])))
        if kind in ("bug", "complaint") and rng.random() < 0.35:
            rest.append(w.say(self.pick(phrases.URGENCY)))
        used_goal = False
        if goal is not None and rng.random() < 0.5:
            rest.append(w.say((goal[1], goal[2])))
            used_goal = True
        rest.append(w.say(self.pick(phrases.PRAISE_CLOSINGS if kind == "praise" else phrases.CLOSINGS)))
        text = (prefix + " " if prefix else "") + core
        start = len(prefix) + 1 if prefix else 0
        span = (start, start + len(core))
        tail = " ".join(r for r in rest if r)
        return (text + (" " + tail if tail else "")), span, used_goal

    def chat_messages(self, w: _Writer, **kw: Any) -> tuple[int, tuple[int, int], str]:
        rng = self.rng
        t: dt.datetime = kw["opened"]
        area, kind, sentiment, goal, outage = (
            kw["area"],
            kw["kind"],
            kw["sentiment"],
            kw["goal"],
            kw["outage"],
        )
        c = self.contacts[kw["contact"]]
        if rng.random() < 0.3:
            w.add(
                "bot",
                "그로우보드 봇" if w.lang == "ko" else "Growboard bot",
                w.say(phrases.BOT_GREETING),
                t,
                customer=False,
            )
            t += dt.timedelta(seconds=rng.randint(5, 40))
        text, span, used = self.customer_opening(w, area, kind, sentiment, goal, outage, formal=False)
        goal = None if used else goal
        core_idx = w.add("customer", c.name, text, t, customer=True)
        t += dt.timedelta(minutes=rng.randint(2, 35))
        w.switch()
        w.add(
            "agent",
            kw["agent"],
            w.say(self.pick(phrases.AGENT_OPEN)) + " " + w.say(self.agent_reply(area, kind, outage)),
            t,
            customer=False,
        )
        # A problem report always gets details and an answer; other kinds may end at once.
        problem = kind in ("bug", "complaint", "churn-risk")
        turns = rng.choice((1, 1, 2)) if problem else rng.choice((0, 0, 1))
        follow = phrases.FOLLOWUP_BY_KIND.get(kind, phrases.FOLLOWUP_DETAILS)
        if kind not in ("bug", "complaint", "churn-risk") and kind not in phrases.FOLLOWUP_BY_KIND:
            turns = 0
        for line in rng.sample(follow, min(turns, len(follow))):
            t += dt.timedelta(minutes=rng.randint(1, 20))
            w.add("customer", c.name, w.say(line), t, customer=True)
            t += dt.timedelta(minutes=rng.randint(2, 30))
            if outage:
                reply = self.pick(phrases.OUTAGE_AGENT)
            elif problem:
                reply = self.pick(phrases.AGENT_BUG_RESOLVE)
            elif kind == "feature-request":
                reply = self.pick(phrases.AGENT_REQ)
            elif kind == "praise":
                reply = self.pick(phrases.AGENT_PRAISE)
            else:
                reply = self.pick(phrases.AGENT_FOLLOWUP_Q)
            w.add("agent", kw["agent"], w.say(reply), t, customer=False)
        if goal is not None:
            t += dt.timedelta(minutes=rng.randint(1, 15))
            w.add("customer", c.name, w.say((goal[1], goal[2])), t, customer=True)
            t += dt.timedelta(minutes=rng.randint(3, 30))
            w.add("agent", kw["agent"], w.say(self.pick(phrases.AGENT_GOAL)), t, customer=False)
        if kind != "praise" and rng.random() < 0.65:
            t += dt.timedelta(minutes=rng.randint(1, 25))
            w.add("customer", c.name, w.say(self.pick(phrases.THANKS)), t, customer=True)
        if kind in ("bug", "complaint") and rng.random() < 0.08:
            t += dt.timedelta(minutes=rng.randint(1, 10))
            w.add(
                "agent",
                kw["agent"],
                self.pick(phrases.INTERNAL_NOTES),
                t,
                customer=False,
                internal=True,
                lang="ko",
            )
        first = w.messages[core_idx].text
        return core_idx, span, _subject_from(first)

    def email_messages(self, w: _Writer, **kw: Any) -> tuple[int, tuple[int, int], str]:
        rng = self.rng
        t: dt.datetime = kw["opened"]
        area, kind, sentiment, goal, outage = (
            kw["area"],
            kw["kind"],
            kw["sentiment"],
            kw["goal"],
            kw["outage"],
        )
        c = self.contacts[kw["contact"]]
        text, span, used = self.customer_opening(w, area, kind, sentiment, goal, outage, formal=True)
        goal = None if used else goal
        sign = f"\n\n{c.name} 드림" if w.lang == "ko" else f"\n\nBest,\n{c.name}"
        core_idx = w.add("customer", c.name, text + sign, t, customer=True)
        t += dt.timedelta(hours=rng.uniform(0.5, 20))
        w.switch()
        dear = f"{c.name}님, " if w.lang == "ko" else f"Hi {c.name.split()[0]}, "
        agent_sig = (
            f"\n\n그로우보드 CX팀 {kw['agent']} 드림"
            if w.lang == "ko"
            else f"\n\nBest,\n{kw['agent']}, Growboard"
        )
        w.add(
            "agent",
            kw["agent"],
            dear + w.say(self.agent_reply(area, kind, outage)) + agent_sig,
            t,
            customer=False,
        )
        if goal is not None or (kind != "praise" and rng.random() < 0.55):
            t += dt.timedelta(hours=rng.uniform(1, 30))
            if goal is not None:
                more = (goal[1], goal[2])
            elif kind in ("bug", "complaint", "churn-risk"):
                more = self.pick(phrases.FOLLOWUP_DETAILS)
            else:
                more = self.pick(phrases.THANKS)
            w.add("customer", c.name, w.say(more), t, customer=True)
            if kind in ("bug", "complaint", "churn-risk") and goal is None:
                t += dt.timedelta(hours=rng.uniform(1, 24))
                w.add(
                    "agent",
                    kw["agent"],
                    w.say(self.pick(phrases.AGENT_BUG_RESOLVE)) + agent_sig,
                    t,
                    customer=False,
                )
            if goal is not None:
                t += dt.timedelta(hours=rng.uniform(1, 24))
                w.add(
                    "agent", kw["agent"], w.say(self.pick(phrases.AGENT_GOAL)) + agent_sig, t, customer=False
                )
        tag = {"bug": "[오류]", "complaint": "[불편]", "feature-request": "[요청]", "billing": "[결제]"}.get(
            kind, "[문의]"
        )
        if w.lang == "en":
            tag = {"bug": "[Bug]", "complaint": "[Issue]", "feature-request": "[Request]"}.get(
                kind, "[Question]"
            )
        obj = w.slots["obj"][0 if w.lang == "ko" else 1]
        if kind in SPECIALS:
            obj = _subject_from(w.messages[core_idx].text, 40)
        return core_idx, span, f"{tag} {obj}"

    def call_messages(self, w: _Writer, **kw: Any) -> tuple[int, tuple[int, int], str]:
        rng = self.rng
        t: dt.datetime = kw["opened"]
        area, kind, sentiment, goal, outage = (
            kw["area"],
            kw["kind"],
            kw["sentiment"],
            kw["goal"],
            kw["outage"],
        )
        c = self.contacts[kw["contact"]]
        offset = 0

        def turn(author: str, name: str, text: str, *, customer: bool) -> int:
            nonlocal t, offset
            idx = w.add(author, name, text, t, customer=customer, attrs={"speaker": name, "offset_s": offset})
            step = max(4, len(text) // 6 + rng.randint(2, 12))
            offset += step
            t += dt.timedelta(seconds=step)
            return idx

        turn("agent", kw["agent"], w.say(self.pick(phrases.CALL_AGENT_OPEN)), customer=False)
        turn("customer", c.name, w.say(self.pick(phrases.CALL_CUSTOMER_OPEN)), customer=True)
        text, span, _ = self.customer_opening(w, area, kind, sentiment, None, outage, formal=False)
        core_idx = turn("customer", c.name, text, customer=True)
        w.switch()
        probes = list(phrases.CALL_PROBES)
        if kind in ("bug", "complaint", "churn-risk"):
            probes += phrases.CALL_PROBES_PROBLEM
        for probe, answer in rng.sample(probes, rng.randint(1, 3)):
            turn("agent", kw["agent"], w.say(probe), customer=False)
            turn("customer", c.name, w.say(answer), customer=True)
        if goal is not None:
            turn("customer", c.name, w.say((goal[1], goal[2])), customer=True)
            turn("agent", kw["agent"], w.say(self.pick(phrases.AGENT_GOAL)), customer=False)
        turn("agent", kw["agent"], w.say(self.agent_reply(area, kind, outage)), customer=False)
        turn("agent", kw["agent"], w.say(self.pick(phrases.CALL_AGENT_WRAP)), customer=False)
        turn("customer", c.name, w.say(self.pick(phrases.CALL_CUSTOMER_BYE)), customer=True)
        a_name = self.accounts[c.account].name if c.account is not None else c.name
        label = "통화" if w.lang == "ko" else "Call"
        if kind == "renewal":
            label = "갱신 협의 통화" if w.lang == "ko" else "Renewal call"
        elif goal is not None:
            label = "분기 리뷰 통화 (QBR)" if w.lang == "ko" else "Quarterly business review"
        return core_idx, span, f"{label}: {a_name}"

    def slack_messages(self, w: _Writer, **kw: Any) -> tuple[int, tuple[int, int], str]:
        rng = self.rng
        t: dt.datetime = kw["opened"]
        area, kind, sentiment, goal, outage = (
            kw["area"],
            kw["kind"],
            kw["sentiment"],
            kw["goal"],
            kw["outage"],
        )
        c = self.contacts[kw["contact"]]
        text, span, used = self.customer_opening(w, area, kind, sentiment, goal, outage, formal=False)
        goal = None if used else goal
        core_idx = w.add("customer", c.name, text, t, customer=True)
        t += dt.timedelta(minutes=rng.randint(3, 90))
        w.switch()
        w.add("agent", kw["agent"], w.say(self.agent_reply(area, kind, outage)), t, customer=False)
        if goal is not None or (kind != "praise" and rng.random() < 0.6):
            t += dt.timedelta(minutes=rng.randint(2, 60))
            extra = self.pick(phrases.THANKS) if goal is None else (goal[1], goal[2])
            w.add(
                "customer", c.name, w.say(extra) + (" :pray:" if rng.random() < 0.4 else ""), t, customer=True
            )
        if kind in ("bug", "complaint") and rng.random() < 0.7:
            t += dt.timedelta(hours=rng.uniform(0.5, 6))
            w.add("agent", kw["agent"], w.say(self.pick(phrases.AGENT_BUG_RESOLVE)), t, customer=False)
        return core_idx, span, _subject_from(w.messages[core_idx].text)

    def conversation_external_id(
        self, channel: str, n: int, opened: dt.datetime, a: AccountRow | None
    ) -> str:
        if channel == "chat":
            ext = self.hexid()
        elif channel == "email":
            ext = f"<{self.hexid(16)}.{n}@mail.{a.domain if a else 'lead.example'}>"
        elif channel == "call":
            ext = f"call-{n:06d}"
        else:
            # Slack thread ts, from the reference calendar so the id does not move with the shift.
            ts = int((opened - self.shift).timestamp())
            ext = f"C0{self.hexid(8).upper()}:{ts}.{self.rng.randint(0, 999999):06d}"
        return self.unique_ext(channel + "#conv", ext)

    # --------------------------------------------------------------- tagging
    def conversation_tags(
        self,
        area: str,
        types: list[str],
        sentiment: str,
        goal: tuple[str, str, str] | None,
        account: int | None,
        day: int,
        slots: dict[str, Any],
        core_idx: int,
    ) -> list[str]:
        tags = [area]
        core = None
        spec = AREAS.get(area)
        if spec is not None and area.startswith("area/dashboard"):
            core = slots["platform_key"]
        # The conversation mentions the platform in its text only when the template used {platform}.
        if core and self.mentions_platform:
            path = f"area/integrations/{core}"
            if path in self.tag_paths and path != area:
                tags.append(path)
        for t in types:
            if t in ("onboarding",):
                tags.append("type/onboarding")
            else:
                tags.append(f"type/{t}")
        if "type/feature-request" in tags and area.startswith("area/integrations"):
            tags.append("type/feature-request/integration")
        if "type/bug" in tags and area.startswith("area/dashboard") and self.rng.random() < 0.5:
            tags.append("type/bug/data")
        if (
            "type/bug" in tags
            and area.startswith(("area/editor", "area/templates"))
            and self.rng.random() < 0.4
        ):
            tags.append("type/bug/ui")
        if "type/question" in tags and self.rng.random() < 0.4:
            tags.append("type/question/how-to")
        if "type/complaint" in tags and area == OUTAGE_AREA and day in self.outage_days:
            tags.append("type/incident-report")
            tags.append("area/performance/outage")
        tags.append(f"sentiment/{sentiment}")
        if goal is not None:
            tags.append(goal[0])
        if account is not None:
            a = self.accounts[account]
            age = day - a.since_day
            journey = None
            if age < 45:
                journey = "journey/onboarding"
            elif "type/churn-risk" in tags:
                journey = "journey/at-risk"
            elif "type/cancellation" in tags:
                journey = "journey/churned"
            elif "type/upgrade" in tags:
                journey = "journey/expansion"
            elif "type/renewal" in tags:
                journey = "journey/renewal"
            elif "type/praise" in tags and a.plan in ("Pro", "Enterprise"):
                journey = "journey/advocacy"
            if journey:
                tags.append(journey)
        else:
            tags.append("journey/trial")
        out: list[str] = []
        for t in tags:
            if t in self.tag_paths and t not in out:
                out.append(t)
        return out

    def assignments(
        self,
        conv: ConversationRow,
        tags: list[str],
        age: float,
        agent: int,
        core_idx: int,
        span: tuple[int, int],
        kind: str,
        goal: tuple[str, str, str] | None,
    ) -> list[AssignmentRow]:
        rng = self.rng
        out: list[AssignmentRow] = []
        created = conv.messages[-1].sent_at + dt.timedelta(minutes=rng.randint(5, 600))
        if created > self.end:
            created = self.end - dt.timedelta(minutes=1)
        customer_text = " ".join(m.text for m in conv.messages if m.author_kind == "customer")
        # A rule can only have fired where its pattern matches the customer's words.
        ruled = {p for p, rx in self.rules.items() if p in tags and rx.search(customer_text)}
        if age <= 21 and (age <= 7 or rng.random() < 0.5):
            # Recent: the model and the rules suggest, nobody has reviewed yet.
            if age <= 3 and rng.random() < 0.15:
                return out
            for t in tags:
                if t in ruled and rng.random() < 0.5:
                    out.append(AssignmentRow(t, "rule", "suggested", None, None, None, None, None, created))
                else:
                    conf = round(min(0.99, max(0.35, rng.gauss(0.8, 0.12))), 3)
                    out.append(
                        AssignmentRow(t, "model", "suggested", conf, MODEL_VERSION, None, None, None, created)
                    )
            if rng.random() < 0.15:
                wrong = self.sibling(tags[0])
                if wrong and wrong not in tags:
                    conf = round(rng.uniform(0.35, 0.6), 3)
                    out.append(
                        AssignmentRow(
                            wrong, "model", "suggested", conf, MODEL_VERSION, None, None, None, created
                        )
                    )
            return out
        decided = created + dt.timedelta(minutes=rng.randint(1, 180))
        if decided > self.end:
            decided = self.end
        for t in tags:
            r = rng.random()
            if t in ruled and r < 0.25:
                out.append(AssignmentRow(t, "rule", "confirmed", None, None, None, agent, decided, created))
            elif r < 0.35:
                conf = round(min(0.99, max(0.5, rng.gauss(0.84, 0.08))), 3)
                out.append(
                    AssignmentRow(t, "model", "confirmed", conf, MODEL_VERSION, None, agent, decided, created)
                )
            else:
                out.append(AssignmentRow(t, "human", "confirmed", None, None, agent, agent, created, created))
        if rng.random() < 0.05:
            wrong = self.sibling(tags[0])
            if wrong and wrong not in tags:
                conf = round(rng.uniform(0.4, 0.7), 3)
                out.append(
                    AssignmentRow(
                        wrong, "model", "rejected", conf, MODEL_VERSION, None, agent, decided, created
                    )
                )
        # Quotes: the customer's own words behind requests, complaints and goals.
        if (
            kind in ("feature-request", "complaint", "churn-risk", "bug")
            and core_idx < len(conv.messages)
            and rng.random() < 0.45
        ):
            qtag = f"type/{kind}"
            if qtag in tags:
                out.append(
                    AssignmentRow(
                        qtag,
                        "human",
                        "confirmed",
                        None,
                        None,
                        agent,
                        agent,
                        decided,
                        created,
                        quote=(core_idx, span[0], span[1]),
                    )
                )
        return out

    def sibling(self, path: str) -> str | None:
        parent = path.rsplit("/", 1)[0]
        sibs = [p for p in AREAS if p.rsplit("/", 1)[0] == parent and p != path]
        return self.pick(sibs) if sibs else None

    def route(self, kind: str, account: int | None) -> tuple[str, str]:
        if kind in SPECIALS:
            return SPECIALS[kind].route, f"type:{kind}"
        if account is None:
            return "sales", "no account: inbound lead"
        if kind in ("bug", "complaint"):
            return "support", f"type:{kind}"
        if kind == "churn-risk":
            return "account-management", "churn risk on a paying account"
        if kind == "question" and self.accounts[account].plan in ("Free", "Starter"):
            return "self-serve", "how-to question from a self-serve plan"
        if kind == "feature-request":
            return "product", "feature request"
        return "support", "default"

    # ---------------------------------------------------------------- surveys
    def maybe_survey(self, conv_idx: int, kind: str, sentiment: str, agent: str) -> None:
        rng = self.rng
        conv = self.conversations[conv_idx]
        if conv.status != "closed" or conv.closed_at is None:
            return
        lang = "en" if conv.language == "en" else "ko"
        when = conv.closed_at + dt.timedelta(minutes=rng.randint(5, 1440))
        if when > self.end:
            return
        if conv.channel in ("chat", "email") and rng.random() < 0.22:
            base = {"positive": 4.7, "neutral": 4.0, "negative": 2.4}[sentiment]
            score = int(min(5, max(1, round(rng.gauss(base, 0.8)))))
            band = "high" if score >= 4 else "mid" if score == 3 else "low"
            self.surveys.append(
                SurveyRow(
                    f"csat-{conv.external_id}",
                    "csat",
                    score,
                    1,
                    5,
                    self.comment(band, lang),
                    conv.account,
                    conv.contact,
                    conv_idx,
                    "support",
                    agent,
                    when,
                )
            )
        if (kind in ("question", "onboarding", "training") and rng.random() < 0.35) or (
            kind == "bug" and rng.random() < 0.1
        ):
            base = {"positive": 6.2, "neutral": 5.3, "negative": 3.2}[sentiment]
            score = int(min(7, max(1, round(rng.gauss(base, 1.0)))))
            band = "high" if score >= 6 else "mid" if score >= 4 else "low"
            self.surveys.append(
                SurveyRow(
                    f"ces-{conv.external_id}",
                    "ces",
                    score,
                    1,
                    7,
                    self.comment(band, lang),
                    conv.account,
                    conv.contact,
                    conv_idx,
                    "support",
                    agent,
                    when,
                )
            )

    def comment(self, band: str, lang: str) -> str:
        ko, en = self.pick(phrases.SURVEY_COMMENTS[band])
        return nfc(ko if lang == "ko" else en)

    def make_nps(self) -> None:
        rng = self.rng
        for wave, day in enumerate((40, 131)):
            for ci, c in enumerate(self.contacts):
                if c.account is None:
                    continue
                a = self.accounts[c.account]
                if a.since_day > day - 30:
                    continue
                if rng.random() > (0.45 if c.is_decision_maker else 0.32):
                    continue
                score = int(min(10, max(0, round(rng.gauss(3.5 + 6.5 * a.health, 1.5)))))
                band = "high" if score >= 9 else "mid" if score >= 7 else "low"
                when = self.at(day + rng.randint(0, 6), rng.uniform(9, 20))
                self.surveys.append(
                    SurveyRow(
                        f"nps-{wave + 1}-{c.member_id}",
                        "nps",
                        score,
                        0,
                        10,
                        self.comment(band, c.language),
                        c.account,
                        ci,
                        None,
                        None,
                        None,
                        when,
                    )
                )

    # ---------------------------------------------------------------- roadmap
    def make_roadmap(self) -> list[RoadmapRow]:
        rows = []
        for title, desc, status, url, weight, tags, shipped in phrases.ROADMAP:
            shipped_at = self.at(self.ship_day(shipped), 11) if shipped is not None else None
            rows.append(RoadmapRow(nfc(title), nfc(desc), status, url, weight, tags, shipped_at))
        return rows

    def make_examples(self) -> dict[str, list[str]]:
        ex: dict[str, list[str]] = {}
        for path, spec in AREAS.items():
            sentences = [p[0] for p in (*spec.bug, *spec.req, *spec.q, *spec.praise)][:3]
            ex[path] = [nfc(_strip_slots(s)) for s in sentences]
        for kind, sp in SPECIALS.items():
            ex.setdefault(f"type/{kind}", [nfc(_strip_slots(p[0])) for p in sp.customer[:2]])
        ex["type/complaint"] = [nfc(p[0]) for p in phrases.COMPLAINT_FRAMES[:3]]
        ex["type/churn-risk"] = [nfc(p[0]) for p in phrases.CHURN_FRAMES[:3]]
        ex["sentiment/negative"] = [nfc(p[0]) for p in phrases.SENTIMENT_ADDONS["negative"]]
        ex["sentiment/positive"] = [nfc(p[0]) for p in phrases.SENTIMENT_ADDONS["positive"]]
        for goal, ko, _en in phrases.GOALS:
            ex[goal] = [nfc(_strip_slots(ko))]
        for t in taxonomy_cached():
            if not ex.get(t.path):
                ex[t.path] = [
                    nfc(f"{t.name_ko} 관련해서 문의드려요."),
                    f"A question about {t.name_en.lower()}.",
                ]
        return ex


_TAXONOMY_CACHE: list[TagSpec] = []


def taxonomy_cached() -> list[TagSpec]:
    if not _TAXONOMY_CACHE:
        _TAXONOMY_CACHE.extend(taxonomy())
    return _TAXONOMY_CACHE


def josa(word: str, with_final: str, without_final: str) -> str:
    """``word`` plus the particle form that fits its last syllable (받침 or not)."""
    last = word.rstrip()[-1:] if word.strip() else ""
    has_final = "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0
    return word + (with_final if has_final else without_final)


def _strip_slots(text: str) -> str:
    return (
        text.replace("{platform}", "스마트스토어")
        .replace("{product}", "린넨 셔츠")
        .replace("{product_eun}", "린넨 셔츠는")
        .replace("{obj_eul}", "대시보드를")
        .replace("{segment}", "패션")
        .replace("{n}", "3")
        .replace("{month}", "5")
        .replace("{obj}", "대시보드")
    )


def _subject_from(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class _Writer:
    """Collects one conversation's messages and renders pairs in the conversation's language."""

    def __init__(self, gen: _Gen, *, lang: str, mixed: bool, slots: dict[str, Any]) -> None:
        self.gen = gen
        self.lang = lang
        self.mixed = mixed
        self.slots = slots
        self.messages: list[MessageRow] = []
        gen.mentions_platform = False

    def switch(self) -> None:
        """In a mixed-language conversation, replies come in the other language."""
        if self.mixed:
            self.lang = "en" if self.lang == "ko" else "ko"
            self.mixed = False

    def say(self, pair: Pair) -> str:
        template = pair[0] if self.lang == "ko" else pair[1]
        if not template:
            return ""
        if "{platform}" in template:
            self.gen.mentions_platform = True
        i = 0 if self.lang == "ko" else 1
        values = {k: (v[i] if isinstance(v, tuple) else v) for k, v in self.slots.items()}
        return template.format_map(values)

    def add(
        self,
        author: str,
        name: str,
        text: str,
        at: dt.datetime,
        *,
        customer: bool,
        internal: bool = False,
        lang: str | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> int:
        at = at.replace(microsecond=0)
        if self.messages and at <= self.messages[-1].sent_at:
            at = self.messages[-1].sent_at + dt.timedelta(seconds=1)
        self.messages.append(
            MessageRow(
                "",
                author,
                nfc(name),
                customer,
                internal,
                nfc(text.strip()),
                lang or self.lang,
                at,
                attrs or {},
            )
        )
        return len(self.messages) - 1


def generate(*, seed: int = SEED, shift_weeks: int = 0) -> DemoData:
    """Generate the demo content.

    Parameters
    ----------
    seed : int
        Seed of the one random generator; the same seed gives the same content.
    shift_weeks : int
        Move every timestamp by this many whole weeks (content and weekday pattern unchanged).

    Returns
    -------
    DemoData
        Users, taxonomy, accounts, contacts, conversations with messages and tag assignments,
        surveys, identities and roadmap items.
    """
    g = _Gen(seed, shift_weeks)
    g.make_users()
    g.make_accounts()
    g.make_contacts()
    g.make_conversations()
    g.make_nps()
    roadmap = g.make_roadmap()
    return DemoData(
        users=g.users,
        dimensions=DIMENSIONS,
        tags=taxonomy_cached(),
        tag_examples=g.make_examples(),
        accounts=g.accounts,
        contacts=g.contacts,
        conversations=g.conversations,
        surveys=g.surveys,
        identities=g.identities,
        roadmap=roadmap,
        window_start=g.start,
        window_end=g.end,
        outage_start=g.at(g.outage_days.start),
        outage_end=g.at(g.outage_days.stop),
    )


def shift_for(today: dt.date) -> int:
    """Whole weeks to move the reference window so it ends before ``today`` began (1-7 days before).

    The window ends at the Monday 00:00 KST after its last Sunday, which is 15:00 UTC of that
    Sunday. Taking the last Sunday strictly before ``today`` (a UTC date) puts the end at
    least nine hours before ``today`` starts, so nothing generated lies in the future, and
    every build on the same UTC day gets the same calendar.
    """
    return (today - dt.timedelta(days=1) - REFERENCE_END).days // 7
