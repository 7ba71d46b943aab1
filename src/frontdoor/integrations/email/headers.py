"""Email headers the Korean way: charsets, RFC 2047 encoded-words and reply prefixes."""

from __future__ import annotations

import codecs
import re
from email.header import decode_header, make_header

# Every name Korean mail uses for KS X 1001 / Unified Hangul Code: decode as CP949.
KOREAN_CHARSETS = frozenset(
    {
        "ks_c_5601-1987",
        "ks_c_5601",
        "ks_c_5601_1987",
        "ksc5601",
        "ksc_5601",
        "ks-c-5601",
        "ks-c-5601-1987",
        "euc-kr",
        "euc_kr",
        "euckr",
        "x-euc-kr",
        "uhc",
        "x-windows-949",
        "windows-949",
        "ms949",
        "cp949",
    }
)

# Reply and forward prefixes, English and Korean, possibly repeated or bracket-counted
# ("Re[2]:", "RE: 회신: ").
_PREFIX_RE = re.compile(
    r"^\s*(?:(?:re|fwd?|fw|aw|sv|회신|답장|답변|전달)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_LIST_TAG_RE = re.compile(r"^\s*\[[^\]]{1,40}\]\s*")


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a MIME charset label; Korean labels map to CP949.

    Returns None for a missing or unknown label (the caller guesses).
    """
    if not charset:
        return None
    label = charset.strip().strip('"').lower()
    if label in KOREAN_CHARSETS:
        return "cp949"
    if label in {"unknown-8bit", "x-unknown", "8bit", "unknown"}:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode ``data`` by its charset label; without a usable one try UTF-8, then CP949."""
    codec = codec_for(charset)
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    for guess in ("utf-8", "cp949"):
        try:
            return data.decode(guess)
        except UnicodeDecodeError:
            continue
    return data.decode(codec or "utf-8", errors="replace")


def decode_mime_header(value: object) -> str:
    """Decode a header value with RFC 2047 encoded-words into text.

    Adjacent encoded-words of one charset are joined *before* decoding (that is what
    :func:`~email.header.decode_header` does), so a Korean character split across two
    words decodes whole. Korean charset labels decode as CP949; raw 8-bit header bytes
    are read as UTF-8, else CP949.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        # compat32 keeps raw 8-bit header bytes as surrogate escapes.
        try:
            value.encode("ascii")
        except UnicodeEncodeError:
            raw = value.encode("ascii", "surrogateescape")
            if b"=?" not in raw:
                return _unfold(decode_bytes(raw, None))
            value = decode_bytes(raw, None)
    try:
        parts = decode_header(value)  # type: ignore[arg-type]
    except Exception:  # a malformed header must not drop the message
        return _unfold(str(value))
    mapped: list[tuple[bytes | str, str | None]] = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes) and charset not in (None, "us-ascii"):
            mapped.append((decode_bytes(chunk, charset).encode("utf-8"), "utf-8"))
        else:
            mapped.append((chunk, charset))
    try:
        text = str(make_header(mapped))
    except Exception:
        text = "".join(c if isinstance(c, str) else decode_bytes(c, cs) for c, cs in mapped)
    return _unfold(text)


def _unfold(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def base_subject(subject: str) -> tuple[str, bool]:
    """The subject without reply/forward prefixes and list tags; and whether it had one."""
    current = subject.strip()
    had_prefix = False
    while True:
        before = current
        current = _LIST_TAG_RE.sub("", current, count=1)
        stripped = _PREFIX_RE.sub("", current, count=1)
        if stripped != current:
            had_prefix = True
            current = stripped.strip()
        if current == before:
            break
    return re.sub(r"\s+", " ", current).strip().casefold(), had_prefix
