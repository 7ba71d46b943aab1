"""Demo surveys (NPS, CSAT, CES after conversations) and the roadmap items."""

from __future__ import annotations

import datetime as dt

from frontdoor.demo import phrases
from frontdoor.demo.content import (
    RoadmapRow,
    SurveyRow,
    nfc,
)
from frontdoor.demo.gen_state import GenState


class SurveysGen(GenState):
    """Survey responses and roadmap items."""

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
