"""Accounts (customer companies), their domains, contacts and external identities."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.db.base import Base, JSONType
from frontdoor.models._common import created_at, fk, pk, str_enum, updated_at, workspace_fk


class PipelineStage(enum.StrEnum):
    """CX pipeline stage of an account: CSM, then ADR, then AM."""

    CSM = "csm"
    ADR = "adr"
    AM = "am"


class Account(Base):
    """A customer company."""

    __tablename__ = "account"
    __table_args__ = (Index("ix_account_ws_name", "workspace_id", "name"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    name: Mapped[str] = mapped_column(String(300))
    plan: Mapped[str | None] = mapped_column(String(64), nullable=True)
    segment: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Whole units of `currency` (KRW has no minor unit); 64-bit for large ARR.
    arr: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="KRW")
    seats: Mapped[int | None] = mapped_column(Integer, nullable=True)
    owner_id: Mapped[int | None] = fk("user_account.id")
    stage: Mapped[PipelineStage] = mapped_column(str_enum(PipelineStage), default=PipelineStage.CSM)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()


class AccountDomain(Base):
    """An email domain that belongs to an account (identity resolution by domain)."""

    __tablename__ = "account_domain"
    __table_args__ = (UniqueConstraint("workspace_id", "domain"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    account_id: Mapped[int] = fk("account.id", nullable=False, ondelete="CASCADE")
    domain: Mapped[str] = mapped_column(String(253))


class Contact(Base):
    """A person at an account (or not yet linked to one)."""

    __tablename__ = "contact"
    __table_args__ = (
        UniqueConstraint("workspace_id", "email"),
        UniqueConstraint("workspace_id", "member_id"),
    )

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    account_id: Mapped[int | None] = fk("account.id")
    name: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_decision_maker: Mapped[bool] = mapped_column(Boolean, default=False)
    # The customer's own id for this person (Channel Talk memberId, CRM id).
    member_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = created_at()
    updated_at: Mapped[dt.datetime] = updated_at()


class IdentityKind(enum.StrEnum):
    """Which entity an external identity points to."""

    ACCOUNT = "account"
    CONTACT = "contact"


class Identity(Base):
    """An entity's id in one source, e.g. a Channel Talk user id or a Zendesk org id."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("source_id", "kind", "external_id"),)

    id: Mapped[int] = pk()
    workspace_id: Mapped[int] = workspace_fk()
    source_id: Mapped[int] = fk("source.id", nullable=False, ondelete="CASCADE", index=False)
    kind: Mapped[IdentityKind] = mapped_column(str_enum(IdentityKind))
    external_id: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int | None] = fk("account.id", ondelete="CASCADE")
    contact_id: Mapped[int | None] = fk("contact.id", ondelete="CASCADE")
