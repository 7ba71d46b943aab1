"""Reply extraction: what the sender of an email newly wrote, and what they set aside.

>>> body = "Thanks, that works.\\n\\nOn Mon, Jan 5, 2024 at 3:02 PM Kim <kim@x.kr> wrote:\\n> Try again?"
>>> parts = extract_reply(body)
>>> parts.text
'Thanks, that works.'
>>> parts.attribution
('On Mon, Jan 5, 2024 at 3:02 PM Kim <kim@x.kr> wrote:',)

Top-posted, bottom-posted and inline replies all keep every line the sender wrote; quoted
lines, attribution lines and reply headers in the languages of :mod:`.patterns`,
signatures and forwarded messages are returned apart (:class:`ReplyParts`). Pure Python,
no I/O, linear time in the input.

Public API: :func:`extract_reply`, :class:`ReplyParts`, :class:`ForwardedMessage`,
:class:`Segment`, :class:`Part`.
"""

from __future__ import annotations

from frontdoor.integrations.email_reply.extract import split_body
from frontdoor.integrations.email_reply.markers import split_lines
from frontdoor.integrations.email_reply.markup import html_lines
from frontdoor.integrations.email_reply.model import ForwardedMessage, Part, ReplyParts, Segment

__all__ = ["ForwardedMessage", "Part", "ReplyParts", "Segment", "extract_reply"]


def extract_reply(text: str, *, html: bool = False, subject: str | None = None) -> ReplyParts:
    """Split an email body into the sender's new text and what they quoted, signed or forwarded.

    Parameters
    ----------
    text : str
        The body: the decoded text/plain part, or the text/html part with ``html=True``.
    html : bool
        Read ``text`` as HTML: quoting is taken from the markup (Gmail ``gmail_quote``,
        ``<blockquote type="cite">``, Outlook ``divRplyFwdMsg`` and border-top separators,
        Yahoo ``yahoo_quoted``, Thunderbird ``moz-cite-prefix``) and the result is plain text.
    subject : str, optional
        The message's subject. With a forward prefix ("Fwd:", "FW:", "WG:", "TR:", "전달:",
        "転送:", ...), an Outlook-style header block ("-----Original Message-----",
        "From:/Sent:") starts a forwarded message rather than quoted history.

    Returns
    -------
    ReplyParts
        ``text`` (what the sender wrote), ``quote``, ``attribution``, ``signature``,
        ``forwarded`` (each with ``sender``, ``date``, ``subject`` and its own ``text``),
        and ``segments`` (the whole body run by run).
    """
    lines = html_lines(text) if html else split_lines(text)
    return split_body(lines, subject=subject)
