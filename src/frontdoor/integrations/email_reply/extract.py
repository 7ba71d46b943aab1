"""Split a body into runs: new text, quote, attribution, signature, forwarded message.

One pass over the lines, in order:

* ``>`` lines are quote; an attribution right above them ("On ... wrote:") is attribution;
  text between and below quotes is kept, so bottom-posted and inline replies keep every
  word the sender wrote.
* A reply header that is not followed by ``>`` lines (Outlook's "-----Original Message-----"
  or "From:/Sent:" block, an "On ... wrote:" above an unquoted copy, an HTML history
  marker) starts the quoted history: everything below it is quote.
* A forward separator starts a forwarded message: its header (sender, date, subject) is
  parsed and its body is split again, as a message of its own.
* "-- " starts a signature that runs to the next quote or header; a "Sent from my iPhone"
  line closing a run of text is signature too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from frontdoor.integrations.email_reply import markers as m
from frontdoor.integrations.email_reply.markers import Hint, Line, Strength
from frontdoor.integrations.email_reply.model import ForwardedMessage, Part, ReplyParts, Segment
from frontdoor.integrations.email_reply.patterns import FIELD_KIND, FORWARD_SUBJECT_RE

# Forwards inside forwards are parsed this deep; deeper ones stay in the last body.
MAX_FORWARDS = 20


@dataclass
class _Runs:
    """Builds segments: consecutive lines of one part become one segment."""

    segments: list[Segment] = field(default_factory=list)
    _part: Part | None = None
    _lines: list[str] = field(default_factory=list)

    @property
    def part(self) -> Part:
        return self._part or Part.TEXT

    def add(self, part: Part, line: str) -> None:
        if part is not self._part:
            self.close()
            self._part = part
        self._lines.append(line)

    def close(self) -> None:
        if self._part is not None and self._lines:
            self.segments.append(Segment(self._part, tuple(self._lines)))
        self._part, self._lines = None, []


@dataclass
class _Forward:
    """Where a forwarded message starts, and whether a separator line stands above its header."""

    at: int
    separator: bool


def _next_content(lines: list[Line], i: int) -> int:
    """The first non-blank line at or after ``i`` (``len(lines)`` when none)."""
    while i < len(lines) and not lines[i].bare:
        i += 1
    return i


def _history_start(lines: list[Line], i: int, spans: dict[int, tuple[int, Strength]]) -> int | None:
    """If the quoted history (or a forward) starts at line ``i``, the last line of its header."""
    line = lines[i]
    if line.hint is Hint.HISTORY or m.is_original_separator(line):
        nxt = _next_content(lines, i + 1)
        end = m.header_block_end(lines, nxt) if nxt < len(lines) else None
        return end if end is not None else i
    if m.is_rule(line):  # Outlook's "______" above a header block
        nxt = _next_content(lines, i + 1)
        if nxt <= i + 2 and nxt < len(lines):
            return m.header_block_end(lines, nxt)
        return None
    end = m.header_block_end(lines, i)
    if end is not None:
        return end
    span = spans.get(i)
    if span is not None and span[1] is Strength.STRONG:
        nxt = _next_content(lines, span[0] + 1)
        if nxt >= len(lines) or not lines[nxt].quoted:
            return span[0]
    if line.hint is Hint.ATTRIBUTION:
        nxt = _next_content(lines, i + 1)
        while nxt < len(lines) and lines[nxt].hint is Hint.ATTRIBUTION:
            nxt = _next_content(lines, nxt + 1)
        if nxt >= len(lines) or not lines[nxt].quoted:
            return i
    return None


def _quote_intro_end(lines: list[Line], i: int, spans: dict[int, tuple[int, Strength]]) -> int | None:
    """If line ``i`` starts an attribution right above quoted lines, its last line."""
    span = spans.get(i)
    end = span[0] if span is not None else None
    if end is None and lines[i].hint is Hint.ATTRIBUTION:
        end = i
        while end + 1 < len(lines) and lines[end + 1].hint is Hint.ATTRIBUTION:
            end += 1
    if end is None:
        return None
    nxt = _next_content(lines, end + 1)
    return end if nxt < len(lines) and lines[nxt].quoted else None


def _is_boundary(lines: list[Line], i: int, spans: dict[int, tuple[int, Strength]]) -> bool:
    """Whether a signature run stops at line ``i``."""
    line = lines[i]
    if line.quoted or line.hint in (Hint.HISTORY, Hint.ATTRIBUTION):
        return True
    if m.is_forward_separator(line):
        return True
    return _history_start(lines, i, spans) is not None or _quote_intro_end(lines, i, spans) is not None


def _walk(lines: list[Line], forward_subject: bool) -> tuple[list[Segment], _Forward | None]:
    """Segments of ``lines`` up to a forwarded message, and where that message starts."""
    spans = m.attribution_spans(lines)
    runs = _Runs()
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line.bare:
            runs.add(runs.part, line.raw)
        elif line.quoted:
            runs.add(Part.QUOTE, line.raw)
        elif m.is_forward_separator(line):
            runs.close()
            return runs.segments, _Forward(i, True)
        elif (end := _history_start(lines, i, spans)) is not None:
            if forward_subject:  # an Outlook forward looks like a reply; the subject tells
                runs.close()
                return runs.segments, _Forward(i, end > i or not m.field_of(line))
            for k in range(i, end + 1):
                runs.add(Part.ATTRIBUTION, lines[k].raw)
            for k in range(end + 1, n):
                runs.add(Part.QUOTE, lines[k].raw)
            break
        elif (end := _quote_intro_end(lines, i, spans)) is not None:
            for k in range(i, end + 1):
                runs.add(Part.ATTRIBUTION, lines[k].raw)
            i = end
        elif line.hint is Hint.SIGNATURE or m.is_signature_delimiter(line):
            runs.add(Part.SIGNATURE, line.raw)
            i += 1
            while i < n and not (lines[i].bare and _is_boundary(lines, i, spans)):
                runs.add(Part.SIGNATURE, lines[i].raw)
                i += 1
            continue
        else:
            runs.add(Part.TEXT, line.raw)
        i += 1
    runs.close()
    return runs.segments, None


def _mobile_signatures(segments: list[Segment]) -> list[Segment]:
    """Move a "Sent from my iPhone" line that closes a run of text into a signature."""
    out: list[Segment] = []
    for segment in segments:
        if segment.part is not Part.TEXT:
            out.append(segment)
            continue
        last = len(segment.lines) - 1
        while last >= 0 and not segment.lines[last].strip():
            last -= 1
        if last >= 0 and m.is_mobile_signature(Line.plain(segment.lines[last])):
            if last > 0:
                out.append(Segment(Part.TEXT, segment.lines[:last]))
            out.append(Segment(Part.SIGNATURE, segment.lines[last:]))
        else:
            out.append(segment)
    return out


def _forward_parts(lines: list[Line], fwd: _Forward) -> tuple[list[str], list[tuple[str, str]], list[Line]]:
    """(header lines as written, header fields, body lines) of a forwarded message."""
    header = [lines[fwd.at].raw] if fwd.separator else []
    k = _next_content(lines, fwd.at + 1 if fwd.separator else fwd.at)
    if k < len(lines) and lines[k].quoted:
        # Apple Mail's plain-text forward quotes the whole forwarded message with "> ".
        end = k
        while end < len(lines) and (lines[end].quoted or not lines[end].bare):
            end += 1
        header += [line.raw for line in lines[fwd.at + 1 : k]]
        lines = [Line.plain(_unquote(line.raw)) for line in lines[k:end]] + lines[end:]
        k = _next_content(lines, 0)
    fields: list[tuple[str, str]] = []
    while k < len(lines) and len(fields) < 30:
        line = lines[k]
        found = m.field_of(line)
        if found is not None:
            fields.append((found[1], found[2]))
        elif fields and line.bare and line.raw[:1] in (" ", "\t"):
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {line.bare}")  # a folded value
        else:
            break
        header.append(line.raw)
        k += 1
    return header, fields, lines[k:]


def _unquote(raw: str) -> str:
    stripped = raw.lstrip(" \t")
    if stripped.startswith(">"):
        stripped = stripped[1:]
        if stripped.startswith(" "):
            stripped = stripped[1:]
    return stripped


def _field(fields: list[tuple[str, str]], kind: str) -> str | None:
    for name, value in fields:
        if FIELD_KIND.get(name.lower()) == kind and value:
            return value
    return None


def split_body(lines: list[Line], *, subject: str | None = None) -> ReplyParts:
    """Split body lines into a :class:`ReplyParts` (see the module docstring for the rules)."""
    forward_subject = bool(subject and FORWARD_SUBJECT_RE.match(subject))
    segments, fwd = _walk(lines, forward_subject)
    top = _mobile_signatures(segments)
    forwarded: list[ForwardedMessage] = []
    while fwd is not None and len(forwarded) < MAX_FORWARDS:
        header, fields, body = _forward_parts(lines, fwd)
        if not forwarded:
            top.append(Segment(Part.FORWARD_HEADER, tuple(header)))
        inner, fwd = _walk(body, False)
        parts = ReplyParts(tuple(_mobile_signatures(inner)))
        forwarded.append(
            ForwardedMessage(
                text=parts.text,
                body="\n".join(line.raw for line in body).strip("\n"),
                sender=_field(fields, "from"),
                date=_field(fields, "date"),
                subject=_field(fields, "subject"),
                to=_field(fields, "to"),
                headers=tuple(fields),
            )
        )
        lines = body
    return ReplyParts(tuple(top), tuple(forwarded))
