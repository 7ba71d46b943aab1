"""One RFC 5322 message parsed into what threading and records need (:class:`Mail`)."""

from __future__ import annotations

import datetime as dt
import email
import email.message
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from frontdoor.integrations._fileutil import content_hash, safe_raw
from frontdoor.integrations.base import BadRecord
from frontdoor.integrations.email.body import html_to_text, strip_quoted
from frontdoor.integrations.email.headers import decode_bytes, decode_mime_header

_MSGID_RE = re.compile(r"<([^<>\s]+)>")


@dataclass
class Mail:
    """What threading and records need from one parsed message."""

    order: int
    position: str
    message_id: str | None
    references: list[str]
    subject: str
    from_name: str
    from_addr: str
    recipients: list[str]
    sent_at: dt.datetime
    text: str
    # Hash of (from, date, subject, whole body): the id fallback and the duplicate test,
    # so the unquoted body need not be kept in memory while a mailbox is threaded.
    digest: str
    attachments: list[dict[str, Any]]
    attributes: dict[str, Any] = field(default_factory=dict)
    uid: str = ""

    @property
    def participants(self) -> set[str]:
        """Every address on the message: sender and recipients."""
        return {a for a in [self.from_addr, *self.recipients] if a}


def _msgids(value: str) -> list[str]:
    return _MSGID_RE.findall(value or "")


def _raw_headers(msg: email.message.Message, name: str) -> list[str]:
    """Header values as parsed (raw 8-bit bytes kept as surrogate escapes), not as Header objects."""
    wanted = name.lower()
    return [str(value) for key, value in msg.raw_items() if key.lower() == wanted]


def _raw_header(msg: email.message.Message, name: str) -> str:
    values = _raw_headers(msg, name)
    return values[0] if values else ""


def _header(msg: email.message.Message, name: str) -> str:
    return decode_mime_header(_raw_header(msg, name))


def _addresses(msg: email.message.Message, *names: str) -> list[tuple[str, str]]:
    raw: list[str] = []
    for name in names:
        raw.extend(_raw_headers(msg, name))
    out = []
    for display, addr in email.utils.getaddresses(raw):
        addr = addr.strip().lower()
        if addr:
            out.append((decode_mime_header(display).strip().strip('"'), addr))
    return out


def _date(msg: email.message.Message, postmark: bytes | None) -> dt.datetime | None:
    candidates = [_raw_header(msg, "Date")]
    candidates += [r.rsplit(";", 1)[-1] for r in _raw_headers(msg, "Received") if ";" in r]
    if postmark:
        # "From sender@x Mon May 13 10:00:00 2024" -> asctime in UTC.
        parts = postmark.decode("ascii", "replace").split(None, 2)
        if len(parts) == 3:
            candidates.append(parts[2])
    for cand in candidates:
        cand = cand.strip()
        if not cand:
            continue
        try:
            parsed = email.utils.parsedate_to_datetime(cand)
        except (TypeError, ValueError, IndexError):
            continue
        if parsed.tzinfo is None:  # "-0000" or asctime: RFC 5322 says UTC
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)
    return None


def _leaf_parts(part: email.message.Message) -> Iterator[email.message.Message]:
    """Leaf parts, not descending into attached messages (message/rfc822)."""
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        payload = part.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, email.message.Message):
                    yield from _leaf_parts(sub)
        return
    yield part


def _part_bytes(part: email.message.Message) -> bytes:
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else payload
        return inner.as_bytes() if isinstance(inner, email.message.Message) else b""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _body(msg: email.message.Message) -> tuple[str, list[dict[str, Any]]]:
    """(body text, attachment metadata). text/plain preferred, else text/html as text."""
    plain: list[str] = []
    html: list[str] = []
    attachments: list[dict[str, Any]] = []
    for part in _leaf_parts(msg):
        ctype = part.get_content_type()
        disposition = _raw_header(part, "Content-Disposition").split(";")[0].strip().lower()
        filename = part.get_filename()
        is_text = ctype in {"text/plain", "text/html"}
        if disposition == "attachment" or filename or not is_text:
            if ctype.startswith("multipart/"):
                continue
            data = _part_bytes(part)
            attachments.append(
                {
                    "filename": decode_mime_header(filename) if filename else "",
                    "size": len(data),
                    "content_type": ctype,
                }
            )
            continue
        data = _part_bytes(part)
        text = decode_bytes(data, part.get_content_charset() or part.get_param("charset"))  # type: ignore[arg-type]
        (plain if ctype == "text/plain" else html).append(text)
    body = "\n".join(plain) if plain else "\n".join(html_to_text(h) for h in html)
    return body.replace("\r\n", "\n").replace("\r", "\n").strip(), attachments


def parse_message(
    raw: bytes, *, order: int, position: str, postmark: bytes | None = None
) -> Mail | BadRecord:
    """Parse one RFC 5322 message into a :class:`Mail`, or a :class:`BadRecord` why not."""
    try:
        msg = email.message_from_bytes(raw)  # compat32: see the module docstring
        senders = _addresses(msg, "From") or _addresses(msg, "Sender", "Return-Path")
        if not senders:
            return BadRecord(position, _raw_text(raw), "not a mail message: no From header with an address")
        sent_at = _date(msg, postmark)
        if sent_at is None:
            return BadRecord(position, _raw_text(raw), "no usable Date header (nor Received date)")
        body, attachments = _body(msg)
        references = _msgids(_raw_header(msg, "References"))
        for parent in _msgids(_raw_header(msg, "In-Reply-To"))[:1]:
            if parent not in references:
                references.append(parent)
        own = _msgids(_raw_header(msg, "Message-ID"))
        message_id = own[0] if own else None
        references = [r for r in dict.fromkeys(references) if r != message_id]
        name, addr = senders[0]
        recipients = [a for _, a in _addresses(msg, "To", "Cc")]
        subject = _header(msg, "Subject")
    except (LookupError, ValueError, TypeError, AttributeError, IndexError) as exc:
        return BadRecord(position, _raw_text(raw), f"cannot parse message: {exc}")
    return Mail(
        order=order,
        position=position,
        message_id=message_id,
        references=references,
        subject=subject,
        from_name=name,
        from_addr=addr,
        recipients=recipients,
        sent_at=sent_at,
        text=strip_quoted(body),
        digest=content_hash(addr, sent_at.isoformat(), subject, body),
        attachments=attachments,
    )


def _raw_text(raw: bytes) -> str:
    return safe_raw(decode_bytes(raw[:40000], None))
