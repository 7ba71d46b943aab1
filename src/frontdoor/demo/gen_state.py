"""The state of one demo generation run and the random helpers every part draws with."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from frontdoor.demo import phrases
from frontdoor.demo.content import (
    KST,
    OUTAGE_WEEK,
    REFERENCE_START,
    SHIPPED_ANSWERS,
    WEEKS,
    AccountRow,
    ContactRow,
    ConversationRow,
    IdentityRow,
    SurveyRow,
    UserRow,
    taxonomy_cached,
)
from frontdoor.demo.taxonomy import taxonomy


class GenState:
    """One generation run's state and its random helpers; all randomness comes from ``self.rng``."""

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
