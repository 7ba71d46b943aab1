"""Zendesk Support: incremental export files, ticket + comments files, and webhooks.

Accepted JSON (one file, or a folder of ``*.json`` read in name order and merged):

- incremental cursor export pages: ``{tickets[], after_cursor, end_of_stream}`` (with
  ``users[]`` / ``organizations[]`` side-loaded when exported with ``include=``);
- tickets with their comments side-loaded: ``{tickets: [{..., comments: [...]}]}``, or one
  ``{ticket, comments}`` as ``GET /tickets/{id}`` + ``/comments`` return them;
- ticket events with comment events: ``{ticket_events: [{ticket_id, created_at,
  child_events: [{event_type: Comment, ...}]}]}`` (merged into the tickets of the same
  import; comment events for a ticket that is not there are quarantined).

Mapping: a ticket becomes a conversation (external id = ticket id, channel helpdesk);
each comment a message (external id = comment id). A comment by the requester (or by any
``end-user`` when users are side-loaded) is the customer's; other authors are agents.
``public: false`` comments are internal notes: kept, marked internal, authored by an agent,
never customer voice. A ticket without comments gets its ``description`` as one customer
message (``<ticket id>:description``). ``satisfaction_rating`` good/bad becomes a CSAT
:class:`SurveyRecord` on a 0-1 scale (good = 1, bad = 0) linked to the ticket; offered
and unoffered ratings are not answers and give none. ``organization_id`` is the account's
external id, the requester the contact. Deleted tickets are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus, SurveyKind
from frontdoor.core.errors import AdapterError, RecordError
from frontdoor.integrations._common import (
    bad_record,
    body_hash,
    epoch_s,
    ext_id,
    header,
    hmac_b64,
    html_to_text,
    iso_time,
    json_files,
    load_json,
    parse_json_bytes,
    same,
    text_or_none,
)
from frontdoor.integrations._fileutil import check_options
from frontdoor.integrations.base import (
    AccountRef,
    BadRecord,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    Record,
    SurveyRecord,
)
from frontdoor.integrations.webhooks import JsonWebhook

KIND = "zendesk"

_STATUS = {
    "new": ConversationStatus.OPEN,
    "open": ConversationStatus.OPEN,
    "pending": ConversationStatus.SNOOZED,
    "hold": ConversationStatus.SNOOZED,
    "solved": ConversationStatus.CLOSED,
    "closed": ConversationStatus.CLOSED,
}
_SCORES = {"good": 1.0, "bad": 0.0}
# Zendesk's own system user (triggers, automations).
_SYSTEM_AUTHOR = "-1"


def _time(value: object, *, field: str) -> Any:
    """Zendesk times are ISO-8601; event ``timestamp`` fields are epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return epoch_s(value, field=field)
    return iso_time(value, field=field)


