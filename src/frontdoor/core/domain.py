"""Plain domain vocabulary shared by the models and the integrations.

These enums name what a conversation is, independent of how it is stored: the ORM
(:mod:`frontdoor.models`) stores them in columns, and the integrations, which never touch
the database, build records with them. The models re-export them, so
``from frontdoor.models import Channel`` keeps working.
"""

from __future__ import annotations

import enum

__all__ = ["AuthorKind", "Channel", "ConversationStatus", "SurveyKind"]


class Channel(enum.StrEnum):
    """How the customer reached us."""

    CHAT = "chat"
    EMAIL = "email"
    CALL = "call"
    SLACK = "slack"
    HELPDESK = "helpdesk"
    SURVEY = "survey"
    API = "api"
    OTHER = "other"


class ConversationStatus(enum.StrEnum):
    """Where a conversation stands in its source."""

    OPEN = "open"
    SNOOZED = "snoozed"
    CLOSED = "closed"


class AuthorKind(enum.StrEnum):
    """Who wrote a message; only ``customer`` text counts as customer voice."""

    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"


class SurveyKind(enum.StrEnum):
    """Survey metric."""

    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
