"""Properties of reply extraction on any input: it never raises, it only keeps lines the
sender wrote, it loses no line, and hostile input of 1 MB finishes.

Timing is not asserted here (benchmarks measure it); the hostile inputs exist to show that
no pattern backtracks catastrophically: every regex of the extractor matches one bounded
line and no repeated group holds a quantifier, so these return in linear time.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.integrations.email_reply import ReplyParts, extract_reply

# Lines real mail is made of, to reach the markers more often than random text does.
MAIL_LINES = [
    "Thanks, that works.",
    "",
    "> quoted line",
    ">",
    ">> older quote",
    "On Fri, Jan 5, 2024 at 3:02 PM Mina <mina@x.example> wrote:",
    "On Fri, Jan 5, 2024 at 3:02 PM Mina <",
    "mina@x.example> wrote:",
    "wrote:",
    "2024년 1월 5일 (금) 오후 3:02, 홍길동 <a@b.kr>님이 작성:",
    "-----Original Message-----",
    "From: Mina <mina@x.example>",
    "Sent: Friday, January 5, 2024 3:02 PM",
    "To: Jae",
    "Subject: RE: export",
    "________________________________",
    "---------- Forwarded message ---------",
    "Begin forwarded message:",
    "-- ",
    "Sent from my iPhone",
    "-Jae",
    "Best regards,",
    "x On Mon, Jan 5 2024 a@b.c wrote:",
    "---- On Fri, 05 Jan 2024 Mina <m@x.example> wrote ----",
    "(http://example.com/a?b=c) >",
]


def _input_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _check_kept_lines(text: str, parts: ReplyParts) -> None:
    """Every line of the new text is a line of the input (or the start of one that also held
    a glued attribution), in input order."""
    source = _input_lines(text)
    pos = 0
    for line in parts.text.split("\n") if parts.text else []:
        if not line.strip():
            continue
        while pos < len(source) and source[pos] != line and not source[pos].strip().startswith(line.strip()):
            pos += 1
        assert pos < len(source), f"{line!r} is not a line of the input (in order)"
        pos += 1


def _check_nothing_lost(text: str, parts: ReplyParts) -> None:
    """Without forwards, the segments hold every input line, in order (a glued attribution
    counts as two lines)."""
    if parts.forwarded:
        return
    flat = [line for segment in parts.segments for line in segment.lines]
    source = _input_lines(text)
    if len(flat) == len(source):
        assert flat == source


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_split_without_error_into_input_lines(text: str) -> None:
    parts = extract_reply(text)
    _check_kept_lines(text, parts)
    _check_nothing_lost(text, parts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MAIL_LINES) | st.text(max_size=40), max_size=40))
def test_mail_shaped_text_is_split_without_error_into_input_lines(lines: list[str]) -> None:
    text = "\n".join(lines)
    parts = extract_reply(text, subject="Fwd: x")
    _check_kept_lines(text, parts)
    for fwd in parts.forwarded:
        assert isinstance(fwd.text, str) and isinstance(fwd.body, str)
    parts = extract_reply(text)
    _check_kept_lines(text, parts)
    _check_nothing_lost(text, parts)


HTML_PIECES = [
    "<div>",
    "</div>",
    "<br>",
    "<p>text</p>",
    '<blockquote type="cite">',
    "</blockquote>",
    '<div class="gmail_quote">',
    '<div class="gmail_attr">On Fri, Jan 5, 2024 Mina &lt;m@x.example&gt; wrote:</div>',
    '<div id="divRplyFwdMsg">',
    '<div class="gmail_signature">',
    '<hr tabindex="-1">',
    "<pre>a\n-- \nb</pre>",
    "<!-- c -->",
    "<!--",
    "<a href='",
    "&amp;&lt;&#x41;",
    "<script>x</script>",
    "<style>",
    "Reply text",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES) | st.text(max_size=30), max_size=40))
def test_any_html_is_read_without_error(pieces: list[str]) -> None:
    parts = extract_reply("".join(pieces), html=True)
    assert isinstance(parts.text, str)
    assert "<div" not in parts.text.replace("&lt;div", "")  # tags never leak into the text


MB = 1_000_000

HOSTILE = {
    "one long line of openers": "On " * (MB // 3),
    "lines ending in a colon": ("a" * 399 + ":\n") * (MB // 400),
    "addresses before colons": ("@a" * 199 + ":\n") * (MB // 400),
    "deep quote markers": ("> " * 200 + "\n") * (MB // 401),
    "a rule": "-" * MB,
    "rule lines with a phrase": ("---- forwarded message" + "-" * 370 + "x\n") * (MB // 394),
    "header pairs": "From: a@b.c\nSent: 2024 10:00\n" * (MB // 28),
    "forward separators": "Begin forwarded message:\n" * (MB // 25),
    "glued attributions": "x On Mon 5 Jan 2024 a@b.c wrote:\n" * (MB // 33),
}
HOSTILE_HTML = {
    "unclosed comments": "<!--" * (MB // 4),
    "unclosed tags": "<a " * (MB // 3),
    "unclosed attribute quote": "<div class='" + "a" * MB,
    "lone angle brackets": "<" * MB,
    "deep nesting, wrong closers": "<div>" * (MB // 10) + "</span>" * (MB // 14),
    "nested blockquotes": "<blockquote>x" * (MB // 13),
    "declarations": "<!" * (MB // 2),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_plain_text_of_1mb_finishes(text: str) -> None:
    parts = extract_reply(text)
    assert len(parts.text) <= len(text)


@pytest.mark.parametrize("html", HOSTILE_HTML.values(), ids=HOSTILE_HTML.keys())
def test_hostile_html_of_1mb_finishes(html: str) -> None:
    parts = extract_reply(html, html=True)
    assert len(parts.text) <= len(html)
