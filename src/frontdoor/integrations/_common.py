"""Small helpers the source adapters share: times, JSON input, HTML to text, HMAC checks.

Private to :mod:`frontdoor.integrations`; nothing here touches the database.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from frontdoor.core.errors import AdapterError, RecordError
from frontdoor.integrations.base import BadRecord, raw_excerpt

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def epoch_ms(value: object, *, field: str) -> dt.datetime:
    """An aware UTC datetime from epoch milliseconds (int or digit string).

    Raises
    ------
    RecordError
        When ``value`` is missing or not a whole number.
    """
    return EPOCH + dt.timedelta(milliseconds=_whole(value, field=field))


def epoch_s(value: object, *, field: str) -> dt.datetime:
    """An aware UTC datetime from epoch seconds (int or digit string)."""
    return EPOCH + dt.timedelta(seconds=_whole(value, field=field))


def _whole(value: object, *, field: str) -> int:
    # bool is an int subclass; a true/false timestamp is a broken record, not 1 ms.
    if isinstance(value, bool) or value is None:
        raise RecordError(f"{field}: expected a timestamp, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise RecordError(f"{field}: expected a timestamp, got {str(value)[:40]!r}")


def iso_time(value: object, *, field: str) -> dt.datetime:
    """An aware UTC datetime from ISO-8601 text (``Z`` or an offset; naive counts as UTC)."""
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{field}: expected an ISO-8601 time, got {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"{field}: not an ISO-8601 time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def time_id_key(item: object, time_key: str) -> tuple[int, str]:
    """Sort key of a message or part: its integer time under ``time_key``, then its id.

    Objects without a whole-number time sort first (time 0); non-objects sort first of all.
    """
    if not isinstance(item, Mapping):
        return (0, "")
    created = item.get(time_key)
    when = created if isinstance(created, int) and not isinstance(created, bool) else 0
    return (when, str(item.get("id", "")))


def text_or_none(value: object) -> str | None:
    """``value`` as stripped text, or None when empty or not scalar."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = str(value).strip()
    return text or None


def ext_id(value: object, *, field: str) -> str:
    """A required external id (string or integer) as text."""
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise RecordError(f"{field}: missing or not an id: {value!r}")
    return str(value).strip()


def json_files(path: Path) -> list[Path]:
    """``path``, or the ``*.json`` files directly in a folder, in name order.

    Raises
    ------
    AdapterError
        When a folder holds no ``*.json`` file.
    """
    files = sorted(p for p in path.glob("*.json") if p.is_file()) if path.is_dir() else [path]
    if not files:
        raise AdapterError(f"{path}: no *.json files in this folder")
    return files


def load_json(path: Path) -> Any:
    """Parse one JSON file (UTF-8, BOM tolerated).

    Raises
    ------
    AdapterError
        When the file cannot be read or is not JSON at all.
    """
    try:
        with path.open("rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise AdapterError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_json_bytes(raw, what=str(path))


def parse_json_bytes(raw: bytes, *, what: str) -> Any:
    """Parse JSON bytes, raising :class:`AdapterError` that names ``what``."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise AdapterError(f"{what} is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise AdapterError(f"{what} is not valid JSON: {exc.msg} at line {exc.lineno}") from None


def dump_json(value: object) -> str:
    """``value`` as JSON text for a quarantined payload (``repr`` when it is not JSON-able)."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def bad_record(position: str, payload: object, reason: str) -> BadRecord:
    """A :class:`BadRecord` whose raw form is ``payload`` as (bounded) JSON."""
    return BadRecord(position=position, raw=raw_excerpt(dump_json(payload)), reason=reason)


def json_or_none(body: bytes) -> Any:
    """The JSON in ``body``, or ``None`` when it is not UTF-8 JSON (a lenient read, e.g. for ids)."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def body_hash(body: bytes) -> str:
    """The delivery id fallback: SHA-256 of the raw body."""
    return hashlib.sha256(body).hexdigest()


def hmac_hex(secret: str, message: bytes, digest: str = "sha256") -> str:
    """Hex HMAC of ``message`` under ``secret``."""
    return hmac.new(secret.encode("utf-8"), message, digest).hexdigest()


def hmac_b64(secret: str, message: bytes, digest: str = "sha256") -> str:
    """Base64 HMAC of ``message`` under ``secret``."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, digest).digest()).decode("ascii")


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented credential with the expected one."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by lower-case name (the endpoint lower-cases keys; tolerate others)."""
    value = headers.get(name.lower())
    if value is None:
        for key, val in headers.items():
            if key.lower() == name.lower():
                return val
    return value


# Block tags end a line; paragraph-like ones leave a blank line. Runs of breaks collapse,
# so "<li>a</li><li>b</li>" is two lines, not two lines and a gap.
_LINE_TAGS = frozenset(
    {
        "address", "article", "aside", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
        "header", "hr", "li", "ol", "section", "table", "tr", "ul",
    }
)  # fmt: skip
_PARA_TAGS = frozenset({"blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "p", "pre"})
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template"})
_LINE, _PARA = "\x00", "\x01"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def _block(self, tag: str) -> None:
        if tag in _PARA_TAGS:
            self.parts.append(_PARA)
        elif tag in _LINE_TAGS:
            self.parts.append(_LINE)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        else:
            self._block(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        else:
            self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        else:
            self._block(tag)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            # Markers are ours; strip look-alikes from the (untrusted) input.
            self.parts.append(data.replace(_LINE, "").replace(_PARA, ""))


_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BREAKS = re.compile(r"[ \t]*[\x00\x01][\x00\x01 \t]*")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """Readable plain text from (untrusted) HTML: tags dropped, entities decoded, line breaks kept."""
    if not html:
        return ""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = _BREAKS.sub(lambda m: "\n\n" if _PARA in m.group(0) else "\n", "".join(parser.parts))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
