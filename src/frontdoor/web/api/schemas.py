"""Pydantic schemas: ``*Create`` for input, ``*Public`` for output."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from frontdoor.models import AuthorKind, Channel, ConversationStatus


class TagPublic(BaseModel):
    """A taxonomy node."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    path: str
    parent_id: int | None
    dimension_id: int
    name_ko: str
    name_en: str
    description: str
    status: str


class AssignmentPublic(BaseModel):
    """A tag on a conversation or a quote."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    conversation_id: int
    tag_id: int
    tag_path: str = ""
    scope: str
    message_id: int | None
    span_start: int | None
    span_end: int | None
    origin: str
    confidence: float | None
    status: str
    created_at: dt.datetime


class AssignmentCreate(BaseModel):
    """A human tag decision: whole conversation, or a quote when ``message_id`` is set."""

    conversation_id: int
    tag_id: int
    message_id: int | None = None
    span_start: int | None = Field(default=None, ge=0)
    span_end: int | None = Field(default=None, ge=1)


class MessagePublic(BaseModel):
    """One message."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    external_id: str
    author_kind: str
    author_name: str
    is_internal: bool
    text: str
    language: str | None
    sent_at: dt.datetime


class ConversationSummary(BaseModel):
    """A row of the conversation list."""

    id: int
    subject: str
    channel: str
    status: str
    opened_at: dt.datetime
    language: str | None
    route: str | None
    message_count: int
    account_id: int | None
    source_id: int
    snippet: str
    tags: list[str]


class ConversationList(BaseModel):
    """A page of conversations; pass ``next_cursor`` as ``cursor`` for the next one."""

    items: list[ConversationSummary]
    next_cursor: str | None


class ConversationPublic(BaseModel):
    """A conversation with its messages and assignments."""

    id: int
    external_id: str
    source_id: int
    account_id: int | None
    contact_id: int | None
    channel: str
    subject: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    language: str | None
    route: str | None
    messages: list[MessagePublic]
    assignments: list[AssignmentPublic]


class AccountPublic(BaseModel):
    """A customer company."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    plan: str | None
    segment: str | None
    arr: int
    currency: str
    seats: int | None
    stage: str
    conversations: int = 0


class MessageCreate(BaseModel):
    """A message to ingest."""

    external_id: str = Field(min_length=1, max_length=200)
    author_kind: AuthorKind
    text: str = Field(max_length=100_000)
    sent_at: AwareDatetime
    author_name: str = Field(default="", max_length=300)
    is_internal: bool = False


class ContactCreate(BaseModel):
    """Who wrote in, as the source knows them."""

    external_id: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    name: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=64)


class AccountRefCreate(BaseModel):
    """The company, as the source knows it."""

    external_id: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=300)
    domain: str | None = Field(default=None, max_length=253)


class ConversationCreate(BaseModel):
    """A conversation to ingest (upserted by ``external_id`` within the source)."""

    external_id: str = Field(min_length=1, max_length=200)
    channel: Channel = Channel.API
    opened_at: AwareDatetime
    subject: str = Field(default="", max_length=500)
    status: ConversationStatus = ConversationStatus.OPEN
    closed_at: AwareDatetime | None = None
    contact: ContactCreate | None = None
    account: AccountRefCreate | None = None
    messages: list[MessageCreate] = Field(default_factory=list, max_length=5000)


class IngestRequest(BaseModel):
    """A batch for one source (created on first use with kind ``api``)."""

    source: str = Field(default="api", min_length=1, max_length=200, description="source name")
    conversations: list[ConversationCreate] = Field(min_length=1, max_length=1000)


class RoadmapDemand(BaseModel):
    """Confirmed conversations and distinct accounts behind a roadmap item's linked tags.

    Counted over the roadmap board's window (the last 12 complete weeks), the same
    numbers as ``GET /roadmap`` and the roadmap page.
    """

    id: int
    title: str
    status: str
    tags: list[str]
    conversations: int
    accounts: int