class _Batch:
    """Tickets, people and comments gathered from one or more Zendesk JSON documents."""

    def __init__(self) -> None:
        self.tickets: dict[str, tuple[str, Mapping[str, Any]]] = {}
        self.users: dict[str, Mapping[str, Any]] = {}
        self.orgs: dict[str, Mapping[str, Any]] = {}
        self.comments: dict[str, dict[str, Mapping[str, Any]]] = {}
        self.bad: list[BadRecord] = []

    def add_document(self, doc: object, *, where: str) -> None:
        if isinstance(doc, list):
            doc = {"tickets": doc}
        if not isinstance(doc, Mapping):
            raise AdapterError(f"{where}: expected a Zendesk JSON object (tickets, ticket_events ...)")
        known = ("tickets", "ticket", "ticket_events", "users", "organizations", "comments")
        if not any(key in doc for key in known):
            raise AdapterError(f"{where}: no tickets, ticket or ticket_events; is this a Zendesk export?")
        for user in doc.get("users") or []:
            if isinstance(user, Mapping) and text_or_none(user.get("id")):
                self.users[str(user["id"])] = user
        for org in doc.get("organizations") or []:
            if isinstance(org, Mapping) and text_or_none(org.get("id")):
                self.orgs[str(org["id"])] = org
        tickets = doc.get("tickets") or []
        if not isinstance(tickets, list):
            raise AdapterError(f"{where}: tickets is not a JSON array")
        single = doc.get("ticket")
        if isinstance(single, Mapping):
            ticket = dict(single)
            if isinstance(doc.get("comments"), list) and "comments" not in ticket:
                ticket["comments"] = doc["comments"]
            tickets = [*tickets, ticket]
        for index, ticket in enumerate(tickets):
            position = f"{where} tickets[{index}]"
            try:
                ticket_id = ext_id(
                    ticket.get("id") if isinstance(ticket, Mapping) else None, field="ticket.id"
                )
            except RecordError as exc:
                self.bad.append(bad_record(position, ticket, str(exc)))
                continue
            # An incremental export repeats a ticket each time it changed: the last one wins.
            self.tickets.pop(ticket_id, None)
            self.tickets[ticket_id] = (position, ticket)
            for comment in ticket.get("comments") or []:
                self._add_comment(ticket_id, comment, position=position)
        for index, event in enumerate(doc.get("ticket_events") or []):
            self._add_event(event, position=f"{where} ticket_events[{index}]")

    def _add_comment(self, ticket_id: str, comment: object, *, position: str) -> None:
        bucket = self.comments.setdefault(ticket_id, {})
        key = str(comment.get("id")) if isinstance(comment, Mapping) else f"?{len(bucket)}"
        bucket[key] = comment if isinstance(comment, Mapping) else {"_raw": comment, "_position": position}

    def _add_event(self, event: object, *, position: str) -> None:
        if not isinstance(event, Mapping) or not text_or_none(event.get("ticket_id")):
            self.bad.append(bad_record(position, event, "event without ticket_id"))
            return
        ticket_id = str(event["ticket_id"])
        children = event.get("child_events") or []
        for child in children if isinstance(children, list) else []:
            if not isinstance(child, Mapping) or child.get("event_type") != "Comment":
                continue
            comment = dict(child)
            comment.setdefault("created_at", event.get("created_at") or event.get("timestamp"))
            comment.setdefault("author_id", event.get("updater_id"))
            self._add_comment(ticket_id, comment, position=position)


def _contact(
    user_id: str | None, users: Mapping[str, Mapping[str, Any]], account: AccountRef | None
) -> ContactRef | None:
    if not user_id:
        return None
    user = users.get(user_id) or {}
    return ContactRef(
        external_id=user_id,
        email=text_or_none(user.get("email")),
        name=text_or_none(user.get("name")),
        phone=text_or_none(user.get("phone")),
        language=text_or_none(user.get("locale")),
        member_id=text_or_none(user.get("external_id")),
        account=account,
    )


def _comment_record(
    comment: Mapping[str, Any],
    *,
    requester_id: str | None,
    users: Mapping[str, Mapping[str, Any]],
    requester: ContactRef | None,
) -> MessageRecord:
    if "_raw" in comment:
        raise RecordError("comment is not an object")
    comment_id = ext_id(comment.get("id"), field="comment.id")
    plain = comment.get("plain_body")
    if isinstance(plain, str) and plain.strip():
        text = plain.strip()
    elif isinstance(comment.get("html_body"), str):
        text = html_to_text(comment["html_body"])
    elif isinstance(comment.get("body"), str):
        text = comment["body"].strip()
    else:
        raise RecordError(f"comment {comment_id}: no body")
    sent_at = _time(comment.get("created_at"), field=f"comment {comment_id} created_at")
    author_id = text_or_none(comment.get("author_id"))
    public = comment.get("public", True) is not False
    author = users.get(author_id or "") or {}
    role = text_or_none(author.get("role"))
    if not public:
        kind = AuthorKind.AGENT  # internal notes are never customer voice
    elif author_id == _SYSTEM_AUTHOR:
        kind = AuthorKind.SYSTEM
    elif role is not None:
        kind = AuthorKind.CUSTOMER if role == "end-user" else AuthorKind.AGENT
    else:
        kind = (
            AuthorKind.CUSTOMER if author_id is not None and author_id == requester_id else AuthorKind.AGENT
        )
    contact = None
    if kind is AuthorKind.CUSTOMER:
        contact = requester if author_id == requester_id else _contact(author_id, users, None)
    attributes: dict[str, Any] = {"author_id": author_id} if author_id else {}
    attachments = comment.get("attachments")
    if isinstance(attachments, list) and attachments:
        attributes["attachments"] = [
            str(a.get("file_name", "")) for a in attachments if isinstance(a, Mapping)
        ]
    return MessageRecord(
        external_id=comment_id,
        author_kind=kind,
        text=text,
        sent_at=sent_at,
        author_name=text_or_none(author.get("name")) or "",
        author=contact,
        is_internal=not public,
        attributes=attributes,
    )


