"""Routing history: every route decided for a conversation, by rules, model or a person."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType
from frontdoor.models._common import created_at, fk, pk, str_enum, workspace_fk


class RouteMethod(enum.StrEnum):
    """Who or what chose a route."""

    RULE = "rule"
    MODEL = "model"
    DEFAULT = "default"
    HUMAN = "human"


class RouteEvent(Base):
    """One routing decision; the conversation's ``route`` columns hold the latest one.

    A machine decision (``rule``, ``model``, ``default``) is a prediction; a ``human`` row
    confirms or corrects it (``route_confirmed`` on the conversation). Accuracy compares
    the last prediction before the first human row with that human row's route.
    ``attributes`` keeps what happened downstream (Slack notification key, Channel Talk
    team assignment result).
    """

    __tablename__ = "route_event"
    __table_args__ = (
        Index("ix_route_event_ws_created", "workspace_id", "created_at"),
        Index("ix_route_event_conversation", "conversation_id", "created_at"),
    )

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    conversation_id: Mapped[int] = fk("conversation.id", nullable=False, ondelete="CASCADE", index=False)
    route: Mapped[str] = mapped_column(String(64))
    method: Mapped[RouteMethod] = mapped_column(str_enum(RouteMethod))
    reason: Mapped[str] = mapped_column(String(500), default="")
    rule_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The machine's route just before a person decided (None on machine rows).
    previous_route: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_id: Mapped[int | None] = fk("user_account.id")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
