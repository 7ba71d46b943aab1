"""Survey responses as Delighted and Typeform export them (JSON)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from frontdoor.core.domain import SurveyKind
from frontdoor.core.errors import RecordError
from frontdoor.integrations._fileutil import account_for, bounded_id, content_hash, parse_timestamp
from frontdoor.integrations.base import SurveyRecord
from frontdoor.integrations.surveys.fields import (
    DEFAULT_SCALES,
    DELIGHTED_SCALES,
    SurveyOptions,
    as_mapping,
    check_range,
    parse_score,
    split_properties,
    survey_contact,
)

__all__ = ["delighted_record", "typeform_records"]


def delighted_record(item: Any, config: SurveyOptions, position: str) -> SurveyRecord:
    """One Delighted response (``GET /v1/survey_responses.json``) as a SurveyRecord."""
    if not isinstance(item, Mapping):
        raise RecordError("response is not an object")
    survey_type = str(item.get("survey_type") or "").strip().lower()
    if not survey_type and config.kind is not None:
        survey_type = config.kind.value
    if survey_type not in DELIGHTED_SCALES:
        raise RecordError(f"unsupported Delighted survey_type {survey_type or None!r} (nps, csat or ces)")
    kind, lo, hi = DELIGHTED_SCALES[survey_type]
    if config.scale is not None:
        lo, hi = config.scale
    score = parse_score(item.get("score"))
    check_range(score, kind, lo, hi)
    try:
        responded_at = parse_timestamp(item.get("created_at"), tz=config.tz)
    except (ValueError, OverflowError, OSError):
        raise RecordError(f"created_at {item.get('created_at')!r} is not a time") from None
    person = item.get("person")
    props_raw = as_mapping(item.get("person_properties"))
    known, other = split_properties(props_raw)
    person_id: str | None = None
    email, name = known.get("email"), known.get("name")
    if isinstance(person, Mapping):
        person_id = str(person["id"]) if person.get("id") not in (None, "") else None
        email = str(person.get("email") or "") or email
        name = str(person.get("name") or "") or name
    elif person not in (None, ""):
        person_id = str(person)
    contact = survey_contact(
        email=email,
        name=name,
        member_id=known.get("member_id"),
        company=known.get("company"),
        external_id=person_id,
    )
    ext = item.get("id")
    if ext in (None, ""):
        ext = content_hash(
            survey_type, score, responded_at.isoformat(), person_id or email, item.get("comment")
        )
    attributes: dict[str, Any] = {}
    if other:
        attributes["person_properties"] = other
    for key in ("permalink", "tags", "notes"):
        if item.get(key):
            attributes[key] = item[key]
    return SurveyRecord(
        external_id=bounded_id(str(ext)),
        kind=kind,
        score=score,
        scale_min=lo,
        scale_max=hi,
        responded_at=responded_at,
        comment=str(item.get("comment") or ""),
        contact=contact,
        account=contact.account if contact else account_for(email, company=known.get("company")),
        conversation_external_id=known.get("conversation_id"),
        team=known.get("team"),
        agent=known.get("agent"),
        attributes=attributes,
        position=position,
    )


def typeform_records(item: Any, config: SurveyOptions, position: str) -> Iterator[SurveyRecord]:
    """One Typeform response item: a SurveyRecord per score answer, sharing the comment."""
    if not isinstance(item, Mapping):
        raise RecordError("response is not an object")
    token = str(item.get("response_id") or item.get("token") or "").strip()
    if not token:
        raise RecordError("response has no token or response_id")
    try:
        responded_at = parse_timestamp(item.get("submitted_at") or item.get("landed_at") or "", tz=config.tz)
    except ValueError:
        raise RecordError(f"submitted_at {item.get('submitted_at')!r} is not a time") from None
    hidden = as_mapping(item.get("hidden"))
    known, other = split_properties(hidden)
    answers = [a for a in item.get("answers") or [] if isinstance(a, Mapping)]
    scores: list[tuple[str, SurveyKind, int, int, float]] = []
    texts: list[tuple[bool, str]] = []  # (not long_text, text): a long answer is the comment
    email = known.get("email")
    for answer in answers:
        fld = as_mapping(answer.get("field"))
        ref = str(fld.get("ref") or fld.get("id") or "")
        ftype = str(fld.get("type") or "")
        atype = str(answer.get("type") or "")
        if atype == "text":
            if ref == config.comment_ref or not config.comment_ref:
                texts.append((ftype != "long_text", str(answer.get("text") or "")))
            continue
        if atype == "email" and not email:
            email = str(answer.get("email") or "") or None
            continue
        if atype != "number":
            continue
        target = _typeform_target(ref, ftype, config)
        if target is None:
            continue
        kind, lo, hi = target
        score = parse_score(answer.get("number"))
        check_range(score, kind, lo, hi)
        scores.append((ref, kind, lo, hi, score))
    comment = min(texts, key=lambda t: t[0])[1] if texts else ""
    if not scores:
        raise RecordError(
            "no score answer found: map one with --option fields=REF:KIND[:MIN-MAX] or --option kind=..."
        )
    contact = survey_contact(
        email=email,
        name=known.get("name"),
        member_id=known.get("member_id"),
        company=known.get("company"),
    )
    attributes: dict[str, Any] = {"typeform_token": token}
    if other:
        attributes["hidden"] = other
    for ref, kind, lo, hi, score in scores:
        yield SurveyRecord(
            external_id=bounded_id(f"{token}:{ref}"),
            kind=kind,
            score=score,
            scale_min=lo,
            scale_max=hi,
            responded_at=responded_at,
            comment=comment,
            contact=contact,
            account=contact.account if contact else account_for(email, company=known.get("company")),
            conversation_external_id=known.get("conversation_id"),
            team=known.get("team"),
            agent=known.get("agent"),
            attributes={**attributes, "field_ref": ref},
            position=position,
        )


def _typeform_target(ref: str, ftype: str, config: SurveyOptions) -> tuple[SurveyKind, int, int] | None:
    if config.fields:
        return config.fields.get(ref)
    if ftype == "nps":
        return SurveyKind.NPS, 0, 10
    if ftype in ("opinion_scale", "rating", "number") and config.kind is not None:
        lo, hi = config.scale or DEFAULT_SCALES[config.kind]
        return config.kind, lo, hi
    return None