def _ticket_records(
    ticket: Mapping[str, Any],
    comments: Mapping[str, Mapping[str, Any]],
    *,
    batch: _Batch,
    position: str,
) -> Iterator[Record]:
    try:
        ticket_id = ext_id(ticket.get("id"), field="ticket.id")
        opened_at = _time(ticket.get("created_at"), field=f"ticket {ticket_id} created_at")
        updated_raw = ticket.get("updated_at")
        updated_at = _time(updated_raw, field=f"ticket {ticket_id} updated_at") if updated_raw else opened_at
    except RecordError as exc:
        # Comment events of the ticket go to quarantine with it, so nothing is dropped.
        bundle = {**ticket, "comments": list(comments.values())} if isinstance(ticket, Mapping) else ticket
        yield bad_record(position, bundle, str(exc))
        return
    status_text = str(ticket.get("status") or "open").lower()
    if status_text == "deleted":
        return
    status = _STATUS.get(status_text, ConversationStatus.OPEN)
    account = _account(ticket, batch)
    requester_id = text_or_none(ticket.get("requester_id"))
    requester = _contact(requester_id, batch.users, account)
    messages: list[MessageRecord] = []
    for comment in comments.values():
        try:
            messages.append(
                _comment_record(comment, requester_id=requester_id, users=batch.users, requester=requester)
            )
        except RecordError as exc:
            yield bad_record(f"{position} ticket {ticket_id} comment", comment, str(exc))
    if not comments and isinstance(ticket.get("description"), str) and ticket["description"].strip():
        messages.append(
            MessageRecord(
                external_id=f"{ticket_id}:description",
                author_kind=AuthorKind.CUSTOMER,
                text=ticket["description"].strip(),
                sent_at=opened_at,
                author_name=(requester.name or "") if requester else "",
                author=requester,
            )
        )
    messages.sort(key=lambda m: (m.sent_at, m.external_id))
    yield ConversationRecord(
        external_id=ticket_id,
        channel=Channel.HELPDESK,
        opened_at=opened_at,
        messages=messages,
        subject=str(ticket.get("subject") or ticket.get("raw_subject") or "")[:500],
        status=status,
        closed_at=updated_at if status is ConversationStatus.CLOSED else None,
        contact=requester,
        account=account,
        attributes=_ticket_attributes(ticket),
        position=position,
    )
    rating = ticket.get("satisfaction_rating")
    if isinstance(rating, Mapping) and str(rating.get("score")) in _SCORES:
        yield _rating(rating, ticket, ticket_id, updated_at, requester, account, position)


def _account(ticket: Mapping[str, Any], batch: _Batch) -> AccountRef | None:
    """The ticket's organization (side-loaded name and first domain when exported), if any."""
    org_id = text_or_none(ticket.get("organization_id"))
    if not org_id:
        return None
    org = batch.orgs.get(org_id) or {}
    domains = org.get("domain_names")
    return AccountRef(
        external_id=org_id,
        name=text_or_none(org.get("name")),
        domain=str(domains[0]) if isinstance(domains, list) and domains else None,
    )


def _ticket_attributes(ticket: Mapping[str, Any]) -> dict[str, Any]:
    """Priority, type, assignee, group, brand, tags and the channel the ticket came through."""
    attributes: dict[str, Any] = {}
    for key in ("priority", "type", "assignee_id", "group_id", "brand_id"):
        if ticket.get(key) is not None:
            attributes[key] = ticket[key]
    if isinstance(ticket.get("tags"), list):
        attributes["tags"] = [str(t) for t in ticket["tags"]]
    via = ticket.get("via")
    if isinstance(via, Mapping) and via.get("channel"):
        attributes["via"] = str(via["channel"])
    return attributes


def _rating(
    rating: Mapping[str, Any],
    ticket: Mapping[str, Any],
    ticket_id: str,
    updated_at: Any,
    requester: ContactRef | None,
    account: AccountRef | None,
    position: str,
) -> Record:
    """A good/bad satisfaction rating as CSAT on a 0-1 scale, or a BadRecord why not."""
    try:
        when_raw = rating.get("updated_at") or rating.get("created_at")
        responded = _time(when_raw, field="satisfaction_rating.created_at") if when_raw else updated_at
    except RecordError as exc:
        return bad_record(f"{position} satisfaction_rating", rating, str(exc))
    rating_id = text_or_none(rating.get("id"))
    return SurveyRecord(
        external_id=f"csat:{rating_id}" if rating_id else f"csat:ticket:{ticket_id}",
        kind=SurveyKind.CSAT,
        score=_SCORES[str(rating["score"])],
        scale_min=0,
        scale_max=1,
        responded_at=responded,
        comment=str(rating.get("comment") or "").strip(),
        contact=requester,
        account=account,
        conversation_external_id=ticket_id,
        agent=text_or_none(ticket.get("assignee_id")),
        attributes={"zendesk_score": str(rating["score"])},
        position=f"{position} satisfaction_rating",
    )


