"""Who is who in a Slack export: agents, customers and bots; mentions rendered with names."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdoor.core.domain import AuthorKind
from frontdoor.core.text.email import email_domain
from frontdoor.integrations._common import text_or_none
from frontdoor.integrations.base import AccountRef, ContactRef

_LINK = re.compile(r"<([^<>]+)>")


@dataclass
class People:
    """Who is who in one export: users by id, the home team and the internal domains."""

    users: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    home_team: str | None = None
    internal_domains: frozenset[str] = frozenset()

    @classmethod
    def build(cls, users: object, *, team_id: str | None, internal_domains: frozenset[str]) -> People:
        """Index ``users.json`` and settle the home team (option, else the admins' team)."""
        by_id: dict[str, Mapping[str, Any]] = {}
        for user in users if isinstance(users, list) else []:
            if isinstance(user, Mapping) and text_or_none(user.get("id")):
                by_id[str(user["id"])] = user
        home = team_id
        if home is None:
            admins = Counter(
                str(u["team_id"])
                for u in by_id.values()
                if u.get("team_id") and (u.get("is_admin") or u.get("is_owner") or u.get("is_primary_owner"))
            )
            everyone = Counter(str(u["team_id"]) for u in by_id.values() if u.get("team_id"))
            top = admins.most_common(1) or everyone.most_common(1)
            home = top[0][0] if top else None
        return cls(users=by_id, home_team=home, internal_domains=internal_domains)

    def profile(self, user_id: str | None, message: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        """The user's profile, else the one the message carries (events, external users)."""
        user = self.users.get(user_id or "") or {}
        profile = user.get("profile")
        if isinstance(profile, Mapping) and profile:
            return profile
        fallback = message.get("user_profile") if message else None
        return fallback if isinstance(fallback, Mapping) else {}

    def name(self, user_id: str | None, message: Mapping[str, Any] | None = None) -> str:
        """Display name, else real name, else the handle, else the id."""
        user = self.users.get(user_id or "") or {}
        profile = self.profile(user_id, message)
        for value in (
            profile.get("display_name"),
            profile.get("real_name"),
            user.get("real_name"),
            user.get("name"),
            profile.get("name"),
        ):
            if text_or_none(value):
                return str(value).strip()
        return user_id or ""

    def team(self, user_id: str | None, message: Mapping[str, Any] | None = None) -> str | None:
        """The user's team id, from the user, the message or the profile."""
        user = self.users.get(user_id or "") or {}
        profile = self.profile(user_id, message)
        for value in (
            user.get("team_id"),
            message.get("user_team") if message else None,
            profile.get("team"),
        ):
            if text_or_none(value):
                return str(value)
        return None

    def kind(self, user_id: str | None, message: Mapping[str, Any]) -> AuthorKind:
        """The author kind of ``message`` by ``user_id`` (rules in the module docstring)."""
        user = self.users.get(user_id or "") or {}
        if message.get("subtype") == "bot_message" or user.get("is_bot") or user_id == "USLACKBOT":
            return AuthorKind.BOT
        if not user_id and message.get("bot_id"):
            return AuthorKind.BOT
        domain = email_domain(text_or_none(self.profile(user_id, message).get("email")))
        if self.internal_domains and domain:
            return AuthorKind.AGENT if domain in self.internal_domains else AuthorKind.CUSTOMER
        if user.get("is_restricted") or user.get("is_ultra_restricted"):
            return AuthorKind.CUSTOMER
        if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
            return AuthorKind.AGENT
        team = self.team(user_id, message)
        if user and team and self.home_team:
            return AuthorKind.AGENT if team == self.home_team else AuthorKind.CUSTOMER
        if user and not user.get("is_stranger") and team is None:
            return AuthorKind.AGENT  # a member of this workspace with nothing saying otherwise
        return AuthorKind.CUSTOMER

    def contact(self, user_id: str, message: Mapping[str, Any] | None = None) -> ContactRef:
        """A ContactRef for a customer; a user of another team carries that team as account."""
        profile = self.profile(user_id, message)
        email = text_or_none(profile.get("email"))
        team = self.team(user_id, message)
        account = None
        if team and team != self.home_team:
            # Exports carry no team names; the domain (if any) names the account better.
            domain = email_domain(email)
            account = AccountRef(
                external_id=team, domain=domain, name=None if domain else f"Slack team {team}"
            )
        elif self.internal_domains and email_domain(email):
            account = AccountRef(domain=email_domain(email))
        return ContactRef(
            external_id=user_id,
            email=email,
            name=self.name(user_id, message) or None,
            phone=text_or_none(profile.get("phone")),
            title=text_or_none(profile.get("title")),
            account=account,
        )

    def render(self, text: str) -> str:
        """Slack mrkdwn to plain text: mentions to @names, links to their labels, entities decoded."""

        def link(match: re.Match[str]) -> str:
            inner = match.group(1)
            target, _, label = inner.partition("|")
            if target.startswith("@"):
                return "@" + (label or self.name(target[1:]))
            if target.startswith("#"):
                return "#" + (label or target[1:])
            if target.startswith("!"):
                if target.startswith("!subteam^"):
                    return label or "@team"
                return "@" + (label or target[1:].split("^")[0])
            if target.startswith("mailto:"):
                return label or target[len("mailto:") :]
            return label or target

        return html.unescape(_LINK.sub(link, text))
