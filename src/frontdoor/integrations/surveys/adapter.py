"""The ``surveys`` adapter: detects the format, reads CSV rows, hands JSON to its format."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import Channel
from frontdoor.core.errors import AdapterError, RecordError
from frontdoor.integrations._fileutil import (
    account_for,
    bounded_id,
    check_options,
    content_hash,
    detect_encoding,
    parse_timestamp,
    safe_raw,
)
from frontdoor.integrations.base import BadRecord, Record, SurveyRecord
from frontdoor.integrations.surveys.fields import (
    DEFAULT_SCALES,
    OPTIONS,
    SurveyOptions,
    check_range,
    column_of,
    parse_kind,
    parse_scale,
    parse_score,
    split_row,
    survey_contact,
)
from frontdoor.integrations.surveys.json_formats import delighted_record, typeform_records

__all__ = ["SurveysAdapter"]


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
        check_options(options, OPTIONS, self.kind)
        config = SurveyOptions(options)
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
        check_options(options, OPTIONS, self.kind)
        config = SurveyOptions(options)
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
                yield from typeform_records(item, config, position)
            elif position.startswith("[") or (not position and ("person" in item or "survey_type" in item)):
                yield delighted_record(item, config, position)
            else:
                row, attrs = split_row(item.items())
                yield self._csv_record(row, attrs, config, position)
        except RecordError as exc:
            yield BadRecord(position, safe_raw(raw), str(exc))

    # -- CSV -------------------------------------------------------------------------------

    def _csv(self, fh: Any, config: SurveyOptions) -> Iterator[Record]:
        # Excel in some locales saves with ";" or tabs: pick what the header line uses most.
        first = fh.readline()
        fh.seek(0)
        delimiter = max((",", "\t", ";"), key=first.count)
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise AdapterError("the CSV file is empty")
        columns = [column_of(h) for h in header]
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
            row, attrs = split_row(zip(header, values, strict=False))
            raw = safe_raw(json.dumps(dict(zip(header, values, strict=False)), ensure_ascii=False))
            try:
                yield self._csv_record(row, attrs, config, position)
            except RecordError as exc:
                yield BadRecord(position, raw, str(exc))

    def _csv_record(
        self, row: dict[str, str], attrs: dict[str, Any], config: SurveyOptions, position: str
    ) -> SurveyRecord:
        if row.get("kind"):
            kind = parse_kind(row["kind"])
        elif config.kind is not None:
            kind = config.kind
        else:
            raise RecordError("no survey kind: add a kind column or --option kind=nps|csat|ces")
        score = parse_score(row.get("score"))
        if row.get("scale"):
            lo, hi = parse_scale(row["scale"])
        elif row.get("scale_min") or row.get("scale_max"):
            lo, hi = parse_scale(f"{row.get('scale_min', '')}-{row.get('scale_max', '')}")
        else:
            lo, hi = config.scale or DEFAULT_SCALES[kind]
        check_range(score, kind, lo, hi)
        if not row.get("created_at"):
            raise RecordError("missing created_at (response time)")
        try:
            responded_at = parse_timestamp(row["created_at"], tz=config.tz)
        except ValueError:
            raise RecordError(f"created_at {row['created_at'][:40]!r} is not a time") from None
        comment = row.get("comment", "")
        email, company = row.get("email"), row.get("company")
        ext = row.get("id") or content_hash(kind.value, score, responded_at.isoformat(), email, comment)
        contact = survey_contact(
            email=email, name=row.get("name"), member_id=row.get("member_id"), company=company
        )
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

    def _json(self, text: str, config: SurveyOptions, path: Path) -> Iterator[Record]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AdapterError(f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        if isinstance(data, Mapping) and isinstance(data.get("items"), list):
            for index, item in enumerate(data["items"]):
                position = f"items[{index}]"
                try:
                    yield from typeform_records(item, config, position)
                except RecordError as exc:
                    yield BadRecord(position, safe_raw(json.dumps(item, ensure_ascii=False)), str(exc))
            return
        if isinstance(data, Mapping) and isinstance(data.get("survey_responses"), list):
            data = data["survey_responses"]
        if isinstance(data, list):
            for index, item in enumerate(data):
                position = f"[{index}]"
                try:
                    yield delighted_record(item, config, position)
                except RecordError as exc:
                    yield BadRecord(position, safe_raw(json.dumps(item, ensure_ascii=False)), str(exc))
            return
        raise AdapterError(
            f"{path.name}: JSON is neither a Delighted response list nor a Typeform responses page (items)"
        )
