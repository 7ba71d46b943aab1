"""Ordered routing rules: conditions on a conversation's facts; the first match wins.

A rule holds any of these conditions; **all** given conditions must hold (an empty
condition is not checked), and a list condition holds when **any** of its values does:

=================  ===================================================================
``channels``       the conversation's channel (chat, email, call, slack, ...)
``languages``      its language code (``ko``, ``en``)
``plans``          the account's plan (case-insensitive)
``segments``       the account's segment (case-insensitive)
``arr_min``        the account's ARR is at least this (whole currency units)
``arr_max``        the account's ARR is at most this
``tags``           a tag path assigned to it (confirmed or suggested); a path also
                   matches its descendants (``area/billing`` matches ``area/billing/refund``)
``keywords``       a keyword occurs in the customer's text: Korean (or any non-ASCII)
                   keywords as substrings, since particles attach to words (환불 matches
                   환불은); ASCII keywords as whole words, case-insensitive (api does not
                   match rapid)
``pattern``        a regular expression found in the text (case-insensitive)
``decision_maker`` the contact is (true) or is not (false) a decision maker
=================  ===================================================================

A rule without any condition matches everything (a catch-all at the end of the list).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from frontdoor.core.errors import ValidationError

__all__ = [
    "MAX_PATTERN",
    "RouteFacts",
    "RouteRule",
    "first_match",
    "parse_rule",
    "parse_rules",
    "valid_team_key",
]

MAX_PATTERN = 300
MAX_VALUES = 50
MAX_VALUE_CHARS = 100
_TEAM_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_LIST_FIELDS = ("channels", "languages", "plans", "segments", "tags", "keywords")


def valid_team_key(key: str) -> bool:
    """Whether ``key`` is a usable team key (lowercase letters, digits, ``-``, ``_``; 1-64)."""
    return bool(_TEAM_KEY.match(key or ""))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@dataclass(frozen=True)
class RouteFacts:
    """What rules may look at for one conversation.

    Attributes
    ----------
    channel, language : str or None
        The conversation's channel and language.
    plan, segment : str or None
        The account's plan and segment (None without an account).
    arr : int or None
        The account's ARR (None without an account).
    tags : frozenset of str
        Paths of the tags assigned to it (confirmed or suggested, not rejected).
    text : str
        The customer's words (subject and customer messages).
    decision_maker : bool
        Whether the contact is a decision maker.
    """

    channel: str | None = None
    language: str | None = None
    plan: str | None = None
    segment: str | None = None
    arr: int | None = None
    tags: frozenset[str] = frozenset()
    text: str = ""
    decision_maker: bool = False


def _clean_list(raw: object, name: str) -> tuple[str, ...]:
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        items: Iterable[object] = raw.split(",")
    elif isinstance(raw, list | tuple):
        items = raw
    else:
        raise ValidationError(f"rule {name}: expected a list or comma-separated text")
    out: list[str] = []
    for item in items:
        value = unicodedata.normalize("NFC", str(item)).strip()
        if not value:
            continue
        if len(value) > MAX_VALUE_CHARS:
            raise ValidationError(
                f"rule {name}: {value[:20]!r}... is longer than {MAX_VALUE_CHARS} characters"
            )
        if value not in out:
            out.append(value)
    if len(out) > MAX_VALUES:
        raise ValidationError(f"rule {name}: at most {MAX_VALUES} values")
    return tuple(out)


def _int_or_none(raw: object, name: str) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError(f"rule {name}: expected a whole number")
    try:
        value = int(str(raw).strip().replace(",", "").replace("_", ""))
    except ValueError:
        raise ValidationError(f"rule {name}: {str(raw)[:30]!r} is not a whole number") from None
    if value < 0:
        raise ValidationError(f"rule {name}: must not be negative")
    return value


def _keyword_regex(keywords: Sequence[str]) -> re.Pattern[str] | None:
    parts = []
    for kw in keywords:
        k = re.escape(_norm(kw))
        # ASCII words need word boundaries (api vs rapid); Korean takes particles (환불은).
        parts.append(rf"(?<![a-z0-9]){k}(?![a-z0-9])" if kw.isascii() else k)
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True)
class RouteRule:
    """One routing rule; see the module docstring for the conditions.

    Build with :func:`parse_rule` (validates and compiles); ``to_dict`` gives the stored form.
    """

    id: str
    team: str
    name: str = ""
    channels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    arr_min: int | None = None
    arr_max: int | None = None
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    pattern: str = ""
    decision_maker: bool | None = None
    _keywords_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    _pattern_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """The rule's name, or its id when unnamed."""
        return self.name or self.id

    def to_dict(self) -> dict[str, Any]:
        """The stored (JSON) form; empty conditions are left out."""
        out: dict[str, Any] = {"id": self.id, "team": self.team}
        if self.name:
            out["name"] = self.name
        for key in _LIST_FIELDS:
            value = getattr(self, key)
            if value:
                out[key] = list(value)
        for key in ("arr_min", "arr_max", "decision_maker"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.pattern:
            out["pattern"] = self.pattern
        return out

    def describe(self) -> list[str]:
        """The conditions in words (English, compact), for pages and reasons."""
        out: list[str] = []
        for key in _LIST_FIELDS:
            value = getattr(self, key)
            if value:
                out.append(f"{key}: {', '.join(value)}")
        if self.arr_min is not None:
            out.append(f"ARR >= {self.arr_min:,}")
        if self.arr_max is not None:
            out.append(f"ARR <= {self.arr_max:,}")
        if self.pattern:
            out.append(f"pattern: {self.pattern}")
        if self.decision_maker is not None:
            out.append("decision maker" if self.decision_maker else "not a decision maker")
        return out or ["always"]

    def match(self, facts: RouteFacts) -> str | None:
        """Why this rule matches ``facts`` (the matched conditions in words), or None.

        Parameters
        ----------
        facts : RouteFacts
            The conversation's facts.

        Returns
        -------
        str or None
            E.g. ``"channel=email; keyword 견적"``; ``"always"`` for a rule without
            conditions; None when a condition does not hold.
        """
        why: list[str] = []
        if self.channels:
            if (facts.channel or "") not in self.channels:
                return None
            why.append(f"channel={facts.channel}")
        if self.languages:
            if (facts.language or "") not in self.languages:
                return None
            why.append(f"language={facts.language}")
        if self.plans:
            if _norm(facts.plan or "") not in {_norm(p) for p in self.plans}:
                return None
            why.append(f"plan={facts.plan}")
        if self.segments:
            if _norm(facts.segment or "") not in {_norm(s) for s in self.segments}:
                return None
            why.append(f"segment={facts.segment}")
        if self.arr_min is not None or self.arr_max is not None:
            if facts.arr is None:
                return None
            if self.arr_min is not None and facts.arr < self.arr_min:
                return None
            if self.arr_max is not None and facts.arr > self.arr_max:
                return None
            why.append(f"ARR={facts.arr:,}")
        if self.tags:
            hit = next(
                (
                    path
                    for want in self.tags
                    for path in sorted(facts.tags)
                    if path == want or path.startswith(want.rstrip("/") + "/")
                ),
                None,
            )
            if hit is None:
                return None
            why.append(f"tag {hit}")
        if self._keywords_re is not None:
            found = self._keywords_re.search(_norm(facts.text))
            if found is None:
                return None
            why.append(f"keyword {found.group(0)}")
        if self._pattern_re is not None:
            found = self._pattern_re.search(unicodedata.normalize("NFC", facts.text))
            if found is None:
                return None
            why.append(f"pattern {found.group(0)[:40]}")
        if self.decision_maker is not None:
            if facts.decision_maker != self.decision_maker:
                return None
            why.append("decision maker" if self.decision_maker else "not a decision maker")
        return "; ".join(why) or "always"


def parse_rule(raw: Mapping[str, Any], *, teams: Iterable[str] | None = None) -> RouteRule:
    """Validate and compile one stored or submitted rule.

    Parameters
    ----------
    raw : mapping
        ``team`` (required), optional ``id`` (generated when missing), ``name`` and the
        conditions of the module docstring. List conditions may be lists or
        comma-separated text.
    teams : iterable of str, optional
        Known team keys; the rule's team must be one of them when given.

    Returns
    -------
    RouteRule
        The compiled rule.

    Raises
    ------
    ValidationError
        One line naming the bad field: unknown team, bad number, invalid or overlong
        pattern, too many or too long values.
    """
    if not isinstance(raw, Mapping):
        raise ValidationError("a rule must be an object")
    team = str(raw.get("team") or "").strip()
    if not valid_team_key(team):
        raise ValidationError(f"rule team {team[:70]!r} is not a team key")
    if teams is not None and team not in set(teams):
        raise ValidationError(f"rule team {team!r} is not one of this workspace's teams")
    rule_id = str(raw.get("id") or "").strip() or uuid.uuid4().hex[:10]
    if not re.match(r"^[A-Za-z0-9_-]{1,40}$", rule_id):
        raise ValidationError("rule id must be 1-40 letters, digits, - or _")
    name = unicodedata.normalize("NFC", str(raw.get("name") or "")).strip()
    if len(name) > 200:
        raise ValidationError("rule name is longer than 200 characters")
    lists = {key: _clean_list(raw.get(key), key) for key in _LIST_FIELDS}
    lists["channels"] = tuple(c.lower() for c in lists["channels"])
    lists["languages"] = tuple(c.lower() for c in lists["languages"])
    arr_min = _int_or_none(raw.get("arr_min"), "arr_min")
    arr_max = _int_or_none(raw.get("arr_max"), "arr_max")
    if arr_min is not None and arr_max is not None and arr_min > arr_max:
        raise ValidationError("rule arr_min is larger than arr_max")
    pattern = str(raw.get("pattern") or "").strip()
    pattern_re = None
    if pattern:
        if len(pattern) > MAX_PATTERN:
            raise ValidationError(f"rule pattern is longer than {MAX_PATTERN} characters")
        try:
            # Only administrators write patterns; the text they run on is bounded.
            pattern_re = re.compile(unicodedata.normalize("NFC", pattern), re.IGNORECASE)
        except re.error as exc:
            raise ValidationError(f"rule pattern is not a valid regular expression ({exc})") from None
    dm = raw.get("decision_maker")
    if isinstance(dm, str):
        dm = {
            "": None,
            "any": None,
            "true": True,
            "yes": True,
            "1": True,
            "false": False,
            "no": False,
            "0": False,
        }.get(dm.strip().lower(), "bad")
    if dm not in (None, True, False):
        raise ValidationError("rule decision_maker must be true, false or empty")
    return RouteRule(
        id=rule_id,
        team=team,
        name=name,
        arr_min=arr_min,
        arr_max=arr_max,
        pattern=pattern,
        decision_maker=dm,
        _keywords_re=_keyword_regex(lists["keywords"]),
        _pattern_re=pattern_re,
        **lists,
    )


def parse_rules(raw: object, *, teams: Iterable[str] | None = None) -> list[RouteRule]:
    """Compile a stored list of rules (see :func:`parse_rule`); ids must be unique."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationError("routing rules must be a list")
    team_list = list(teams) if teams is not None else None
    rules = [parse_rule(r, teams=team_list) for r in raw]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ValidationError(f"two rules have the id {rule.id!r}")
        seen.add(rule.id)
    return rules


def first_match(rules: Sequence[RouteRule], facts: RouteFacts) -> tuple[RouteRule, str] | None:
    """The first rule that matches ``facts`` with its explanation, or None."""
    for rule in rules:
        why = rule.match(facts)
        if why is not None:
            return rule, why
    return None
