"""Survey kinds, scales and scores; CSV columns and response properties; the adapter's options."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from frontdoor.core.domain import SurveyKind
from frontdoor.core.errors import RecordError, ValidationError
from frontdoor.integrations._fileutil import account_for, timezone_option
from frontdoor.integrations.base import ContactRef

# Scales used when a row or option does not give one.
DEFAULT_SCALES: dict[SurveyKind, tuple[int, int]] = {
    SurveyKind.NPS: (0, 10),
    SurveyKind.CSAT: (1, 5),
    SurveyKind.CES: (1, 7),
}
# Delighted's own scales (its CES is 1-5).
DELIGHTED_SCALES: dict[str, tuple[SurveyKind, int, int]] = {
    "nps": (SurveyKind.NPS, 0, 10),
    "csat": (SurveyKind.CSAT, 1, 5),
    "ces": (SurveyKind.CES, 1, 5),
}

# CSV header -> canonical column. Lower-cased, spaces and dashes as underscores.
_COLUMNS: dict[str, str] = {
    **{k: "id" for k in ("id", "response_id", "응답id", "응답_id", "응답번호")},
    **{k: "kind" for k in ("kind", "type", "survey_type", "metric", "survey", "유형", "종류")},
    **{k: "score" for k in ("score", "rating", "value", "점수")},
    **{k: "scale" for k in ("scale", "척도")},
    **{k: "scale_min" for k in ("scale_min", "min")},
    **{k: "scale_max" for k in ("scale_max", "max")},
    **{k: "comment" for k in ("comment", "comments", "feedback", "reason", "코멘트", "의견", "내용")},
    **{k: "email" for k in ("email", "e_mail", "이메일")},
    **{k: "name" for k in ("name", "customer", "customer_name", "이름", "고객명")},
    **{k: "member_id" for k in ("member_id", "user_id", "customer_id", "회원id", "회원_id")},
    **{k: "company" for k in ("company", "account", "company_name", "회사", "회사명", "고객사")},
    **{
        k: "created_at"
        for k in (
            "created_at",
            "responded_at",
            "submitted_at",
            "date",
            "timestamp",
            "응답일시",
            "일시",
            "날짜",
        )
    },
    **{k: "conversation_id" for k in ("conversation_id", "ticket_id", "chat_id", "대화id")},
    **{k: "team" for k in ("team", "팀")},
    **{k: "agent" for k in ("agent", "상담사", "담당자")},
}
# Keys in Delighted person_properties / Typeform hidden fields, compared lower-cased.
_PROPERTY_KEYS: dict[str, str] = {
    "company": "company",
    "company name": "company",
    "company_name": "company",
    "account": "company",
    "회사": "company",
    "member_id": "member_id",
    "memberid": "member_id",
    "user_id": "member_id",
    "customer_id": "member_id",
    "email": "email",
    "name": "name",
    "team": "team",
    "agent": "agent",
    "conversation_id": "conversation_id",
    "ticket_id": "conversation_id",
    "chat_id": "conversation_id",
}
_SCALE_RE = re.compile(r"^\s*(-?\d+)\s*(?:-|–|~|to|\.\.)\s*(-?\d+)\s*$")
# The options the adapter accepts (see its help).
OPTIONS = ("kind", "scale", "fields", "comment_ref", "timezone", "encoding")


def parse_kind(value: object) -> SurveyKind:
    """``nps``/``csat``/``ces`` (any case) as a :class:`SurveyKind`.

    Raises
    ------
    RecordError
        For anything else.
    """
    text = str(value or "").strip().lower()
    try:
        return SurveyKind(text)
    except ValueError:
        raise RecordError(f"unknown survey kind {str(value)[:40]!r} (expected nps, csat or ces)") from None


def parse_scale(value: str) -> tuple[int, int]:
    """``"0-10"``, ``"1~7"``, ``"1–5"`` as ``(min, max)``.

    Raises
    ------
    RecordError
        When the text is not ``min-max`` with min < max.
    """
    match = _SCALE_RE.match(value)
    if not match or int(match.group(1)) >= int(match.group(2)):
        raise RecordError(f"scale {value[:40]!r} is not MIN-MAX (e.g. 0-10, 1-5, 1-7)")
    return int(match.group(1)), int(match.group(2))


def parse_score(value: object) -> float:
    """A finite score from a number or text (``"9점"`` reads 9), or :class:`RecordError`."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError("missing score")
    try:
        # Korean exports sometimes write "9점" (9 points).
        text = str(value).strip().removesuffix("점").strip()
        score = float(text) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise RecordError(f"score {str(value)[:40]!r} is not a number") from None
    if not math.isfinite(score):
        raise RecordError(f"score {value!r} is not a number")
    return score


def check_range(score: float, kind: SurveyKind, lo: int, hi: int) -> None:
    """Refuse a score outside its scale (quarantined with the reason, never clamped)."""
    if not lo <= score <= hi:
        shown = int(score) if score.is_integer() else score
        raise RecordError(f"score {shown} is outside the {kind.value.upper()} scale {lo}-{hi}")


def survey_contact(
    *,
    email: str | None,
    name: str | None,
    member_id: str | None,
    company: str | None,
    external_id: str | None = None,
) -> ContactRef | None:
    """The respondent as a contact (with the account their company or work email names), if keyed."""
    email = (email or "").strip() or None
    name = (name or "").strip() or None
    member_id = (member_id or "").strip() or None
    account = account_for(email, company=company)
    if not (email or member_id or external_id):
        return None
    return ContactRef(external_id=external_id, member_id=member_id, email=email, name=name, account=account)


def column_of(header: str) -> str | None:
    """The canonical column a CSV header names (case, spaces and dashes ignored), or ``None``."""
    return _COLUMNS.get(re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").lower()))


def split_row(pairs: Iterable[tuple[str, Any]]) -> tuple[dict[str, str], dict[str, Any]]:
    """(known columns by canonical name, the other non-empty columns by header)."""
    row: dict[str, str] = {}
    attrs: dict[str, Any] = {}
    for header, value in pairs:
        text = "" if value is None else str(value).strip()
        column = column_of(str(header))
        if column is not None:
            row.setdefault(column, text)
        elif str(header).strip() and text:
            attrs[str(header).strip()] = text
    return row, attrs


def as_mapping(value: object) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def split_properties(props: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """(known fields by canonical name, the other properties)."""
    known: dict[str, str] = {}
    other: dict[str, Any] = {}
    for key, value in props.items():
        canonical = _PROPERTY_KEYS.get(str(key).strip().lower())
        if canonical and value not in (None, "") and canonical not in known:
            known[canonical] = str(value).strip()
        else:
            other[str(key)] = value
    return known, other


class SurveyOptions:
    """Parsed and checked options."""

    def __init__(self, options: Mapping[str, str]) -> None:
        self.tz = timezone_option(options)
        try:
            self.kind = parse_kind(options["kind"]) if options.get("kind") else None
            self.scale = parse_scale(options["scale"]) if options.get("scale") else None
            self.fields: dict[str, tuple[SurveyKind, int, int]] = {}
            for spec in (options.get("fields") or "").split(","):
                if not spec.strip():
                    continue
                ref, _, rest = spec.strip().partition(":")
                kind_text, _, scale_text = rest.partition(":")
                kind = parse_kind(kind_text)
                lo, hi = parse_scale(scale_text) if scale_text else DEFAULT_SCALES[kind]
                self.fields[ref.strip()] = (kind, lo, hi)
        except RecordError as exc:
            raise ValidationError(f"surveys options: {exc}") from exc
        self.comment_ref = (options.get("comment_ref") or "").strip() or None