def _batch_records(batch: _Batch) -> Iterator[Record]:
    yield from batch.bad
    for ticket_id, (position, ticket) in batch.tickets.items():
        yield from _ticket_records(ticket, batch.comments.pop(ticket_id, {}), batch=batch, position=position)
    for ticket_id, comments in batch.comments.items():
        yield bad_record(
            f"ticket_events ticket {ticket_id}",
            list(comments.values()),
            f"{len(comments)} comment(s) for ticket {ticket_id}, which is not in this import; "
            "import the tickets export together with the ticket events",
        )


class ZendeskExport:
    """Zendesk incremental export / tickets-with-comments / ticket-events JSON files."""

    kind: ClassVar[str] = KIND
    channel: ClassVar[Channel] = Channel.HELPDESK
    summary: ClassVar[str] = "Zendesk tickets, comments and CSAT from export JSON"
    help: ClassVar[str] = (
        "Reads Zendesk JSON: incremental cursor export pages ({tickets, after_cursor, "
        "end_of_stream}, with users/organizations side-loaded if exported with include=), "
        "tickets with side-loaded comments, or ticket_events with comment events. Give a file "
        "or a folder of *.json files (merged, so tickets and ticket events can be imported "
        "together). Private comments are kept as internal notes; CSAT good/bad is stored on a "
        "0-1 scale.\n\nExample: frontdoor import zendesk ./zendesk-export/"
    )

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream ticket conversations and CSAT answers; bad tickets and comments as BadRecord.

        Raises
        ------
        AdapterError
            When no file is a Zendesk JSON document.
        """
        check_options(options, (), KIND)
        batch = _Batch()
        for file in json_files(path):
            batch.add_document(load_json(file), where=file.name)
        yield from _batch_records(batch)

    def parse_raw(self, raw: str, *, options: Mapping[str, str], position: str = "") -> Iterator[Record]:
        """Parse one quarantined payload again: a ticket (with its comments) or an export page.

        Raises
        ------
        AdapterError
            When ``raw`` is not Zendesk JSON.
        """
        doc = parse_json_bytes(raw.encode("utf-8"), what="quarantined Zendesk record")
        if isinstance(doc, Mapping) and "id" in doc and not {"tickets", "ticket", "ticket_events"} & set(doc):
            doc = {"tickets": [doc]}
        batch = _Batch()
        batch.add_document(doc, where=position or "quarantine")
        yield from _batch_records(batch)


class ZendeskWebhook(JsonWebhook):
    """Zendesk webhooks, signed with ``X-Zendesk-Webhook-Signature``.

    The signature is base64(HMAC-SHA256(secret, timestamp + raw body)) with the timestamp
    from ``X-Zendesk-Webhook-Signature-Timestamp`` (no separator). The body is the JSON the
    admin configured; ``{ticket: {...}}`` (optionally with ``comments``) or a tickets page
    give records.
    """

    kind: ClassVar[str] = KIND
    what: ClassVar[str] = "Zendesk webhook body"

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> bool:
        """Whether the signature matches the body and timestamp."""
        signature = header(headers, "x-zendesk-webhook-signature")
        timestamp = header(headers, "x-zendesk-webhook-signature-timestamp")
        if not secret or not signature or not timestamp:
            return False
        return same(signature, hmac_b64(secret, timestamp.encode("utf-8") + body))

    def delivery_id(self, *, headers: Mapping[str, str], body: bytes) -> str:
        """Zendesk's invocation id when sent, else a hash of the body."""
        invocation = header(headers, "x-zendesk-webhook-invocation-id")
        return f"invocation:{invocation}" if invocation else body_hash(body)

    def payload_records(self, payload: Any) -> list[Record]:
        """Records from a parsed body; one that is no Zendesk document is one BadRecord (the body)."""
        batch = _Batch()
        batch.add_document(payload, where="webhook")
        return list(_batch_records(batch))
