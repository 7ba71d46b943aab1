"""Deterministic generator of the demo workspace's content (pure Python, no database).

Everything is drawn from one seeded :class:`random.Random`, and the calendar is a fixed
26-week window (:data:`REFERENCE_START` .. :data:`REFERENCE_END`, Monday to Sunday). The
caller may move the whole window by whole weeks (``shift_weeks``) so the demo ends near the
day it is built: only timestamps move, the content and the weekday pattern stay identical.

The parts: :mod:`.content` (fixed settings and row types), :mod:`.gen_state` (the run's
state and random helpers), :mod:`.gen_people`, :mod:`.gen_messages`, :mod:`.gen_tags` and
:mod:`.gen_surveys`; this module writes the conversations that tie them together. The
order of random draws is the content: keep it when changing any part.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from frontdoor.demo import names, phrases
from frontdoor.demo.content import (
    BASE_TYPE_WEIGHTS,
    CHANNEL_MIX,
    GOAL_AREAS,
    OUTAGE_AREA,
    PLANS,
    PLATFORMS,
    REFERENCE_END,
    SEED,
    SPECIAL_WEIGHTS,
    ConversationRow,
    DemoData,
    IdentityRow,
    josa,
    nfc,
    taxonomy_cached,
)
from frontdoor.demo.gen_messages import MessagesGen, MessageWriter
from frontdoor.demo.gen_people import PeopleGen
from frontdoor.demo.gen_surveys import SurveysGen
from frontdoor.demo.gen_tags import TagsGen
from frontdoor.demo.phrases import AREAS, SPECIALS
from frontdoor.demo.taxonomy import DIMENSIONS

__all__ = ["generate", "shift_for"]


class _Gen(PeopleGen, MessagesGen, TagsGen, SurveysGen):
    """One generation run: the parts above, and the conversations that tie them together."""

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
        writer = MessageWriter(self, lang=lang, mixed=mixed, slots=slots)
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
            rendered = [
                MessageWriter(self, lang=lg, mixed=False, slots=slots).say(goal[1:]) for lg in ("ko", "en")
            ]
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
