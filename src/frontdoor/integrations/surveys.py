"""Survey adapter: NPS, CSAT and CES answers from CSV, Delighted JSON or Typeform JSON.

Every score is stored with the scale it was given on (CES is 1-7 in CES 2.0 but 1-5 in
Delighted; CSAT is usually 1-5). A score outside its scale is quarantined with the reason
rather than clamped. The format is detected from the content: JSON that is a list of
responses with ``survey_type`` is Delighted, JSON with ``items`` is Typeform, anything
else is read as CSV (UTF-8 or, as Korean Excel saves it, CP949).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import Channel, SurveyKind
from frontdoor.core.errors import AdapterError, RecordError, ValidationError
from frontdoor.integrations._fileutil import (
    account_for,
    bounded_id,
    check_options,
    content_hash,
    detect_encoding,
    parse_timestamp,
    safe_raw,
    timezone_option,
)
from frontdoor.integrations.base import BadRecord, ContactRef, Record, SurveyRecord

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
_OPTIONS = ("kind", "scale", "fields", "comment_ref", "timezone", "encoding")


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


def _score(value: object) -> float:
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


def _check_range(score: float, kind: SurveyKind, lo: int, hi: int) -> None:
    if not lo <= score <= hi:
        shown = int(score) if score.is_integer() else score
        raise RecordError(f"score {shown} is outside the {kind.value.upper()} scale {lo}-{hi}")


def _contact(
    *,
    email: str | None,
    name: str | None,
    member_id: str | None,
    company: str | None,
    external_id: str | None = None,
) -> ContactRef | None:
    email = (email or "").strip() or None
    name = (name or "").strip() or None
    member_id = (member_id or "").strip() or None
    account = account_for(email, company=company)
    if not (email or member_id or external_id):
        return None
    return ContactRef(external_id=external_id, member_id=member_id, email=email, name=name, account=account)


def _column(header: str) -> str | None:
    return _COLUMNS.get(re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").lower()))


def _split_row(pairs: Iterable[tuple[str, Any]]) -> tuple[dict[str, str], dict[str, Any]]:
    """(known columns by canonical name, the other non-empty columns by header)."""
    row: dict[str, str] = {}
    attrs: dict[str, Any] = {}
    for header, value in pairs:
        text = "" if value is None else str(value).strip()
        column = _column(str(header))
        if column is not None:
            row.setdefault(column, text)
        elif str(header).strip() and text:
            attrs[str(header).strip()] = text
    return row, attrs


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _properties(props: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
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


class SurveysAdapter:
    """Import NPS/CSAT/CES responses from CSV, Delighted or Typeform exports."""

    kind: ClassVar[str] = "surveys"
    channel: ClassVar[Channel] = Channel.SURVEY
    summary: ClassVar[str] = "NPS / CSAT / CES responses from CSV, Delighted JSON or Typeform JSON"
    help: ClassVar[str] = """\
Reads survey answers, each stored with its scale; a score outside its scale is
quarantined with the reason. The format is detected from the content:

\b
CSV (UTF-8 or CP949), one answer per row. Columns (header names are case-insensitive;
Korean names in brackets also work):
  id            response id (default: a hash of the row)                   [응답번호]
  kind / type   nps, csat or ces (default: the kind option)                [유형]
  score         the answer                                                  [점수]
  scale         e.g. 0-10, 1-5, 1-7 (or scale_min + scale_max columns)     [척도]
  comment       free text                                                   [의견, 코멘트]
  email, name, member_id, company                                           [이메일, 이름, 회사]
  created_at    ISO-8601, "YYYY-MM-DD HH:MM" (naive: timezone option) or
                Unix seconds                                                [응답일시]
  conversation_id, team, agent                                              [상담사]
  Without a scale: nps 0-10, csat 1-5, ces 1-7 (or the scale option).

Delighted (GET /v1/survey_responses.json, a JSON list): survey_type nps|csat|ces,
score, comment, person {id, email, name} (or a person id), person_properties (company,
member_id, team, agent, conversation_id are recognized), created_at (Unix s). Delighted
scales: NPS 0-10, CSAT 1-5, CES 1-5.

Typeform (GET /forms/{id}/responses: {"items": [...]}): each item's submitted_at, hidden
fields (email, name, company, member_id, ...) and answers. Answers of field type "nps"
count as NPS 0-10; opinion_scale / rating / number answers count when the kind option
or the fields option names them. The comment is the comment_ref answer, else the first
text answer.

