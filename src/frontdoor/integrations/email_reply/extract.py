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
from frontdoor.integrations.email_reply.patterns import FIELD_KIND, FORWARD_SUBJECT_RE, REPLY_SUBJECT_RE

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


@dataclass(frozen=True)
class _Subject:
    """What the message's subject says: a forward ("Fwd:", "WG:", "전달:") or a reply ("Re:")."""

    forward: bool = False
    reply: bool = False


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


@dataclass
class _History:
    """The quoted history starts here: its header's last line, and whether that header is an
    Outlook-style block (separator or From:/Sent: fields) rather than an "On ... wrote:" line."""

    end: int
    header_block: bool


def _history_start(lines: list[Line], i: int, spans: m.Attributions) -> _History | None:
    """If the quoted history (or a forward) starts at line ``i``, where its header ends."""
    line = lines[i]
    if line.hint is Hint.HISTORY or m.is_original_separator(line):
        nxt = _next_content(lines, i + 1)
        end = m.header_block_end(lines, nxt) if nxt < len(lines) else None
        return _History(end if end is not None else i, True)
    if m.is_rule(line):  # Outlook's "______" above a header block
        nxt = _next_content(lines, i + 1)
        end = m.header_block_end(lines, nxt) if nxt <= i + 2 and nxt < len(lines) else None
        return _History(end, True) if end is not None else None
    end = m.header_block_end(lines, i)
    if end is not None:
        return _History(end, True)
    span = spans.get(i)
    if span is not None and span[1] is Strength.STRONG:
        nxt = _next_content(lines, span[0] + 1)
        if nxt >= len(lines) or not lines[nxt].quoted:
            return _History(span[0], False)
    if line.hint is Hint.ATTRIBUTION:
        nxt = _next_content(lines, i + 1)
        while nxt < len(lines) and lines[nxt].hint is Hint.ATTRIBUTION:
            nxt = _next_content(lines, nxt + 1)
        if nxt >= len(lines) or not lines[nxt].quoted:
            return _History(i, False)
    return None


def _quote_intro_end(lines: list[Line], i: int, spans: m.Attributions) -> int | None:
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


def _is_boundary(lines: list[Line], i: int, spans: m.Attributions) -> bool:
    """Whether a signature run stops at line ``i``."""
    line = lines[i]
    if line.quoted or line.hint in (Hint.HISTORY, Hint.ATTRIBUTION):
        return True
    if m.is_forward_separator(line):
        return True
    return _history_start(lines, i, spans) is not None or _quote_intro_end(lines, i, spans) is not None


def _broken_quote_line(lines: list[Line], i: int) -> bool:
    """An unquoted line squeezed between two quoted ones that is the tail of a wrapped quote line.

    Clients re-wrap long quoted lines and links without repeating the ``>``: the tail follows
    a long quoted line, or is a piece of a link. A short answer under a short quoted
    question ("> Q1 / A1 / > Q2") is the sender's own inline reply and stays.
    """
    if i == 0 or i + 1 >= len(lines) or not (lines[i - 1].quoted and lines[i + 1].quoted):
        return False
    bare = lines[i].bare
    if len(lines[i - 1].raw) >= 60:
        return True
    if bare.startswith(("(", "<")) or "://" in bare:
        return True
    return " " not in bare and any(c in bare for c in "/=?&)_")


def _walk(lines: list[Line], subject: _Subject) -> tuple[list[Segment], _Forward | None]:
    """Segments of ``lines`` up to a forwarded message, and where that message starts."""
    spans = m.Attributions(lines)
    runs = _Runs()
    has_text = False
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line.bare:
            runs.add(runs.part, line.raw)
        elif line.quoted or _broken_quote_line(lines, i):
            runs.add(Part.QUOTE, line.raw)
        elif m.is_forward_separator(line):
            runs.close()
            return runs.segments, _Forward(i, True)
        elif (history := _history_start(lines, i, spans)) is not None:
            # An Outlook forward looks like a reply: the subject tells, or the header standing
            # first (a reply with no new text at all is a forward without a comment).
            if subject.forward or (history.header_block and not has_text and not subject.reply):
                runs.close()
                return runs.segments, _Forward(i, m.field_of(line) is None)
            for k in range(i, history.end + 1):
                runs.add(Part.ATTRIBUTION, lines[k].raw)
            for k in range(history.end + 1, n):
                runs.add(Part.QUOTE, lines[k].raw)
            break
        elif (end := _quote_intro_end(lines, i, spans)) is not None:
            for k in range(i, end + 1):
                runs.add(Part.ATTRIBUTION, lines[k].raw)
            i = end
        elif line.hint is Hint.SIGNATURE or m.is_signature_delimiter(line) or m.is_mobile_signature(line):
            # "-- " and "Sent from my iPhone" end what the sender typed: the signature runs
            # to the next quote or reply header.
            runs.add(Part.SIGNATURE, line.raw)
            i += 1
            while i < n and not (lines[i].bare and _is_boundary(lines, i, spans)):
                runs.add(Part.SIGNATURE, lines[i].raw)
                i += 1
            continue
        else:
            runs.add(Part.TEXT, line.raw)
            has_text = True
        i += 1
    runs.close()
    return runs.segments, None


def _dash_names(segments: list[Segment]) -> list[Segment]:
    """Move a "-Name" sign-off that closes a run of text into a signature."""
    out: list[Segment] = []
    for segment in segments:
        if segment.part is not Part.TEXT:
            out.append(segment)
            continue
        last = len(segment.lines) - 1
        while last >= 0 and not segment.lines[last].strip():
            last -= 1
        before = last - 1
        while before >= 0 and not segment.lines[before].strip():
            before -= 1
        lone = before < 0 or not segment.lines[before].lstrip().startswith("-")  # not a list
        if last > 0 and lone and m.is_dash_name(segment.lines[last]):
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
        elif (
            fields
            and line.bare
            and (line.raw[:1] in (" ", "\t") or (k + 1 < len(lines) and m.field_of(lines[k + 1]) is not None))
        ):
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {line.bare}")  # a folded or wrapped value
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
    told = _Subject(
        forward=bool(subject and FORWARD_SUBJECT_RE.match(subject)),
        reply=bool(subject and REPLY_SUBJECT_RE.match(subject)),
    )
    lines = m.mark_pipe_quotes(m.unglue_attributions(lines))
    segments, fwd = _walk(lines, told)
    top = _dash_names(segments)
    forwarded: list[ForwardedMessage] = []
    while fwd is not None and len(forwarded) < MAX_FORWARDS:
        header, fields, body = _forward_parts(lines, fwd)
        if not forwarded:
            top.append(Segment(Part.FORWARD_HEADER, tuple(header)))
        inner, fwd = _walk(body, _Subject())
        parts = ReplyParts(tuple(_dash_names(inner)))
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
