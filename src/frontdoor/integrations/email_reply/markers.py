"""Lines of a body and the markers clients put between a reply and what it answers.

Each predicate looks at a line and at most a few lines around it, so finding every marker
of a body is linear in its length (see :mod:`.patterns` for why each match is bounded).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from frontdoor.integrations.email_reply import patterns as p

_DIGIT_RE = re.compile(r"\d")


class Hint(enum.Enum):
    """What the HTML around a line says about it (plain text lines have none)."""

    NONE = 0
    HISTORY = 1  # the quoted history starts here (Outlook divRplyFwdMsg, Yahoo yahoo_quoted, ...)
    ATTRIBUTION = 2  # Gmail gmail_attr, Thunderbird moz-cite-prefix
    SIGNATURE = 3  # Gmail gmail_signature, Thunderbird moz-signature, Outlook #Signature


@dataclass(slots=True)
class Line:
    """One line of a body: as written, whether it is quoted, and its stripped text."""

    raw: str
    quoted: bool
    bare: str
    hint: Hint = Hint.NONE

    @classmethod
    def plain(cls, raw: str) -> Line:
        """A line of a plain-text body; ``>``-prefixed lines are quoted."""
        raw = raw.rstrip()
        return cls(raw, bool(p.QUOTE_RE.match(raw)), raw.strip())


def split_lines(text: str) -> list[Line]:
    """The lines of a plain-text body (any line ending)."""
    return [Line.plain(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _markable(line: Line) -> bool:
    return bool(line.bare) and not line.quoted and len(line.bare) <= p.MAX_MARKER_LINE


# --- attribution lines ----------------------------------------------------------------------


class Strength(enum.Enum):
    """How sure an attribution is: WEAK ones count only right above quoted lines."""

    WEAK = 1
    STRONG = 2


def _attribution_start(lines: list[Line], j: int, verb_only: bool) -> int:
    """Where an attribution ending at line ``j`` starts (clients wrap it over up to 3 lines)."""
    if p.OPENER_RE.match(lines[j].bare) and not verb_only:
        return j
    for k in (j - 1, j - 2):
        if k < 0 or not _markable(lines[k]):
            break
        bare = lines[k].bare
        if p.OPENER_RE.match(bare):
            return k
        if k == j - 1 and verb_only and ("@" in bare or "<" in bare):
            return k
    return j


def attribution_ending_at(lines: list[Line], j: int) -> tuple[int, Strength] | None:
    """``(start, strength)`` of an attribution whose last line is ``j``, else None."""
    line = lines[j]
    if not _markable(line):
        return None
    bare = line.bare
    dashed = bare.startswith(("--", "==")) and bare.endswith(("--", "=="))
    if dashed:  # Zoho/Android "---- On ... wrote ----": one line, the dashes stripped
        inner = bare.strip("-= \t")
        if len(inner) > 4 and (p.VERB_BARE_END_RE.search(inner) or p.VERB_END_RE.search(inner)):
            return j, Strength.STRONG
        return None
    verb_end = bool(p.VERB_END_RE.search(bare) or p.CJK_END_RE.search(bare))
    if not verb_end and not bare.endswith((":", "：")):
        return None
    verb_only = bool(p.VERB_ONLY_RE.match(bare) or p.CJK_ONLY_RE.match(bare))
    start = _attribution_start(lines, j, verb_only)
    joined = " ".join(lines[k].bare for k in range(start, j + 1))
    has_at = "@" in joined
    has_digit = bool(_DIGIT_RE.search(joined))
    opener = bool(p.OPENER_RE.match(joined))
    if verb_end:
        strong = has_at or (opener and has_digit)
        return start, Strength.STRONG if strong else Strength.WEAK
    if p.VERB_INSIDE_RE.search(joined) and has_digit and (has_at or opener):
        return start, Strength.STRONG
    if p.ADDRESS_END_RE.search(bare) or (has_at and has_digit):
        return start, Strength.WEAK
    return None


def attribution_spans(lines: list[Line]) -> dict[int, tuple[int, Strength]]:
    """Every attribution of the body: ``start line -> (end line, strength)``."""
    spans: dict[int, tuple[int, Strength]] = {}
    for j in range(len(lines)):
        found = attribution_ending_at(lines, j)
        if found is not None:
            start, strength = found
            spans.setdefault(start, (j, strength))
    return spans


# --- separators and header blocks -----------------------------------------------------------


def is_forward_separator(line: Line) -> bool:
    """A forward separator: "---- Forwarded message ----", "Begin forwarded message:", "전달된 메시지"."""
    return _markable(line) and bool(p.FORWARD_RE.match(line.bare))


def is_original_separator(line: Line) -> bool:
    """An "-----Original Message-----" line, in any of the languages of the table."""
    return _markable(line) and bool(p.ORIGINAL_RE.match(line.bare))


def is_rule(line: Line) -> bool:
    """A line that is only a horizontal rule (``_____``, ``-----``)."""
    return _markable(line) and bool(p.RULE_LINE_RE.match(line.bare))


def field_of(line: Line) -> tuple[str, str, str] | None:
    """``(kind, name, value)`` when the line is a header field ("Von: Hans", "제목: 견적")."""
    if not _markable(line):
        return None
    match = p.FIELD_RE.match(line.bare)
    if match is None:
        return None
    name = match.group(1)
    value = line.bare[match.end() :].strip(" \t*")
    return p.FIELD_KIND[name.lower()], name, value


def header_block_end(lines: list[Line], i: int) -> int | None:
    """The last line of a reply header block ("From:/Sent:/To:/Subject:") starting at ``i``.

    A block needs a sender field and a date or subject field among consecutive field lines
    (one blank line between them is allowed, as HTML renderings leave), so a user's own
    "From: Monday / To: Friday" is not a header.
    """
    first = field_of(lines[i])
    if first is None:
        return None
    kinds = {first[0]}
    last = i
    k = i + 1
    while k < len(lines) and k <= last + 2:
        line = lines[k]
        if line.quoted:
            break
        if not line.bare:
            k += 1
            continue
        found = field_of(line)
        if found is not None:
            kinds.add(found[0])
            last = k
        elif k == last + 1 and line.raw[:1] in (" ", "\t"):
            last = k  # a folded field value
        else:
            break
        k += 1
    if "from" in kinds and kinds & {"date", "subject"}:
        return last
    return None


# --- signatures -----------------------------------------------------------------------------


def is_signature_delimiter(line: Line) -> bool:
    """A signature delimiter: "-- " (RFC 3676; many clients trim the space), or "__"."""
    return not line.quoted and bool(p.SIG_DELIMITER_RE.match(line.raw.strip()))


def is_mobile_signature(line: Line) -> bool:
    """A mobile or app signature: "Sent from my iPhone", "Von meinem iPhone gesendet", "갤럭시에서 보냄"."""
    bare = line.bare
    if not bare or line.quoted or len(bare) > p.MAX_MOBILE_SIG or bare.count(" ") > 10:
        return False
    return bool(p.MOBILE_SIG_RE.match(bare))
