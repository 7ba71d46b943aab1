"""What reply extraction returns: the sender's new text and everything it set aside."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Part(enum.StrEnum):
    """The role of a run of lines in a message body."""

    TEXT = "text"  # what the sender newly wrote
    QUOTE = "quote"  # quoted history: "> " lines, or everything under a reply header
    ATTRIBUTION = "attribution"  # "On ... wrote:", "-----Original Message-----", a From:/Sent: block
    SIGNATURE = "signature"  # "-- " block, "Sent from my iPhone", a marked HTML signature
    FORWARD_HEADER = "forward_header"  # the separator and header lines of a forwarded message


@dataclass(frozen=True)
class Segment:
    """Consecutive lines of one :class:`Part`, in the order of the body."""

    part: Part
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The lines joined, leading and trailing blank lines dropped."""
        return "\n".join(self.lines).strip("\n")


@dataclass(frozen=True)
class ForwardedMessage:
    """A message forwarded inside another one, as its forward header describes it.

    Attributes
    ----------
    text : str
        What the forwarded message's sender wrote (its own quotes and signature dropped).
    body : str
        The forwarded body as it stands under its header.
    sender, date, subject, to : str or None
        The header values as written (``"Kim <kim@example.kr>"``, ``"2024년 1월 5일 (금) 오후 3:02"``),
        None where the header lacks the field. Dates stay text: clients print them in their
        own language and format.
    headers : tuple of (str, str)
        Every header line as ``(field name, value)``, in order.
    """

    text: str
    body: str
    sender: str | None = None
    date: str | None = None
    subject: str | None = None
    to: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ReplyParts:
    """One email body split into what its sender wrote and what they set aside.

    ``text`` is the sender's own words (top-posted, bottom-posted or between quoted lines);
    ``quote``, ``attribution``, ``signature`` and ``forwarded`` hold what was dropped, so
    a caller can keep a forwarded message as its own message. ``segments`` is the whole
    body, run by run (forwarded bodies excepted: they are in ``forwarded``), for callers
    that want another cut.
    """

    segments: tuple[Segment, ...] = ()
    forwarded: tuple[ForwardedMessage, ...] = ()

    def joined(self, parts: Iterable[Part]) -> str:
        """The lines of the given parts in body order.

        Where other parts were cut out between two kept runs, the blank lines at the cut
        become one blank line (none when neither side had one), so "A / > q / B" gives
        "A / B" and a paragraph break around a quote stays one paragraph break.
        """
        wanted = frozenset(parts)
        out: list[str] = []
        cut = blank = False
        for segment in self.segments:
            if segment.part not in wanted:
                cut = cut or bool(out)
                continue
            for line in segment.lines:
                if cut:
                    if not line.strip():
                        blank = True
                        continue
                    while out and not out[-1].strip():
                        out.pop()
                        blank = True
                    if blank:
                        out.append("")
                    cut = blank = False
                out.append(line)
        while out and not out[-1].strip():
            out.pop()
        start = 0
        while start < len(out) and not out[start].strip():
            start += 1
        return "\n".join(out[start:])

    @property
    def text(self) -> str:
        """What the sender newly wrote."""
        return self.joined((Part.TEXT,))

    @property
    def text_with_signature(self) -> str:
        """The sender's text with their signature lines where they stood."""
        return self.joined((Part.TEXT, Part.SIGNATURE))

    @property
    def quote(self) -> str:
        """The quoted history that was dropped."""
        return self.joined((Part.QUOTE,))

    @property
    def signature(self) -> str:
        """The signature lines that were dropped."""
        return self.joined((Part.SIGNATURE,))

    @property
    def attribution(self) -> tuple[str, ...]:
        """Each attribution line or reply header block that was dropped, in order."""
        return tuple(s.text for s in self.segments if s.part is Part.ATTRIBUTION and s.text)
