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
Parsing is one pass of :class:`html.parser.HTMLParser` with an element stack that is popped,
never searched (a per-tag count says whether a closing tag has an opening one), so hostile
nesting costs linear time.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

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


class _LineParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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
        if not self._pre:
            text = _SPACES_RE.sub(" ", text)
        text = text.strip()
        if not text and not force:
            return
        hint = self._hints[-1] if self._hints else Hint.NONE
        if text and self._history_next:
            hint, self._history_next = Hint.HISTORY, False
        quoted = self._quote > 0 or bool(QUOTE_RE.match(text))
        self.lines.append(Line(text, quoted, text, hint))

    # --- parser callbacks -----------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
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
        if tag == "hr":
            values = {k: v or "" for k, v in attrs}
            # Zimbra "zwchr", Hotmail "stopSpelling", Outlook web's <hr tabindex="-1">.
            if values.get("id", "").lower() in ("zwchr", "stopspelling") or values.get("tabindex") == "-1":
                self._history_next = True
        if tag in _VOID or len(self._stack) >= _MAX_DEPTH:
            return
        quotes, hint = _role(tag, {k: v or "" for k, v in attrs})
        if quotes or hint is not Hint.NONE:
            self._flush()
        self._stack.append((tag, quotes, hint))
        self._open[tag] += 1
        self._quote += quotes
        if hint is not Hint.NONE:
            self._hints.append(hint)
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
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

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_lines(html: str) -> list[Line]:
    """The lines of an HTML body, quoted where the markup quotes them, with history hints."""
    parser = _LineParser()
    parser.feed(html)
    parser.close()
    return parser.lines
