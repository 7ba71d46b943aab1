"""Reading an mbox file message by message (mboxrd and mboxo), never the whole file at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from frontdoor.core.errors import AdapterError

_MBOX_ESCAPED_FROM = re.compile(rb"^>+From ")
_POSTMARK_RE = re.compile(rb"^From \S+\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s")
# Looser postmarks, trusted only after a blank line: a time somewhere, or a bare address.
# A body paragraph such as "From the team, thanks" (unescaped mboxo) matches neither.
_LOOSE_POSTMARK_RE = re.compile(rb"^From (?:\S+ .*\d{1,2}:\d{2}|\S*@\S*\s*$|- )")


def iter_mbox(path: Path) -> Iterator[tuple[str, bytes, bytes]]:
    """Stream ``(position, raw message, postmark line)`` from an mbox file.

    A message starts at a postmark line (``From addr Mon May 13 10:00:00 2024``), or
    after a blank line at a looser ``From addr ...`` line that holds a time or only an
    address; an unescaped body line such as "From the team, thanks" does not split a
    message. ``>From `` lines are unescaped by one ``>`` (mboxrd; also right for mboxo's
    single level).

    Raises
    ------
    AdapterError
        When the file cannot be opened or does not start like an mbox.
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise AdapterError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with fh:
        lines: list[bytes] = []
        postmark = b""
        start_line = 0
        index = 0
        prev_blank = True
        lineno = 0
        for line in fh:
            lineno += 1
            if not lines and not postmark:
                if not line.strip():
                    continue
                if not line.startswith(b"From "):
                    raise AdapterError(
                        f"{path}: not an mbox file (line {lineno} does not start with 'From ')"
                    )
            if line.startswith(b"From ") and (
                _POSTMARK_RE.match(line) or (prev_blank and _LOOSE_POSTMARK_RE.match(line.rstrip(b"\r\n")))
            ):
                if postmark:
                    index += 1
                    yield _mbox_message(index, start_line, lines, postmark)
                postmark, start_line, lines = line.rstrip(b"\r\n"), lineno, []
                prev_blank = False
                continue
            prev_blank = not line.strip()
            if _MBOX_ESCAPED_FROM.match(line):
                line = line[1:]
            lines.append(line)
        if postmark:
            index += 1
            yield _mbox_message(index, start_line, lines, postmark)


def _mbox_message(
    index: int, start_line: int, lines: list[bytes], postmark: bytes
) -> tuple[str, bytes, bytes]:
    if lines and not lines[-1].strip():
        lines = lines[:-1]  # the blank line mbox adds before the next separator
    return f"message {index} (line {start_line})", b"".join(lines), postmark
