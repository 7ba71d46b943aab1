"""Storing a batch's survey answers: upsert by ``(source_id, external_id)``, linked to conversations.

An answer names its conversation by external id; it is looked up in the same source
first, then in any source of the workspace (a survey tool answering a Channel Talk chat).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from frontdoor.ingest.batch import Batch, PreparedSurvey, attrs_json, digest, json_safe
from frontdoor.ingest.identity import Resolved
from frontdoor.ingest.rows import Scope, conversation_ids, rows_by_external_id, update_by_id
from frontdoor.ingest.summary import Counts
from frontdoor.models import SurveyKind, SurveyResponse

__all__ = ["store_surveys"]

_SURVEY = cast(Table, SurveyResponse.__table__)


def _survey_row(sv: PreparedSurvey, who: Resolved, conv_id: int | None) -> dict[str, Any]:
    """The stored columns of one answer, its content hash included."""
    rec = sv.rec
    attrs = json_safe(rec.attributes)
    team = (rec.team or "").strip()[:100] or None
    agent = (rec.agent or "").strip()[:200] or None
    content = digest(
        SurveyKind(rec.kind).value,
        float(rec.score),
        int(rec.scale_min),
        int(rec.scale_max),
        sv.comment,
        sv.responded_at.isoformat(),
        who.account_id,
        who.contact_id,
        conv_id,
        team,
        agent,
        attrs_json(attrs),
    )
    return {
        "kind": SurveyKind(rec.kind),
        "score": float(rec.score),
        "scale_min": int(rec.scale_min),
        "scale_max": int(rec.scale_max),
        "comment": sv.comment,
        "account_id": who.account_id,
        "contact_id": who.contact_id,
        "conversation_id": conv_id,
        "team": team,
        "agent": agent,
        "responded_at": sv.responded_at,
        "content_hash": content,
        "attributes": attrs,
    }


def store_surveys(
    s: Session, scope: Scope, batch: Batch, who: dict[str, Resolved], counts: Counts, now: dt.datetime
) -> None:
    """Insert new answers, update changed ones, count the rest unchanged.

    Parameters
    ----------
    s : Session
        The batch's transaction.
    scope : Scope
        Workspace and source of the batch.
    batch : Batch
        Its ``surveys`` are stored.
    who : dict
        The resolved account and contact per survey external id.
    counts : Counts
        Incremented per answer: new, updated or unchanged.
    now : datetime
        The batch's timestamp.
    """
    sc = _SURVEY.c
    existing: dict[str, tuple[int, str]] = {}
    columns = (sc.id, sc.external_id, sc.content_hash)
    for sid, ext, old_hash in rows_by_external_id(s, _SURVEY, columns, scope.source_id, list(batch.surveys)):
        existing[ext] = (sid, old_hash)
    refs = {sv.rec.conversation_external_id for sv in batch.surveys.values()}
    conv_map = conversation_ids(s, scope, [str(x) for x in sorted(r for r in refs if r)])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for ext, sv in batch.surveys.items():
        ref = sv.rec.conversation_external_id
        row = _survey_row(sv, who[ext], conv_map.get(str(ref)) if ref else None)
        old = existing.get(ext)
        if old is None:
            row.update(
                workspace_id=scope.workspace_id, source_id=scope.source_id, external_id=ext, created_at=now
            )
            inserts.append(row)
            counts.new += 1
        elif old[1] == row["content_hash"]:
            counts.unchanged += 1
        else:
            row["_id"] = old[0]
            updates.append(row)
            counts.updated += 1
    if inserts:
        s.execute(_SURVEY.insert(), inserts)
    update_by_id(s, _SURVEY, updates)
