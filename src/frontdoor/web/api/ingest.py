"""POST /ingest: conversations and messages through the same pipeline as file imports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frontdoor.integrations.base import AccountRef, ContactRef, ConversationRecord, MessageRecord
from frontdoor.models import Channel
from frontdoor.web.api.deps import IngestToken
from frontdoor.web.api.schemas import ConversationCreate, IngestRequest
from frontdoor.web.cache import tags_changed
from frontdoor.web.deps import SessionDep, get_store

router = APIRouter(tags=["ingest"])


def to_record(c: ConversationCreate) -> ConversationRecord:
    """The adapter record for one API conversation."""
    account = (
        AccountRef(external_id=c.account.external_id, name=c.account.name, domain=c.account.domain)
        if c.account
        else None
    )
    contact = (
        ContactRef(
            external_id=c.contact.external_id,
            email=c.contact.email,
            name=c.contact.name,
            phone=c.contact.phone,
            account=account,
        )
        if c.contact
        else None
    )
    return ConversationRecord(
        external_id=c.external_id,
        channel=Channel(c.channel),
        opened_at=c.opened_at,
        subject=c.subject,
        status=c.status,
        closed_at=c.closed_at,
        contact=contact,
        account=account,
        messages=[
            MessageRecord(
                external_id=m.external_id,
                author_kind=m.author_kind,
                text=m.text,
                sent_at=m.sent_at,
                author_name=m.author_name,
                is_internal=m.is_internal,
                author=contact if m.author_kind == "customer" else None,
            )
            for m in c.messages
        ],
        position=f"api:{c.external_id}",
    )


@router.post("/ingest", status_code=200)
def ingest(body: IngestRequest, request: Request, session: SessionDep, token: IngestToken) -> dict[str, Any]:
    """Upsert a batch; answers the import summary (new/updated/unchanged/quarantined)."""
    # The pipeline commits in its own sessions; end this request's transaction first so
    # SQLite's single writer is not held by the token check.
    session.commit()
    from frontdoor.ingest.pipeline import ingest_records
    from frontdoor.ingest.sources import get_or_create_source

    store = get_store(request)
    with store.session() as session:
        source = get_or_create_source(session, workspace_id=token.workspace_id, kind="api", name=body.source)
        source_id = source.id
    summary = ingest_records(
        store,
        workspace_id=token.workspace_id,
        source_id=source_id,
        records=[to_record(c) for c in body.conversations],
        file="api",
    )
    tags_changed(request, token.workspace_id)
    result: dict[str, Any] = summary.to_dict()
    result["source_id"] = source_id
    return result
