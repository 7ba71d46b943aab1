"""What the sender wrote: quoted replies, attributions and signatures cut, HTML read as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

_ORIGINAL_RE = re.compile(
    r"^\s*-{2,}\s*(?:original message|원본 메시지|원본 메일|원본메시지|원래 메시지)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_WROTE_RE = re.compile(r"\bwrote\s*:\s*$", re.IGNORECASE)
_KO_WROTE_RE = re.compile(r"(?:님이)?\s*작성\s*:\s*$")
_HEADER_FROM_RE = re.compile(r"^\s*\*?(?:from|보낸\s*사람|보낸사람)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADER_SENT_RE = re.compile(r"^\s*\*?(?:sent|date|보낸\s*날짜|날짜)\s*\*?\s*[:：]", re.IGNORECASE)


def _is_attribution(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if not line:
        return False
    if _ORIGINAL_RE.match(line):
        return True
    window = " ".join(s.strip() for s in lines[i : i + 3])
    if line.startswith("On ") and re.match(r"^On\b.{0,300}?\bwrote\s*:", window, re.IGNORECASE):
        return True
    if _WROTE_RE.search(line) and ("@" in line or re.search(r"\d", line)):
        return True
    # Gmail "..., 김민지 <minji@x.kr>님이 작성:", Apple Mail "... 작성:", possibly wrapped.
    pair = " ".join(s.strip() for s in lines[i : i + 2])
    for candidate in (line, pair):
        if _KO_WROTE_RE.search(candidate) and re.search(r"\d", candidate) and "님이" in pair + line:
            return True
    if _KO_WROTE_RE.search(line) and "@" in line:
        return True
    # Outlook: "____" rule or a "From:/보낸 사람:" header block followed by "Sent:/보낸 날짜:".
    if re.fullmatch(r"_{10,}", line):
        return any(_HEADER_FROM_RE.match(s) for s in lines[i + 1 : i + 3])
    if _HEADER_FROM_RE.match(line):
        return any(_HEADER_SENT_RE.match(s) for s in lines[i + 1 : i + 5])
    return False


def strip_quoted(text: str) -> str:
    """What the sender wrote: drop quoted replies, attribution lines and the signature.

    Cuts at the first attribution ("On ... wrote:", "-----Original Message-----",
    "... 님이 작성:", "-----원본 메시지-----", an Outlook header block) and drops ``>`` lines.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _is_attribution(lines, i):
            break
        # RFC 3676 signature separator; many clients trim it to "--".
        if line in ("-- ", "--") and sum(1 for rest in lines[i + 1 :] if rest.strip()) <= 6:
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    out = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


class _HTMLText(HTMLParser):
    """HTML to plain text; skips scripts, styles and quoted blocks."""

    _BLOCK: ClassVar[frozenset[str]] = frozenset(
        {"br", "p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre"}
    )
    _SKIP: ClassVar[frozenset[str]] = frozenset({"script", "style", "head", "title", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_tag: str | None = None
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        classes = " ".join(v or "" for k, v in attrs if k in {"class", "id"})
        if tag in self._SKIP or "gmail_quote" in classes or "divRplyFwdMsg" in classes:
            self._skip_tag, self._skip_depth = tag, 1
            return
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip_tag is None:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, one line per block element, quoted blocks left out.

    Not :func:`frontdoor.integrations._common.html_to_text`: a mail body's quoted reply
    (``blockquote``, Gmail's ``gmail_quote``, Outlook's ``divRplyFwdMsg``) is the earlier
    message again, so it is dropped here; chat and helpdesk HTML keeps every block.
    """
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
