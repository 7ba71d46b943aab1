"""Writing the generated demo content into the store in bulk, in the build's one transaction.

Rows come from :func:`frontdoor.demo.generator.generate` with list indexes for references;
this module turns them into database ids as it inserts, level by level where rows refer
to each other (tags to parents, messages to conversations).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from frontdoor.db.base import utcnow
from frontdoor.db.bulk import copy_rows
from frontdoor.demo import names
from frontdoor.demo.content import GENERATOR_VERSION, OUTAGE_AREA, SOURCES, DemoData
from frontdoor.models import (
    Account,
    AccountDomain,
    Contact,
    Conversation,
    Identity,
    Message,
    RoadmapItem,
    Source,
    SurveyResponse,
    Tag,
    TagAssignment,
    TagDimension,
    User,
    Workspace,
    roadmap_item_tag,
)
from frontdoor.workspace.users import hash_password

Progress = Callable[[str], None]


def _ids(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Bulk insert ``rows`` and return their new ids in the same order."""
    if not rows:
        return []
    result = session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), list(rows))
    return [int(x) for x in result.scalars().all()]


def bulk_insert(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL, a plain Core executemany elsewhere.

    The ORM's per-row bookkeeping is not needed here; on PostgreSQL, COPY spares the server
    from parsing thousands of multi-row INSERT statements (several times faster).
    """
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        copy_rows(session, model.__table__, rows)
    else:
        session.execute(insert(model.__table__), list(rows))


def _insert_keyed(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], *, workspace_id: int
) -> list[int]:
    """Bulk insert rows keyed by (source_id, external_id); return their ids in row order.

    A plain executemany plus one SELECT is much faster than INSERT .. RETURNING with ordered
    results, which SQLite can only do row by row for these tables.
    """
    if not rows:
        return []
    bulk_insert(session, model, rows)
    found = {
        (src, ext): int(pk)
        for pk, src, ext in session.execute(
            select(model.id, model.source_id, model.external_id).where(model.workspace_id == workspace_id)
        )
    }
    return [found[(r["source_id"], r["external_id"])] for r in rows]


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


@dataclass(frozen=True)
class Written:
    """Ids the rest of the build needs."""

    workspace_id: int
    user_ids: list[int]
    conversation_ids: list[int]


def write_content(
    session: Session, data: DemoData, *, slug: str, build_version: int, say: Progress
) -> Written:
    """Write ``data`` into a new workspace ``slug`` (one transaction, the caller commits).

    The workspace's ``settings["demo"]`` marker records the generator and build versions
    and says ``building``; the caller moves it on once its own rows are in.
    """
    now = utcnow()
    ws = Workspace(
        slug=slug,
        name=names.WORKSPACE_NAME,
        default_language="ko",
        timezone="Asia/Seoul",
        settings={"demo": {"version": GENERATOR_VERSION, "build": build_version, "state": "building"}},
    )
    session.add(ws)
    session.flush()
    wid = ws.id

    # Users: one argon2 hash serves all of them (same demo password; hashing is slow on purpose).
    pw_hash = hash_password(names.DEMO_PASSWORD)
    user_ids = _ids(
        session,
        User,
        [
            {
                "workspace_id": wid,
                "email": u.email,
                "name": u.name,
                "role": u.role,
                "password_hash": pw_hash,
                "language": u.language,
                "product_area": u.product_area,
                "is_active": True,
                "created_at": now,
            }
            for u in data.users
        ],
    )

    say("taxonomy")
    dim_ids = dict(
        zip(
            [d.key for d in data.dimensions],
            _ids(
                session,
                TagDimension,
                [
                    {
                        "workspace_id": wid,
                        "key": d.key,
                        "name_ko": d.name_ko,
                        "name_en": d.name_en,
                        "multi_label": d.multi_label,
                        "position": d.position,
                    }
                    for d in data.dimensions
                ],
            ),
            strict=True,
        )
    )
    tag_ids: dict[str, int] = {}
    # Insert level by level so each tag's parent already has an id.
    depth = max(t.path.count("/") for t in data.tags)
    for level in range(1, depth + 1):
        batch = [t for t in data.tags if t.path.count("/") == level]
        rows = [
            {
                "workspace_id": wid,
                "path": t.path,
                "parent_id": tag_ids.get(t.parent_path or ""),
                "dimension_id": dim_ids[t.dimension],
                "name_ko": t.name_ko,
                "name_en": t.name_en,
                "description": t.description,
                "keywords": list(t.keywords),
                "patterns": list(t.patterns),
                "examples": data.tag_examples.get(t.path, []),
                "status": "active",
                "created_at": now,
                "updated_at": now,
            }
            for t in batch
        ]
        tag_ids.update(zip([t.path for t in batch], _ids(session, Tag, rows), strict=True))

    say(f"{len(data.accounts)} accounts, {len(data.contacts)} contacts")
    account_ids = _ids(
        session,
        Account,
        [
            {
                "workspace_id": wid,
                "name": a.name,
                "plan": a.plan,
                "segment": a.segment,
                "arr": a.arr,
                "currency": "KRW",
                "seats": a.seats,
                "owner_id": user_ids[a.owner],
                "stage": a.stage,
                "attributes": {**a.attributes, "language": a.language},
                "created_at": now,
                "updated_at": now,
            }
            for a in data.accounts
        ],
    )
    bulk_insert(
        session,
        AccountDomain,
        [
            {"workspace_id": wid, "account_id": account_ids[i], "domain": a.domain}
            for i, a in enumerate(data.accounts)
        ],
    )
    contact_ids = _ids(
        session,
        Contact,
        [
            {
                "workspace_id": wid,
                "account_id": account_ids[c.account] if c.account is not None else None,
                "name": c.name,
                "email": c.email,
                "phone": None,
                "title": c.title,
                "is_decision_maker": c.is_decision_maker,
                "member_id": c.member_id,
                "language": c.language,
                "attributes": c.attributes,
                "created_at": now,
                "updated_at": now,
            }
            for c in data.contacts
        ],
    )

    source_ids = dict(
        zip(
            [s[0] for s in SOURCES],
            _ids(
                session,
                Source,
                [
                    {
                        "workspace_id": wid,
                        "kind": kind,
                        "name": name,
                        "settings": {"demo": True, "channel": ch},
                        "is_active": True,
                        "last_synced_at": data.window_end,
                        "created_at": now,
                    }
                    for _key, kind, name, ch in SOURCES
                ],
            ),
            strict=True,
        )
    )
    bulk_insert(
        session,
        Identity,
        [
            {
                "workspace_id": wid,
                "source_id": source_ids[x.source],
                "kind": "contact",
                "external_id": x.external_id,
                "account_id": None,
                "contact_id": contact_ids[x.contact],
            }
            for x in data.identities
        ],
    )

    say(f"{len(data.conversations)} conversations")
    convs = data.conversations
    conv_ids = _insert_keyed(
        session,
        Conversation,
        [
            {
                "workspace_id": wid,
                "source_id": source_ids[c.source],
                "external_id": c.external_id,
                "account_id": account_ids[c.account] if c.account is not None else None,
                "contact_id": contact_ids[c.contact] if c.contact is not None else None,
                "channel": c.channel,
                "subject": c.subject,
                "status": c.status,
                "opened_at": c.opened_at,
                "closed_at": c.closed_at,
                "last_message_at": c.last_message_at,
                "message_count": len(c.messages),
                "language": c.language,
                "route": c.route,
                "route_reason": c.route_reason,
                "route_confirmed": c.route_confirmed,
                "content_hash": _hash(c.external_id, c.subject, c.status, len(c.messages)),
                "attributes": c.attributes,
                "created_at": now,
                "updated_at": now,
            }
            for c in convs
        ],
        workspace_id=wid,
    )
    msg_rows: list[dict[str, Any]] = []
    for ci, c in enumerate(convs):
        for m in c.messages:
            msg_rows.append(
                {
                    "workspace_id": wid,
                    "conversation_id": conv_ids[ci],
                    "source_id": source_ids[c.source],
                    "external_id": m.external_id,
                    "author_kind": m.author_kind,
                    "author_name": m.author_name,
                    "contact_id": contact_ids[c.contact]
                    if m.from_contact and c.contact is not None
                    else None,
                    "is_internal": m.is_internal,
                    "text": m.text,
                    "text_truncated": False,
                    "language": m.language,
                    "sent_at": m.sent_at,
                    "content_hash": _hash(m.author_kind, m.text, m.sent_at.isoformat()),
                    "attributes": m.attributes,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    say(f"{len(msg_rows)} messages")
    flat_ids = _insert_keyed(session, Message, msg_rows, workspace_id=wid)
    msg_ids: list[list[int]] = []
    pos = 0
    for c in convs:
        msg_ids.append(flat_ids[pos : pos + len(c.messages)])
        pos += len(c.messages)

    assign_rows: list[dict[str, Any]] = []
    for ci, c in enumerate(convs):
        for x in c.assignments:
            scope, message_id, start, end = "", None, None, None
            if x.quote is not None:
                message_id = msg_ids[ci][x.quote[0]]
                start, end = x.quote[1], x.quote[2]
                scope = f"m{message_id}:{start}-{end}"
            assign_rows.append(
                {
                    "workspace_id": wid,
                    "conversation_id": conv_ids[ci],
                    "tag_id": tag_ids[x.tag],
                    "scope": scope,
                    "message_id": message_id,
                    "span_start": start,
                    "span_end": end,
                    "origin": x.origin,
                    "confidence": x.confidence,
                    "status": x.status,
                    "model_version": x.model_version,
                    "created_by_id": user_ids[x.created_by] if x.created_by is not None else None,
                    "decided_by_id": user_ids[x.decided_by] if x.decided_by is not None else None,
                    "decided_at": x.decided_at,
                    "attributes": {},
                    "created_at": x.created_at,
                    "updated_at": x.decided_at or x.created_at,
                }
            )
    say(f"{len(assign_rows)} tag assignments")
    bulk_insert(session, TagAssignment, assign_rows)

    say(f"{len(data.surveys)} survey responses, {len(data.roadmap)} roadmap items")
    bulk_insert(
        session,
        SurveyResponse,
        [
            {
                "workspace_id": wid,
                "source_id": source_ids["surveys"],
                "external_id": s.external_id,
                "kind": s.kind,
                "score": float(s.score),
                "scale_min": s.scale_min,
                "scale_max": s.scale_max,
                "comment": s.comment,
                "account_id": account_ids[s.account] if s.account is not None else None,
                "contact_id": contact_ids[s.contact] if s.contact is not None else None,
                "conversation_id": conv_ids[s.conversation] if s.conversation is not None else None,
                "team": s.team,
                "agent": s.agent,
                "responded_at": s.responded_at,
                "content_hash": _hash(s.kind, s.score, s.comment),
                "attributes": {},
                "created_at": now,
            }
            for s in data.surveys
        ],
    )
    item_ids = _ids(
        session,
        RoadmapItem,
        [
            {
                "workspace_id": wid,
                "title": r.title,
                "description": r.description,
                "status": r.status,
                "external_url": r.external_url,
                "strategic_weight": r.strategic_weight,
                "shipped_at": r.shipped_at,
                "created_at": now,
                "updated_at": now,
            }
            for r in data.roadmap
        ],
    )
    session.execute(
        insert(roadmap_item_tag),
        [
            {"roadmap_item_id": item_ids[i], "tag_id": tag_ids[t]}
            for i, r in enumerate(data.roadmap)
            for t in r.tags
        ],
    )

    # Completion marker last: same transaction, so it is only ever seen with all the rows.
    ws.settings = {
        "demo": {
            "version": GENERATOR_VERSION,
            "build": build_version,
            # Data written; the caller moves it to "alerts", then "complete".
            "state": "building",
            "window_start": data.window_start.isoformat(),
            "window_end": data.window_end.isoformat(),
            "incident": {
                "id": "INC-2026-014",
                "area": OUTAGE_AREA,
                "title": "판매 채널 데이터 수집 지연 (대시보드 데이터 지연)",
                "start": data.outage_start.isoformat(),
                "end": data.outage_end.isoformat(),
            },
        }
    }
    session.flush()
    return Written(wid, user_ids, conv_ids)
