"""Demo messages: what customers and agents say in a conversation, channel by channel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from frontdoor.demo import phrases
from frontdoor.demo.content import (
    AccountRow,
    MessageRow,
    nfc,
)
from frontdoor.demo.gen_state import GenState
from frontdoor.demo.phrases import AREAS, SPECIALS, Pair


class MessagesGen(GenState):
    """The messages of one conversation per channel: chat, email, call transcript, Slack."""

    # -- message builders: each returns (customer core message index, core span, subject)
    def core_sentence(self, w: MessageWriter, area: str, kind: str, outage: bool) -> Pair:
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
        w: MessageWriter,
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

    def chat_messages(self, w: MessageWriter, **kw: Any) -> tuple[int, tuple[int, int], str]:
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

    def email_messages(self, w: MessageWriter, **kw: Any) -> tuple[int, tuple[int, int], str]:
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

    def call_messages(self, w: MessageWriter, **kw: Any) -> tuple[int, tuple[int, int], str]:
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

    def slack_messages(self, w: MessageWriter, **kw: Any) -> tuple[int, tuple[int, int], str]:
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


def _subject_from(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class MessageWriter:
    """Collects one conversation's messages and renders pairs in the conversation's language."""

    def __init__(self, gen: GenState, *, lang: str, mixed: bool, slots: dict[str, Any]) -> None:
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