\b
Options:
  kind=nps|csat|ces         default kind (CSV rows without one; Typeform scale answers)
  scale=MIN-MAX             default scale instead of the kind's usual one
  fields=REF:KIND[:MIN-MAX],...   Typeform: which field refs hold which score
  comment_ref=REF           Typeform: the field ref of the comment
  timezone=ZONE             zone for times without an offset (default UTC), e.g. Asia/Seoul
  encoding=NAME             CSV encoding when detection guesses wrong

\b
Examples:
  frontdoor import surveys nps-2024-05.csv --option timezone=Asia/Seoul
  frontdoor import surveys typeform.json --option fields=nps_q:nps,effort:ces:1-7
"""

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream survey records from ``path``; bad rows/items come as BadRecord.

        Parameters
        ----------
        path : Path
            A CSV, Delighted JSON or Typeform JSON file.
        options : Mapping[str, str]
            See :attr:`help`.
        """
        check_options(options, _OPTIONS, self.kind)
        config = _Config(options)
        if not path.is_file():
            raise AdapterError(f"{path}: no such file")
        encoding = detect_encoding(path, declared=options.get("encoding"))
        try:
            with path.open("r", encoding=encoding, newline="") as fh:
                head = fh.read(4096).lstrip("\ufeff \t\r\n")
                fh.seek(0)
                if head[:1] in ("[", "{"):
                    yield from self._json(fh.read(), config, path)
                else:
                    yield from self._csv(fh, config)
        except OSError as exc:
            raise AdapterError(f"cannot read {path}: {exc.strerror or exc}") from exc

    def parse_raw(self, raw: str, *, options: Mapping[str, str], position: str = "") -> Iterator[Record]:
        """Parse one quarantined payload again (``frontdoor quarantine retry``).

        ``raw`` is what :meth:`read` quarantined: a CSV row as a JSON object of
        header -> value, a Delighted response or a Typeform item. The position tells which
        (``line N``, ``[i]``, ``items[i]``); without one the content decides.
        """
        check_options(options, _OPTIONS, self.kind)
        config = _Config(options)
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield BadRecord(position, safe_raw(raw), f"payload is not JSON: {exc.msg}")
            return
        if not isinstance(item, Mapping):
            yield BadRecord(position, safe_raw(raw), "payload is not a JSON object")
            return
        try:
            if position.startswith("items[") or (not position and "answers" in item):
                yield from self._typeform(item, config, position)
            elif position.startswith("[") or (not position and ("person" in item or "survey_type" in item)):
                yield self._delighted(item, config, position)
            else:
                row, attrs = _split_row(item.items())
                yield self._csv_record(row, attrs, config, position)
        except RecordError as exc:
            yield BadRecord(position, safe_raw(raw), str(exc))

    # -- CSV -------------------------------------------------------------------------------

    def _csv(self, fh: Any, config: _Config) -> Iterator[Record]:
        # Excel in some locales saves with ";" or tabs: pick what the header line uses most.
        first = fh.readline()
        fh.seek(0)
        delimiter = max((",", "\t", ";"), key=first.count)
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise AdapterError("the CSV file is empty")
        columns = [_column(h) for h in header]
        if "score" not in columns:
            raise AdapterError(
                f"the CSV has no score column (columns: {', '.join(h.strip() for h in header)})"
            )
        line = reader.line_num
        for values in reader:
            position = f"line {line + 1}"
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            row, attrs = _split_row(zip(header, values, strict=False))
            raw = safe_raw(json.dumps(dict(zip(header, values, strict=False)), ensure_ascii=False))
            try:
                yield self._csv_record(row, attrs, config, position)
            except RecordError as exc:
                yield BadRecord(position, raw, str(exc))

    def _csv_record(
        self, row: dict[str, str], attrs: dict[str, Any], config: _Config, position: str
    ) -> SurveyRecord:
        if row.get("kind"):
            kind = parse_kind(row["kind"])
        elif config.kind is not None:
            kind = config.kind
        else:
            raise RecordError("no survey kind: add a kind column or --option kind=nps|csat|ces")
        score = _score(row.get("score"))
        if row.get("scale"):
            lo, hi = parse_scale(row["scale"])
        elif row.get("scale_min") or row.get("scale_max"):
            lo, hi = parse_scale(f"{row.get('scale_min', '')}-{row.get('scale_max', '')}")
        else:
            lo, hi = config.scale or DEFAULT_SCALES[kind]
        _check_range(score, kind, lo, hi)
        if not row.get("created_at"):
            raise RecordError("missing created_at (response time)")
        try:
            responded_at = parse_timestamp(row["created_at"], tz=config.tz)
        except ValueError:
            raise RecordError(f"created_at {row['created_at'][:40]!r} is not a time") from None
        comment = row.get("comment", "")
        email, company = row.get("email"), row.get("company")
        ext = row.get("id") or content_hash(kind.value, score, responded_at.isoformat(), email, comment)
        contact = _contact(email=email, name=row.get("name"), member_id=row.get("member_id"), company=company)
        return SurveyRecord(
            external_id=bounded_id(ext),
            kind=kind,
            score=score,
            scale_min=lo,
            scale_max=hi,
            responded_at=responded_at,
            comment=comment,
            contact=contact,
            account=contact.account if contact else account_for(email, company=company),
            conversation_external_id=row.get("conversation_id") or None,
            team=row.get("team") or None,
            agent=row.get("agent") or None,
            attributes=attrs,
            position=position,
        )

    # -- JSON ------------------------------------------------------------------------------

    def _json(self, text: str, config: _Config, path: Path) -> Iterator[Record]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AdapterError(f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        if isinstance(data, Mapping) and isinstance(data.get("items"), list):
            for index, item in enumerate(data["items"]):
                position = f"items[{index}]"
                try:
                    yield from self._typeform(item, config, position)
                except RecordError as exc:
                    yield BadRecord(position, safe_raw(json.dumps(item, ensure_ascii=False)), str(exc))
            return
        if isinstance(data, Mapping) and isinstance(data.get("survey_responses"), list):
            data = data["survey_responses"]
        if isinstance(data, list):
            for index, item in enumerate(data):
                position = f"[{index}]"
                try:
                    yield self._delighted(item, config, position)
                except RecordError as exc:
                    yield BadRecord(position, safe_raw(json.dumps(item, ensure_ascii=False)), str(exc))
            return
        raise AdapterError(
            f"{path.name}: JSON is neither a Delighted response list nor a Typeform responses page (items)"
        )

    def _delighted(self, item: Any, config: _Config, position: str) -> SurveyRecord:
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
        score = _score(item.get("score"))
        _check_range(score, kind, lo, hi)
        try:
            responded_at = parse_timestamp(item.get("created_at"), tz=config.tz)
        except (ValueError, OverflowError, OSError):
            raise RecordError(f"created_at {item.get('created_at')!r} is not a time") from None
        person = item.get("person")
        props_raw = _mapping(item.get("person_properties"))
        known, other = _properties(props_raw)
        person_id: str | None = None
        email, name = known.get("email"), known.get("name")
        if isinstance(person, Mapping):
            person_id = str(person["id"]) if person.get("id") not in (None, "") else None
            email = str(person.get("email") or "") or email
            name = str(person.get("name") or "") or name
        elif person not in (None, ""):
            person_id = str(person)
        contact = _contact(
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

    def _typeform(self, item: Any, config: _Config, position: str) -> Iterator[SurveyRecord]:
        if not isinstance(item, Mapping):
            raise RecordError("response is not an object")
        token = str(item.get("response_id") or item.get("token") or "").strip()
        if not token:
            raise RecordError("response has no token or response_id")
        try:
            responded_at = parse_timestamp(
                item.get("submitted_at") or item.get("landed_at") or "", tz=config.tz
            )
        except ValueError:
            raise RecordError(f"submitted_at {item.get('submitted_at')!r} is not a time") from None
        hidden = _mapping(item.get("hidden"))
        known, other = _properties(hidden)
        answers = [a for a in item.get("answers") or [] if isinstance(a, Mapping)]
        scores: list[tuple[str, SurveyKind, int, int, float]] = []
        texts: list[tuple[bool, str]] = []  # (not long_text, text): a long answer is the comment
        email = known.get("email")
        for answer in answers:
            fld = _mapping(answer.get("field"))
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
            target = self._typeform_target(ref, ftype, config)
            if target is None:
                continue
            kind, lo, hi = target
            score = _score(answer.get("number"))
            _check_range(score, kind, lo, hi)
            scores.append((ref, kind, lo, hi, score))
        comment = min(texts, key=lambda t: t[0])[1] if texts else ""
        if not scores:
            raise RecordError(
                "no score answer found: map one with --option fields=REF:KIND[:MIN-MAX] or --option kind=..."
            )
        contact = _contact(
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

    @staticmethod
    def _typeform_target(ref: str, ftype: str, config: _Config) -> tuple[SurveyKind, int, int] | None:
        if config.fields:
            return config.fields.get(ref)
        if ftype == "nps":
            return SurveyKind.NPS, 0, 10
        if ftype in ("opinion_scale", "rating", "number") and config.kind is not None:
            lo, hi = config.scale or DEFAULT_SCALES[config.kind]
            return config.kind, lo, hi
        return None


class _Config:
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
