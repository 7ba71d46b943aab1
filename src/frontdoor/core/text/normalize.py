"""Text normalization applied to every piece of customer text before it is stored.

Steps, in order: Unicode NFC (Korean typed on macOS arrives decomposed as jamo), line
endings to ``\\n``, control and zero-width characters removed (tab and newline kept),
exotic spaces (NBSP, ideographic space) folded to a plain space, runs of spaces collapsed,
trailing spaces and blank-line runs trimmed, and finally the text bounded to
``max_chars`` with a flag that says it was cut.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

__all__ = ["NormalizedText", "normalize", "normalize_line"]


def _control_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
        if cp not in (0x09, 0x0A):
            table[cp] = None
    # Zero-width space, BOM, word joiner, soft hyphen, bidi marks: invisible noise that
    # breaks search and tokenization. ZWJ (U+200D) stays: emoji sequences need it.
    for cp in (0x200B, 0xFEFF, 0x2060, 0x00AD, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E):
        table[cp] = None
    for cp in (0x00A0, 0x3000, 0x202F, 0x205F, 0x1680, *range(0x2000, 0x200B)):
        table[cp] = " "
    table[0x09] = " "
    table[0x2028] = "\n"
    table[0x2029] = "\n"
    table[0x0B] = "\n"
    table[0x0C] = "\n"
    return table


_TABLE = _control_table()
_SPACES = re.compile(r" {2,}")
_AROUND_NL = re.compile(r" *\n *")
_BLANK_RUN = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalized text and whether it was cut to the size bound."""

    text: str
    truncated: bool = False


def _clean(text: str) -> str:
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_TABLE)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _AROUND_NL.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANK_RUN.sub("\n\n", text)
    return text.strip()


def normalize(text: str, *, max_chars: int = sys.maxsize) -> NormalizedText:
    """Normalize ``text`` and bound it to ``max_chars`` characters.

    Parameters
    ----------
    text : str
        Raw text from a source (untrusted, any size).
    max_chars : int
        Longest text kept; longer text is cut (at a space near the end when one is
        close) and ``truncated`` is set.

    Returns
    -------
    NormalizedText
        The cleaned text and the truncation flag.

    Examples
    --------
    >>> normalize("  안녕하세요\\r\\n\\r\\n\\r\\n  반갑습니다\\u200b ").text
    '안녕하세요\\n\\n반갑습니다'
    """
    if not text:
        return NormalizedText("", False)
    # Cut very long input before the per-character passes so their cost stays bounded.
    pre_cut = len(text) > max_chars * 2 + 64
    if pre_cut:
        text = text[: max_chars * 2 + 64]
    text = _clean(text)
    if len(text) <= max_chars:
        return NormalizedText(text, pre_cut)
    cut = text[:max_chars]
    space = cut.rfind(" ", max(0, max_chars - 80))
    if space > 0:
        cut = cut[:space]
    return NormalizedText(cut.rstrip(), True)


def normalize_line(text: str | None, *, max_chars: int) -> str:
    """Normalize a one-line field (a name, a subject): newlines become spaces, then bound."""
    if not text:
        return ""
    cleaned = _clean(text)
    if "\n" in cleaned:
        cleaned = " ".join(cleaned.split())
    return cleaned[:max_chars]
