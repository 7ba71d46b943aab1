"""Small helpers shared by the file adapters (email, transcripts, surveys).

Nothing here touches the database; everything is pure and cheap to import.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from frontdoor.core.errors import AdapterError, ValidationError
from frontdoor.core.text.email import email_domain, is_free_mail
from frontdoor.integrations.base import AccountRef, raw_excerpt

# Database columns for external ids hold 200 characters; longer ids are hashed.
MAX_EXTERNAL_ID = 200


def content_hash(*parts: object) -> str:
    """A stable id from content: ``h:`` + SHA-256 of the parts joined by a unit separator."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return "h:" + hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def bounded_id(value: str) -> str:
    """``value`` if it fits an external-id column, else a hash of it."""
    value = value.strip()
    return value if len(value) <= MAX_EXTERNAL_ID else content_hash(value)


def account_for(email: str | None = None, *, company: str | None = None) -> AccountRef | None:
    """An :class:`AccountRef` from a company name and/or a work email domain.

    Free-mail domains (gmail.com, naver.com, ...) never name an account.
    """
    domain = email_domain(email)
    if is_free_mail(domain):
        domain = None
    company = (company or "").strip() or None
    if domain is None and company is None:
        return None
    # Without a company name the pipeline names the account after its domain.
    return AccountRef(name=company, domain=domain)


def split_list(value: str | None) -> list[str]:
    """Split a comma-separated option value, dropping blanks."""
    if not value:
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def check_options(options: Mapping[str, str], allowed: Iterable[str], kind: str) -> None:
    """Refuse option names the adapter does not know (a typo would silently do nothing).

    Raises
    ------
    ValidationError
        When an option is not one of ``allowed``.
    """
    allowed_set = set(allowed)
    unknown = sorted(set(options) - allowed_set)
    if unknown:
        accepted = ", ".join(sorted(allowed_set)) or "none"
        raise ValidationError(f"{kind}: unknown option(s) {', '.join(unknown)}; accepted: {accepted}")


def timezone_option(options: Mapping[str, str]) -> dt.tzinfo:
    """The ``timezone`` option (IANA name or ``+09:00``) used for naive times; UTC by default."""
    name = (options.get("timezone") or "").strip()
    if not name or name.upper() == "UTC":
        return dt.UTC
    match = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})", name)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return dt.timezone(sign * delta)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"timezone: unknown time zone {name!r} (use e.g. Asia/Seoul or +09:00)"
        ) from exc


_KOREAN_TIME_RE = re.compile(
    r"^(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})\.?\s*(?:(오전|오후)\s*)?(\d{1,2}:\d{2}(?::\d{2})?)?$"
)


def parse_timestamp(value: object, *, tz: dt.tzinfo = dt.UTC) -> dt.datetime:
    """Parse ISO-8601, ``YYYY-MM-DD HH:MM[:SS]``, Korean ``2024. 5. 13. 오후 2:03`` or Unix seconds.

    The result is aware UTC.

    Naive times are taken in ``tz``.

    Raises
    ------
    ValueError
        When the value is not a time.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    text = str(value).strip()
    if not text:
        raise ValueError("empty time")
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        return dt.datetime.fromtimestamp(float(text), tz=dt.UTC)
    if re.fullmatch(r"\d{12,14}", text):  # epoch milliseconds
        return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.UTC)
    korean = _KOREAN_TIME_RE.match(text)
    if korean:
        # Korean Excel: "2024. 5. 13. 오후 2:03:00" (오전 = AM, 오후 = PM).
        year, month, day, half, clock = korean.groups()
        hour, minute, second = ([int(x) for x in clock.split(":")] + [0])[:3] if clock else (0, 0, 0)
        if half == "오후" and hour < 12:
            hour += 12
        elif half == "오전" and hour == 12:
            hour = 0
        local = dt.datetime(int(year), int(month), int(day), hour, minute, second, tzinfo=tz)
        return local.astimezone(dt.UTC)
    # "2024.05.13 10:00", "2024/5/3" (Korean and Excel styles) -> ISO date part.
    match = re.match(r"^(\d{4})[./-](\d{1,2})[./-](\d{1,2})\.?(?=$|[ T])(.*)$", text)
    normalized = text
    if match:
        year, month, day, rest = match.groups()
        normalized = f"{year}-{int(month):02d}-{int(day):02d}{rest}"
    if normalized.endswith(("Z", "z")):
        normalized = normalized[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(normalized)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(dt.UTC)


def detect_encoding(path: Path, *, declared: str | None = None) -> str:
    """The text encoding of ``path``: ``declared``, else UTF-8 (with BOM) or CP949.

    Korean Excel saves CSV as CP949; the whole file is scanned incrementally so a
    late non-UTF-8 byte is not missed, without holding the file in memory.
    """
    if declared:
        try:
            return codecs.lookup(declared).name
        except LookupError as exc:
            raise ValidationError(f"encoding: unknown encoding {declared!r}") from exc
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp949"
    except OSError as exc:
        raise AdapterError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return "utf-8-sig"


def iter_files(path: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """``path`` itself, or the files under a directory with one of ``suffixes``, sorted.

    Raises
    ------
    AdapterError
        When the path does not exist or a directory holds no matching file.
    """
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
        )
        if not found:
            raise AdapterError(f"{path}: no {'/'.join(suffixes)} files in this directory")
        yield from found
    elif path.is_file():
        yield path
    else:
        raise AdapterError(f"{path}: no such file or directory")


def file_mtime(path: Path) -> dt.datetime:
    """The modification time of ``path`` as aware UTC."""
    # Whole seconds: sub-second mtime precision differs between file systems.
    return dt.datetime.fromtimestamp(int(path.stat().st_mtime), tz=dt.UTC)


def safe_raw(raw: object) -> str:
    """A bounded quarantine payload; NUL bytes spelled ``\\x00`` (PostgreSQL text refuses NUL)."""
    text = raw if isinstance(raw, str) else repr(raw)
    return raw_excerpt(text.replace("\x00", "\\x00"))
