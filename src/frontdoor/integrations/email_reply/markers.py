"""Lines of a body and the markers clients put between a reply and what it answers.

Each predicate looks at a line and at most a few lines around it, so finding every marker
of a body is linear in its length (see :mod:`.patterns` for why each match is bounded).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from frontdoor.integrations.email_reply import patterns as p

_DIGIT_RE = re.compile(r"\d")
# A reply header block is at most this long (Outlook's has up to 6 fields, some wrapped).
_MAX_HEADER_LINES = 16
# The last character of any attribution line (a colon, or the dashes of "---- ... wrote ----").
_ATTRIBUTION_ENDS = frozenset(":：-=")
_ISO_DATE_ADDRESS_RE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s")
_ADDRESS_TAIL_RE = re.compile(r"<[^<>@\s]{1,64}@[^<>\s]{1,255}>$")
_ADDRESS_START_RE = re.compile(r"^[\w.+-]{1,64}@")


class Hint(enum.Enum):
    """What the HTML around a line says about it (plain text lines have none)."""

    NONE = 0
    HISTORY = 1  # the quoted history starts here (Outlook divRplyFwdMsg, Yahoo yahoo_quoted, ...)
    ATTRIBUTION = 2  # Gmail gmail_attr, Thunderbird moz-cite-prefix
    SIGNATURE = 3  # Gmail gmail_signature, Thunderbird moz-signature, Outlook #Signature


@dataclass(slots=True)
class Line:
    """One line of a body: as written, whether it is quoted, and its stripped text.

    ``field`` is the line read as a header field (see :func:`field_of`), worked out once
    here because header blocks are looked for from every line.
    """

    raw: str
    quoted: bool
    bare: str
    hint: Hint = Hint.NONE
    field: tuple[str, str, str] | None = dataclass_field(init=False, default=None)

    def __post_init__(self) -> None:
        self.field = _parse_field(self)

    @classmethod
    def plain(cls, raw: str) -> Line:
        """A line of a plain-text body; ``>``-prefixed lines are quoted.

        A line framed ">>> ... <<<" is a decoration (e.g. around a link), not a quote.
        """
        raw = raw.rstrip()
        return cls(raw, bool(p.QUOTE_RE.match(raw)) and not raw.endswith("<<"), raw.strip())


def split_lines(text: str) -> list[Line]:
    """The lines of a plain-text body (any line ending)."""
    return [Line.plain(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def unglue_attributions(lines: list[Line]) -> list[Line]:
    """Split "reply On <date>, <name> wrote:" into the reply and the attribution line.

    Some clients lose the line break before the attribution; the line is split only when
    its tail is a complete attribution on its own (opener word, verb at the end, an
    address or a date), so the head is what the sender wrote.
    """
    out: list[Line] = []
    for line in lines:
        bare = line.bare
        if _markable(line) and (p.VERB_END_RE.search(bare) or p.CJK_END_RE.search(bare)):
            found = None
            for match in p.MIDLINE_OPENER_RE.finditer(bare):
                found = match  # the last opener on the line
            if found is not None and found.start() > 0:
                head = bare[: found.start()].rstrip(" \t-")
                tail = bare[found.start() :].strip(" \t-")
                if head and ("@" in tail or p.DATE_PART_RE.search(tail)):
                    out.append(Line(head, False, head, line.hint))
                    out.append(Line(tail, False, tail, line.hint))
                    continue
        out.append(line)
    return out


def mark_pipe_quotes(lines: list[Line]) -> list[Line]:
    """Quote runs of "| " lines, the quote marker of some clients.

    A run counts when it has two lines or more and one of them is a bare "|" (an empty
    quoted line), which a Markdown table or a piece of ASCII art never has.
    """
    out: list[Line] = []
    i = 0
    while i < len(lines):
        if lines[i].quoted or not lines[i].bare.startswith("|"):
            out.append(lines[i])
            i += 1
            continue
        end = i
        while end < len(lines) and not lines[end].quoted and lines[end].bare.startswith("|"):
            end += 1
        run = lines[i:end]
        if len(run) >= 2 and any(line.bare == "|" for line in run):
            run = [Line(line.raw, True, line.bare, line.hint) for line in run]
        out.extend(run)
        i = end
    return out


def _markable(line: Line) -> bool:
    return bool(line.bare) and not line.quoted and len(line.bare) <= p.MAX_MARKER_LINE


# --- attribution lines ----------------------------------------------------------------------


class Strength(enum.Enum):
    """How sure an attribution is: WEAK ones count only right above quoted lines."""

    WEAK = 1
    STRONG = 2


def _window(lines: list[Line], j: int) -> list[int]:
    """The (at most two) lines right above ``j`` that an attribution may wrap onto, nearest first."""
    out: list[int] = []
    for k in (j - 1, j - 2):
        if k < 0 or not _markable(lines[k]):
            break
        out.append(k)
    return out


def _attribution_start(lines: list[Line], j: int, verb_only: bool) -> int:
    """Where an attribution ending at line ``j`` starts (clients wrap it over up to 3 lines)."""
    window = _window(lines, j)
    for k in reversed(window):  # "On Mon, Jan 5, 2024 at 3:02 PM Kim <" / "kim@x.kr> wrote:"
        if p.OPENER_WORD_RE.match(lines[k].bare):
            return k
    bare = lines[j].bare
    if p.OPENER_WORD_RE.match(bare):
        return j
    # A line that continues the one above ("... Name <" / "name@x.com>:") is not complete.
    wrapped = bool(window) and (
        lines[j - 1].bare.endswith(("<", "(", ",")) or bool(_ADDRESS_START_RE.match(bare))
    )
    if not verb_only and not wrapped and ("@" in bare or p.VERB_END_RE.search(bare)):
        return j  # complete on its own: "Kim <kim@x.kr> wrote:", "John wrote:"
    for k in reversed(window):  # "пт, 5 янв. 2024 г. в 15:02, Иван <" / "ivan@x.ru>:"
        if p.OPENER_DATE_RE.match(lines[k].bare):
            return k
    for k in reversed(window):  # the paragraph: "Max <m@x.de> schrieb am Fr., 28." / "Apr. 2017 ... Uhr:"
        if k == 0 or not lines[k - 1].bare or lines[k - 1].quoted:
            return k
    return j


def _split_attribution(lines: list[Line], j: int) -> int | None:
    """Start of an attribution whose verb the client put on a quoted line of its own.

    Some clients (Polymail, Inbox) write "On <date> Name", the address on lines of its own
    and "> wrote:" as the first quoted line; blank lines may stand between the pieces.
    """
    line = lines[j]
    if not line.quoted or len(line.bare) > 40:
        return None
    if not p.VERB_ONLY_RE.match(line.bare.lstrip(">").strip()):
        return None
    for k in range(j - 1, max(-1, j - 6), -1):
        bare = lines[k].bare
        if lines[k].quoted or len(bare) > p.MAX_MARKER_LINE:
            return None
        if p.OPENER_WORD_RE.match(bare) and _DIGIT_RE.search(bare):
            return k
        if bare and not ("<" in bare or "@" in bare or bare.startswith("mailto:")):
            return None
    return None


def attribution_ending_at(lines: list[Line], j: int) -> tuple[int, Strength] | None:
    """``(start, strength)`` of an attribution whose last line is ``j``, else None."""
    line = lines[j]
    split = _split_attribution(lines, j)
    if split is not None:
        return split, Strength.STRONG
    if not _markable(line):
        return None
    bare = line.bare
    if bare[-1] == ">" and _ISO_DATE_ADDRESS_RE.match(bare) and _ADDRESS_TAIL_RE.search(bare):
        return j, Strength.WEAK  # Gmail's old CJK-locale form, no colon: "2013/7/20 Name <a@b.c>"
    if bare[-1] not in _ATTRIBUTION_ENDS and not p.CJK_END_RE.search(bare[-12:]):
        return None
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
    dated = bool(p.DATE_PART_RE.search(joined))
    opener = bool(p.OPENER_WORD_RE.match(joined) or p.OPENER_DATE_RE.match(joined))
    if verb_end:
        strong = has_at or (opener and dated)
        return start, Strength.STRONG if strong else Strength.WEAK
    if p.VERB_INSIDE_RE.search(joined) and dated:
        # "Am ... schrieb Hans <h@x.de>:"; Lotus Notes "John Smith/ACME wrote on 01/05/2024 03:02 PM:"
        return start, Strength.STRONG if has_at or opener else Strength.WEAK
    if p.ADDRESS_END_RE.search(bare):
        # Gmail's verbless forms: "2014-03-20 8:48 GMT+01:00 Name <a@b>:", "пт, 5 янв. ... <a@b>:"
        return start, Strength.STRONG if dated else Strength.WEAK
    if has_at:
        return start, Strength.WEAK
    return None


class Attributions:
    """The attributions of a body, found on demand: ``get(start) -> (end, strength)``.

    An attribution starting at line ``i`` ends at most :data:`MAX_SPAN` lines below it, so
    asking for line ``i`` looks at a few lines only (each evaluated once), and walking a
    part of a body costs time for that part alone.
    """

    MAX_SPAN = 5

    def __init__(self, lines: list[Line]) -> None:
        self._lines = lines
        self._starts: dict[int, tuple[int, Strength]] = {}
        self._done = 0  # attributions ending above this line are in _starts

    def get(self, i: int) -> tuple[int, Strength] | None:
        """``(last line, strength)`` of the attribution starting at line ``i``, else None."""
        stop = min(len(self._lines), i + self.MAX_SPAN + 1)
        while self._done < stop:
            j = self._done
            found = attribution_ending_at(self._lines, j)
            if found is not None:
                self._starts.setdefault(found[0], (j, found[1]))
            self._done += 1
        return self._starts.get(i)


# --- separators and header blocks -----------------------------------------------------------


def framed(bare: str) -> str | None:
    """The text of a line framed by rules ("----- text -----", two rule characters or more
    on each side), else None."""
    if len(bare) < 5 or bare[0] not in p.RULE_CHARS or bare[-1] not in p.RULE_CHARS:
        return None
    lead = len(bare) - len(bare.lstrip(p.RULE_CHARS))
    trail = len(bare) - len(bare.rstrip(p.RULE_CHARS))
    inner = bare.strip(p.RULE_CHARS + " \t\u00a0\u3000")
    return inner if lead >= 2 and trail >= 2 and inner else None


def is_forward_separator(line: Line) -> bool:
    """A forward separator: "---- Forwarded message ----", "Begin forwarded message:", "전달된 메시지"."""
    if not _markable(line):
        return False
    inner = framed(line.bare)
    if inner is not None:
        return bool(p.FORWARD_PHRASE_RE.match(inner))
    return bool(p.FORWARD_SENTENCE_RE.match(line.bare))


def is_original_separator(line: Line) -> bool:
    """An "-----Original Message-----" line, in any of the languages of the table."""
    inner = framed(line.bare) if _markable(line) else None
    return inner is not None and bool(p.ORIGINAL_PHRASE_RE.match(inner))


def is_rule(line: Line) -> bool:
    """A line that is only a horizontal rule (``_____``, ``-----``)."""
    return _markable(line) and bool(p.RULE_LINE_RE.match(line.bare))


def _parse_field(line: Line) -> tuple[str, str, str] | None:
    if not _markable(line):
        return None
    match = p.FIELD_RE.match(line.bare)
    if match is None:
        return None
    name = match.group(1)
    value = line.bare[match.end() :].strip(" \t*")
    return p.FIELD_KIND[name.lower()], name, value


def field_of(line: Line) -> tuple[str, str, str] | None:
    """``(kind, name, value)`` when the line is a header field ("Von: Hans", "제목: 견적")."""
    return line.field


def header_block_end(lines: list[Line], i: int) -> int | None:
    """The last line of a reply header block ("From:/Sent:/To:/Subject:") starting at ``i``.

    A block is consecutive field lines (one blank line between them is allowed, as HTML
    renderings leave; a value wrapped onto a line of its own too) holding a sender field and
    a date or subject field, or a dated "Date:" field and a recipient or subject field; a
    user's own "From: Monday / To: Friday" is not a header.
    """
    first = field_of(lines[i])
    if first is None:
        return None
    kinds = {first[0]}
    dated = first[0] == "date" and bool(p.DATE_PART_RE.search(first[2]))
    last = i
    k = i + 1
    while k < len(lines) and k <= last + 2 and k <= i + _MAX_HEADER_LINES:
        line = lines[k]
        if line.quoted:
            break
        if not line.bare:
            k += 1
            continue
        found = field_of(line)
        if found is not None:
            kinds.add(found[0])
            dated = dated or (found[0] == "date" and bool(p.DATE_PART_RE.search(found[2])))
            last = k
        elif k == last + 1 and (
            line.raw[:1] in (" ", "\t") or (k + 1 < len(lines) and field_of(lines[k + 1]) is not None)
        ):
            last = k  # a folded or wrapped field value
        else:
            break
        k += 1
    if "from" in kinds and kinds & {"date", "subject"}:
        return last
    if dated and kinds & {"to", "subject"}:
        return last
    return None


# --- signatures -----------------------------------------------------------------------------


def is_signature_delimiter(line: Line) -> bool:
    """A signature delimiter: "-- " (RFC 3676; many clients trim the space), or "__"."""
    return not line.quoted and bool(p.SIG_DELIMITER_RE.match(line.raw.strip()))


def is_mobile_signature(line: Line) -> bool:
    """A mobile or app signature: "Sent from my iPhone", "Von meinem iPhone gesendet", "갤럭시에서 보냄".

    At most nine words: "Sent from my desk, is much easier than my phone." is a sentence.
    """
    bare = line.bare
    if not bare or line.quoted or len(bare) > p.MAX_MOBILE_SIG or bare.count(" ") > 8:
        return False
    return bool(p.MOBILE_SIG_RE.match(bare))


def is_dash_name(text: str) -> bool:
    """A dash sign-off: "-Abhishek", "-Jan Kowalski" (no space after the dash: "- Export" is a list item)."""
    bare = text.strip()
    if not bare.startswith("-") or len(bare) > 50:
        return False
    words = bare[1:].split()
    return 1 <= len(words) <= 3 and bare[1:2].isupper() and all(w[:1].isalpha() for w in words)
