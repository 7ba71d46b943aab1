"""Demo tagging and routing: which tags and team each conversation gets, as people and the model left them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from frontdoor.demo import phrases
from frontdoor.demo.content import (
    MODEL_VERSION,
    OUTAGE_AREA,
    AssignmentRow,
    ConversationRow,
    nfc,
    taxonomy_cached,
)
from frontdoor.demo.gen_state import GenState
from frontdoor.demo.phrases import AREAS, SPECIALS


class TagsGen(GenState):
    """Tags on conversations (confirmed, suggested, quotes), routes, and tag examples."""

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
