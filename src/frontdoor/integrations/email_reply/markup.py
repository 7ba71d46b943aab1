"""HTML bodies as lines that keep what the markup says about quoting.

Clients mark a reply's history in the markup, and that is more reliable than the text:

* Gmail: ``<div class="gmail_quote">`` holding a ``gmail_attr`` attribution and a
  ``<blockquote class="gmail_quote">``; ``gmail_signature`` around the signature.
* Apple Mail and Thunderbird: ``<blockquote type="cite">``; Thunderbird's attribution is
  ``<div class="moz-cite-prefix">`` and its signature ``moz-signature``.
* Outlook: no blockquote; the history starts at ``<div id="divRplyFwdMsg">`` (web), at a
  ``<div style="border:none;border-top:solid ...">`` around the From:/Sent: block (desktop),
  or after ``<hr tabindex="-1">`` (web); Outlook web's signature is ``<div id="Signature">``.
* Yahoo: ``<div class="yahoo_quoted">``; Zimbra: ``<hr id="zwchr">``; Hotmail: ``<hr id="stopSpelling">``.

A quoted element makes its lines quoted; a history marker starts the history at its first
line. The text is then split by the same rules as plain text (:mod:`.extract`).
Parsing is one pass of a small tokenizer (below: it finds the end of each construct once)
with an element stack that is popped, never searched (a per-tag count says whether a
closing tag has an opening one), so hostile markup and nesting cost linear time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

from frontdoor.integrations.email_reply.markers import Hint, Line
from frontdoor.integrations.email_reply.patterns import QUOTE_RE

_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
_MAX_DEPTH = 2000
_SPACES_RE = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")
_BORDER_TOP_RE = re.compile(r"border-top:\s*solid", re.IGNORECASE)
_BORDER_NONE_RE = re.compile(r"border(?:-left)?:\s*none", re.IGNORECASE)

_HISTORY_TOKENS = (
    "divrplyfwdmsg",
    "yahoo_quoted",
    "outlookmessageheader",
    "zwchr",
    "mail-editor-reference-message-container",
    "olk_src_body_section",
)
_HISTORY_RULES = ("zwchr", "stopspelling")
_ATTRIBUTION_TOKENS = ("gmail_attr", "moz-cite-prefix")
_SIGNATURE_TOKENS = ("gmail_signature", "moz-signature", "signature", "apple-mail-signature")


def _role(tag: str, attrs: dict[str, str]) -> tuple[bool, Hint]:
    """(quotes its content?, hint for its lines) of one element."""
    names = " ".join((attrs.get("class", ""), attrs.get("id", ""), attrs.get("data-smartmail", ""))).lower()
    tokens = set(names.split())
    if any(t in names for t in _HISTORY_TOKENS):
        return False, Hint.HISTORY
    style = attrs.get("style", "")
    if tag == "div" and _BORDER_TOP_RE.search(style) and "border:none" in style.replace(" ", "").lower():
        return False, Hint.HISTORY
    if tokens & set(_ATTRIBUTION_TOKENS):
        return False, Hint.ATTRIBUTION
    if tokens & set(_SIGNATURE_TOKENS) or any("signature" in t for t in tokens):
        return False, Hint.SIGNATURE
    if tag == "blockquote":
        cite = attrs.get("type", "").lower() == "cite" or "quote" in names
        # Gmail's and Outlook's "indent" is a border-less blockquote: the sender's own text.
        return cite or not _BORDER_NONE_RE.search(style), Hint.NONE
    if "protonmail_quote" in names or "quote" in tokens:
        return True, Hint.NONE
    return False, Hint.NONE


# --- a linear-time tokenizer ---------------------------------------------------------------
#
# html.parser.HTMLParser rescans unterminated comments and tags at the end of the input once
# per character left (quadratic in CPython before 3.13.4/3.12.11), so hostile mail could stall
# it; this tokenizer finds every construct's end with one str.find from where it starts and
# gives up on the rest of the input when there is none, as a browser does.

_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9:_.-]{0,63}")
_ATTR_RE = re.compile(r"""([^\s"'=<>/`]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_QUOTE_OR_END_RE = re.compile(r"""[>"']""")
_RAW_TEXT = frozenset({"script", "style", "title", "textarea", "xmp", "noscript"})


@dataclass(frozen=True)
class _Start:
    name: str
    attrs: dict[str, str]


@dataclass(frozen=True)
class _End:
    name: str


def _tag_end(html: str, pos: int) -> int:
    """Index of the ``>`` closing the tag whose attributes start at ``pos`` (-1: never closed)."""
    while True:
        found = _QUOTE_OR_END_RE.search(html, pos)
        if found is None:
            return -1
        if found.group() == ">":
            return found.start()
        before = html[max(0, found.start() - 8) : found.start()].rstrip()
        if not before.endswith("="):  # a quote inside an unquoted value is a character
            pos = found.start() + 1
            continue
        close = html.find(found.group(), found.start() + 1)
        if close < 0:
            return -1
        pos = close + 1


def _tokens(html: str) -> Iterator[_Start | _End | str]:
    """Start tags (with attributes), end tags and text (entities decoded), in order."""
    pos, n = 0, len(html)
    lower: str | None = None
    while pos < n:
        lt = html.find("<", pos)
        if lt < 0:
            yield unescape(html[pos:])
            return
        if lt > pos:
            yield unescape(html[pos:lt])
        pos = lt
        if html.startswith("<!--", pos):
            end = html.find("-->", pos + 4)
            if end < 0:
                return
            pos = end + 3
            continue
        if html.startswith(("<!", "<?"), pos):
            end = html.find(">", pos + 2)
            if end < 0:
                return
            pos = end + 1
            continue
        closing = html.startswith("</", pos)
        name = _NAME_RE.match(html, pos + 1 + closing)
        if name is None:
            yield "<"
            pos += 1
            continue
        end = _tag_end(html, name.end())
        if end < 0:
            return
        tag = name.group().lower()
        pos = end + 1
        if closing:
            yield _End(tag)
            continue
        attrs = {
            k.lower(): unescape(v[1:-1] if v[:1] in "\"'" else v)
            for k, v in _ATTR_RE.findall(html, name.end(), end)
        }
        yield _Start(tag, attrs)
        if tag in _RAW_TEXT:  # their content is text up to the closing tag, never markup
            lower = lower if lower is not None else html.lower()
            close = lower.find("</" + tag, pos)
            if close < 0:
                return
            if tag in ("textarea", "title", "xmp"):
                yield unescape(html[pos:close])
            pos = close


# --- lines from tokens ----------------------------------------------------------------------


class _LineBuilder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._buf: list[str] = []
        self._stack: list[tuple[str, bool, Hint]] = []
        self._open: Counter[str] = Counter()
        self._quote = 0
        self._hints: list[Hint] = []
        self._skip = 0
        self._pre = 0
        self._history_next = False

    # --- lines ----------------------------------------------------------------------------

    def _flush(self, force: bool = False) -> None:
        text = "".join(self._buf)
        self._buf = []
        if self._pre:  # preformatted: its own line breaks, trailing spaces dropped
            pieces = [piece.rstrip() for piece in text.strip("\n").split("\n")]
        else:
            pieces = [_SPACES_RE.sub(" ", text).strip()]
        if pieces == [""] and not force:
            return
        for piece in pieces:
            hint = self._hints[-1] if self._hints else Hint.NONE
            if piece and self._history_next:
                hint, self._history_next = Hint.HISTORY, False
            quoted = self._quote > 0 or bool(QUOTE_RE.match(piece))
            self.lines.append(Line(piece, quoted, piece.strip(), hint))

    # --- parser callbacks -----------------------------------------------------------------

    def start(self, tag: str, values: dict[str, str]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        if tag == "body":
            self._skip = 0  # an unclosed <head> must not hide the body
        if tag == "br":
            self._flush(force=True)
            return
        if tag in _BLOCK or tag in ("td", "th"):
            self._flush()
            if tag in ("td", "th"):
                self._buf.append(" ")
        # Zimbra's <hr id="zwchr">, Hotmail's <hr id="stopSpelling">, Outlook web's <hr tabindex="-1">.
        if tag == "hr" and (values.get("id", "").lower() in _HISTORY_RULES or values.get("tabindex") == "-1"):
            self._history_next = True
        if tag in _VOID or len(self._stack) >= _MAX_DEPTH:
            return
        quotes, hint = _role(tag, values)
        if quotes or hint is not Hint.NONE:
            self._flush()
        self._stack.append((tag, quotes, hint))
        self._open[tag] += 1
        self._quote += quotes
        if hint is not Hint.NONE:
            self._hints.append(hint)
        if tag == "pre":
            self._pre += 1

    def end(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag in _BLOCK:
            self._flush()
        if not self._open[tag]:
            return  # a closing tag with no opening one
        while self._stack:
            name, quotes, hint = self._stack.pop()
            self._open[name] -= 1
            if quotes or hint is not Hint.NONE:
                self._flush()
            self._quote -= quotes
            if hint is not Hint.NONE:
                self._hints.pop()
            if name == "pre":
                self._pre -= 1
            if name == tag:
                break

    def data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def end_of_input(self) -> None:
        self._flush()


def html_lines(html: str) -> list[Line]:
    """The lines of an HTML body, quoted where the markup quotes them, with history hints."""
    builder = _LineBuilder()
    for token in _tokens(html):
        if isinstance(token, str):
            builder.data(token)
        elif isinstance(token, _Start):
            builder.start(token.name, token.attrs)
        else:
            builder.end(token.name)
    builder.data("")
    builder.end_of_input()
    return builder.lines
