"""Preparing records for storage, batch by batch: check, normalize, redact, detect, hash.

Pure Python, no database: the pipeline runs it in a thread while the previous batch is
stored. Every text is normalized (NFC, whitespace, control characters) and bounded to
``settings.max_text_chars`` (``text_truncated`` set when cut), PII is redacted with the
workspace's :class:`~frontdoor.core.text.redact.Redactor`, and the language is counted
from the letters. A record that cannot be stored becomes a
:class:`~frontdoor.ingest.batch.Rejected` with the reason; the rest of the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

from frontdoor.core.text.language import language_from_counts, letter_counts
from frontdoor.core.text.normalize import normalize, normalize_line
from frontdoor.core.text.redact import Redactor
from frontdoor.ingest.batch import (
    BadInput,
    Batch,
    PreparedConversation,
    PreparedMessage,
    PreparedSurvey,
    Rejected,
    attrs_json,
    digest,
    json_safe,
)
from frontdoor.integrations.base import (
    BadRecord,
    ConversationRecord,
    MessageRecord,
    Record,
    SurveyRecord,
    raw_excerpt,
)
from frontdoor.models import AuthorKind, Channel, ConversationStatus, SurveyKind

__all__ = ["BATCH_MESSAGES", "BATCH_RECORDS", "BatchPreparer"]

# A batch closes at whichever comes first; one transaction per batch.
BATCH_MESSAGES = 5000
BATCH_RECORDS = 2000
_MAX_ID = 200
_RAW_LIMIT = 20000


def _aware(value: Any, what: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise BadInput(f"{what} is not a timestamp: {value!r}"[:300])
    # Naive times are taken as UTC (the contract asks adapters for aware ones).
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _ext_id(value: Any, what: str) -> str:
    if value is None or isinstance(value, bool):
        raise BadInput(f"{what} is missing")
    ext = str(value).strip()
    if not ext:
        raise BadInput(f"{what} is empty")
    if len(ext) > _MAX_ID:
        raise BadInput(f"{what} is longer than {_MAX_ID} characters")
    return ext


def _merge_into(prev: PreparedConversation, conv: PreparedConversation) -> None:
    """The same conversation twice in one batch (partial records): merge, later wins."""
    prev.messages.update(conv.messages)
    prev.channel, prev.status = conv.channel, conv.status
    prev.subject = conv.subject or prev.subject
    prev.opened_at = min(prev.opened_at, conv.opened_at)
    prev.closed_at = conv.closed_at or prev.closed_at
    prev.contact = conv.contact or prev.contact
    prev.account = conv.account or prev.account
    prev.attributes = {**prev.attributes, **conv.attributes}


class BatchPreparer:
    """Turns adapter records into :class:`~frontdoor.ingest.batch.Batch` es.

    Parameters
    ----------
    redactor : Redactor
        The workspace's PII redactor.
    max_chars : int
        Longest stored text (``settings.max_text_chars``).
    """

    def __init__(self, redactor: Redactor, *, max_chars: int) -> None:
        self.redactor = redactor
        self.max_chars = max_chars

    def next_batch(self, records: Iterator[Record]) -> Batch | None:
        """Prepare records until a batch is full or the input ends; ``None`` when none were left."""
        batch = Batch()
        for rec in records:
            self.add(batch, rec)
            if self.is_full(batch):
                break
        return batch if batch.records else None

    @staticmethod
    def is_full(batch: Batch) -> bool:
        """Whether ``batch`` reached :data:`BATCH_MESSAGES` messages or :data:`BATCH_RECORDS` records."""
        return batch.messages >= BATCH_MESSAGES or batch.records >= BATCH_RECORDS

    def add(self, batch: Batch, rec: Record) -> None:
        """Add one record to ``batch``, or its rejection with the reason."""
        batch.records += 1
        if isinstance(rec, BadRecord):
            batch.bad.append(
                Rejected(str(rec.position)[:100], raw_excerpt(rec.raw, _RAW_LIMIT), str(rec.reason))
            )
            return
        try:
            if isinstance(rec, ConversationRecord):
                self._add_conversation(batch, rec)
            elif isinstance(rec, SurveyRecord):
                self._add_survey(batch, rec)
            else:
                raise BadInput(f"not a record: {type(rec).__name__}")
        except BadInput as exc:
            position = str(getattr(rec, "position", "") or getattr(rec, "external_id", ""))[:100]
            batch.bad.append(Rejected(position, raw_excerpt(repr(rec), _RAW_LIMIT), str(exc)))

    # -- texts --------------------------------------------------------------------------

    def text(self, text: Any) -> tuple[str, bool]:
        """Normalized, redacted ``text`` bounded to ``max_chars``, and whether it was cut."""
        if text is None:
            return "", False
        if not isinstance(text, str):
            raise BadInput(f"text is not a string: {type(text).__name__}")
        norm = normalize(text, max_chars=self.max_chars * 2 + 64)
        red = self.redactor.redact(norm.text)
        if len(red) > self.max_chars:
            return red[: self.max_chars].rstrip(), True
        return red, norm.truncated

    def _line(self, text: Any, n: int) -> str:
        if text is None:
            return ""
        return self.redactor.redact(normalize_line(str(text), max_chars=n * 2))[:n]

    # -- records ------------------------------------------------------------------------

    def _message(self, m: MessageRecord) -> PreparedMessage:
        ext = _ext_id(m.external_id, "message external_id")
        try:
            kind = AuthorKind(m.author_kind)
        except ValueError:
            raise BadInput(f"unknown author kind {m.author_kind!r}") from None
        text, truncated = self.text(m.text)
        sent_at = _aware(m.sent_at, "message sent_at")
        hangul, latin = letter_counts(text)
        name = normalize_line(m.author_name, max_chars=300) if m.author_name else ""
        attrs = json_safe(m.attributes)
        internal = bool(m.is_internal)
        content = digest(kind.value, name, int(internal), sent_at.isoformat(), text, attrs_json(attrs))
        return PreparedMessage(
            external_id=ext,
            author_kind=kind,
            author_name=name,
            author=m.author,
            is_internal=internal,
            text=text,
            truncated=truncated,
            language=language_from_counts(hangul, latin),
            hangul=hangul,
            latin=latin,
            sent_at=sent_at,
            attributes=attrs,
            content_hash=content,
        )

    def _messages(self, batch: Batch, rec: ConversationRecord) -> dict[str, PreparedMessage]:
        """The record's messages by external id; a bad one is rejected alone."""
        messages: dict[str, PreparedMessage] = {}
        for i, m in enumerate(rec.messages or []):
            try:
                msg = self._message(m)
            except BadInput as exc:
                position = f"{rec.position}#message{i + 1}"[:100]
                batch.bad.append(Rejected(position, raw_excerpt(repr(m), _RAW_LIMIT), str(exc)))
                continue
            messages[msg.external_id] = msg
        return messages

    def _add_conversation(self, batch: Batch, rec: ConversationRecord) -> None:
        ext = _ext_id(rec.external_id, "conversation external_id")
        try:
            channel = Channel(rec.channel)
            status = ConversationStatus(rec.status)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        opened = _aware(rec.opened_at, "conversation opened_at")
        closed = _aware(rec.closed_at, "conversation closed_at") if rec.closed_at is not None else None
        messages = self._messages(batch, rec)
        conv = PreparedConversation(
            external_id=ext,
            channel=channel,
            subject=self._line(rec.subject, 500),
            status=status,
            opened_at=opened,
            closed_at=closed,
            contact=rec.contact,
            account=rec.account,
            attributes=json_safe(rec.attributes),
            position=rec.position,
            messages=messages,
        )
        batch.messages += len(messages)
        prev = batch.convs.get(ext)
        if prev is None:
            batch.convs[ext] = conv
        else:
            _merge_into(prev, conv)

    def _add_survey(self, batch: Batch, rec: SurveyRecord) -> None:
        ext = _ext_id(rec.external_id, "survey external_id")
        try:
            SurveyKind(rec.kind)
        except ValueError:
            raise BadInput(f"unknown survey kind {rec.kind!r}") from None
        try:
            score = float(rec.score)
            lo, hi = int(rec.scale_min), int(rec.scale_max)
        except (TypeError, ValueError):
            raise BadInput("survey score and scale must be numbers") from None
        if not math.isfinite(score) or lo >= hi or not lo <= score <= hi:
            raise BadInput(f"survey score {rec.score!r} is outside its scale {rec.scale_min}-{rec.scale_max}")
        comment, _ = self.text(rec.comment)
        rec.external_id = ext
        batch.surveys[ext] = PreparedSurvey(
            rec=rec, comment=comment, responded_at=_aware(rec.responded_at, "responded_at")
        )
