"""Email adapters: ``mbox`` files and ``.eml`` messages, threaded into conversations.

Korean mail needs care in three places, each handled here:

* Charsets. Python decodes ``ks_c_5601-1987`` (and ``euc-kr``) as EUC-KR, which has no
  code for CP949-only syllables such as 똠 or 햏; every Korean alias is decoded as CP949,
  a superset, in headers and bodies alike.
* Encoded-words. ``email.policy.default`` decodes each RFC 2047 word on its own and
  garbles a Korean character whose bytes are split across two words;
  :func:`email.header.decode_header` joins adjacent words of one charset first, so the
  parser runs with the ``compat32`` policy and headers are decoded by :func:`decode_mime_header`.
* Reply prefixes. Korean clients write ``회신:``, ``답장:`` and ``전달:`` where English ones
  write ``Re:`` and ``Fwd:``.

Threading follows Jamie Zawinski's algorithm (Message-ID, In-Reply-To, References).
Subject matching is only a fallback for threads no reference links: a reply
(``Re:``/``회신:`` ...) whose base subject matches an earlier thread is attached to it only
when the two share a participant, so two customers who both wrote "문의드립니다" stay apart.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email
import email.message
import email.utils
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.errors import AdapterError
from frontdoor.core.text.email import email_domain
from frontdoor.integrations._fileutil import (
    account_for,
    bounded_id,
    check_options,
    content_hash,
    iter_files,
    safe_raw,
    split_list,
)
from frontdoor.integrations.base import (
    BadRecord,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    Record,
)
from frontdoor.models import AuthorKind, Channel

# Every name Korean mail uses for KS X 1001 / Unified Hangul Code: decode as CP949.
KOREAN_CHARSETS = frozenset(
    {
        "ks_c_5601-1987",
        "ks_c_5601",
        "ks_c_5601_1987",
        "ksc5601",
        "ksc_5601",
        "ks-c-5601",
        "ks-c-5601-1987",
        "euc-kr",
        "euc_kr",
        "euckr",
        "x-euc-kr",
        "uhc",
        "x-windows-949",
        "windows-949",
        "ms949",
        "cp949",
    }
)

# Reply and forward prefixes, English and Korean, possibly repeated or bracket-counted
# ("Re[2]:", "RE: 회신: ").
_PREFIX_RE = re.compile(
    r"^\s*(?:(?:re|fwd?|fw|aw|sv|회신|답장|답변|전달)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_LIST_TAG_RE = re.compile(r"^\s*\[[^\]]{1,40}\]\s*")
_MSGID_RE = re.compile(r"<([^<>\s]+)>")
_MBOX_ESCAPED_FROM = re.compile(rb"^>+From ")
_POSTMARK_RE = re.compile(rb"^From \S+\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s")
# Looser postmarks, trusted only after a blank line: a time somewhere, or a bare address.
# A body paragraph such as "From the team, thanks" (unescaped mboxo) matches neither.
_LOOSE_POSTMARK_RE = re.compile(rb"^From (?:\S+ .*\d{1,2}:\d{2}|\S*@\S*\s*$|- )")


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a MIME charset label; Korean labels map to CP949.

    Returns None for a missing or unknown label (the caller guesses).
    """
    if not charset:
        return None
    label = charset.strip().strip('"').lower()
    if label in KOREAN_CHARSETS:
        return "cp949"
    if label in {"unknown-8bit", "x-unknown", "8bit", "unknown"}:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode ``data`` by its charset label; without a usable one try UTF-8, then CP949."""
    codec = codec_for(charset)
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    for guess in ("utf-8", "cp949"):
        try:
            return data.decode(guess)
        except UnicodeDecodeError:
            continue
    return data.decode(codec or "utf-8", errors="replace")


def decode_mime_header(value: object) -> str:
    """Decode a header value with RFC 2047 encoded-words into text.

    Adjacent encoded-words of one charset are joined *before* decoding (that is what
    :func:`~email.header.decode_header` does), so a Korean character split across two
    words decodes whole. Korean charset labels decode as CP949; raw 8-bit header bytes
    are read as UTF-8, else CP949.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        # compat32 keeps raw 8-bit header bytes as surrogate escapes.
        try:
            value.encode("ascii")
        except UnicodeEncodeError:
            raw = value.encode("ascii", "surrogateescape")
            if b"=?" not in raw:
                return _unfold(decode_bytes(raw, None))
            value = decode_bytes(raw, None)
    try:
        parts = decode_header(value)  # type: ignore[arg-type]
    except Exception:  # a malformed header must not drop the message
        return _unfold(str(value))
    mapped: list[tuple[bytes | str, str | None]] = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes) and charset not in (None, "us-ascii"):
            mapped.append((decode_bytes(chunk, charset).encode("utf-8"), "utf-8"))
        else:
            mapped.append((chunk, charset))
    try:
        text = str(make_header(mapped))
    except Exception:
        text = "".join(c if isinstance(c, str) else decode_bytes(c, cs) for c, cs in mapped)
    return _unfold(text)


def _unfold(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def base_subject(subject: str) -> tuple[str, bool]:
    """The subject without reply/forward prefixes and list tags; and whether it had one."""
    current = subject.strip()
    had_prefix = False
    while True:
        before = current
        current = _LIST_TAG_RE.sub("", current, count=1)
        stripped = _PREFIX_RE.sub("", current, count=1)
        if stripped != current:
            had_prefix = True
            current = stripped.strip()
        if current == before:
            break
    return re.sub(r"\s+", " ", current).strip().casefold(), had_prefix


# --- quoted text ---------------------------------------------------------------------------

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
    """Visible text of an HTML body, one line per block element."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- parsing one message --------------------------------------------------------------------


@dataclass
class _Mail:
    """What threading and records need from one parsed message."""

    order: int
    position: str
    message_id: str | None
    references: list[str]
    subject: str
    from_name: str
    from_addr: str
    recipients: list[str]
    sent_at: dt.datetime
    text: str
    # Hash of (from, date, subject, whole body): the id fallback and the duplicate test,
    # so the unquoted body need not be kept in memory while a mailbox is threaded.
    digest: str
    attachments: list[dict[str, Any]]
    attributes: dict[str, Any] = field(default_factory=dict)
    uid: str = ""

    @property
    def participants(self) -> set[str]:
        return {a for a in [self.from_addr, *self.recipients] if a}


def _msgids(value: str) -> list[str]:
    return _MSGID_RE.findall(value or "")


def _raw_headers(msg: email.message.Message, name: str) -> list[str]:
    """Header values as parsed (raw 8-bit bytes kept as surrogate escapes), not as Header objects."""
    wanted = name.lower()
    return [str(value) for key, value in msg.raw_items() if key.lower() == wanted]


def _raw_header(msg: email.message.Message, name: str) -> str:
    values = _raw_headers(msg, name)
    return values[0] if values else ""


def _header(msg: email.message.Message, name: str) -> str:
    return decode_mime_header(_raw_header(msg, name))


def _addresses(msg: email.message.Message, *names: str) -> list[tuple[str, str]]:
    raw: list[str] = []
    for name in names:
        raw.extend(_raw_headers(msg, name))
    out = []
    for display, addr in email.utils.getaddresses(raw):
        addr = addr.strip().lower()
        if addr:
            out.append((decode_mime_header(display).strip().strip('"'), addr))
    return out


def _date(msg: email.message.Message, postmark: bytes | None) -> dt.datetime | None:
    candidates = [_raw_header(msg, "Date")]
    candidates += [r.rsplit(";", 1)[-1] for r in _raw_headers(msg, "Received") if ";" in r]
    if postmark:
        # "From sender@x Mon May 13 10:00:00 2024" -> asctime in UTC.
        parts = postmark.decode("ascii", "replace").split(None, 2)
        if len(parts) == 3:
            candidates.append(parts[2])
    for cand in candidates:
        cand = cand.strip()
        if not cand:
            continue
        try:
            parsed = email.utils.parsedate_to_datetime(cand)
        except (TypeError, ValueError, IndexError):
            continue
        if parsed.tzinfo is None:  # "-0000" or asctime: RFC 5322 says UTC
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)
    return None


def _leaf_parts(part: email.message.Message) -> Iterator[email.message.Message]:
    """Leaf parts, not descending into attached messages (message/rfc822)."""
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        payload = part.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, email.message.Message):
                    yield from _leaf_parts(sub)
        return
    yield part


def _part_bytes(part: email.message.Message) -> bytes:
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else payload
        return inner.as_bytes() if isinstance(inner, email.message.Message) else b""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _body(msg: email.message.Message) -> tuple[str, list[dict[str, Any]]]:
    """(body text, attachment metadata). text/plain preferred, else text/html as text."""
    plain: list[str] = []
    html: list[str] = []
    attachments: list[dict[str, Any]] = []
    for part in _leaf_parts(msg):
        ctype = part.get_content_type()
        disposition = _raw_header(part, "Content-Disposition").split(";")[0].strip().lower()
        filename = part.get_filename()
        is_text = ctype in {"text/plain", "text/html"}
        if disposition == "attachment" or filename or not is_text:
            if ctype.startswith("multipart/"):
                continue
            data = _part_bytes(part)
            attachments.append(
                {
                    "filename": decode_mime_header(filename) if filename else "",
                    "size": len(data),
                    "content_type": ctype,
                }
            )
            continue
        data = _part_bytes(part)
        text = decode_bytes(data, part.get_content_charset() or part.get_param("charset"))  # type: ignore[arg-type]
        (plain if ctype == "text/plain" else html).append(text)
    body = "\n".join(plain) if plain else "\n".join(html_to_text(h) for h in html)
    return body.replace("\r\n", "\n").replace("\r", "\n").strip(), attachments


def parse_message(
    raw: bytes, *, order: int, position: str, postmark: bytes | None = None
) -> _Mail | BadRecord:
    """Parse one RFC 5322 message into a :class:`_Mail`, or a :class:`BadRecord` why not."""
    try:
        msg = email.message_from_bytes(raw)  # compat32: see the module docstring
        senders = _addresses(msg, "From") or _addresses(msg, "Sender", "Return-Path")
        if not senders:
            return BadRecord(position, _raw_text(raw), "not a mail message: no From header with an address")
        sent_at = _date(msg, postmark)
        if sent_at is None:
            return BadRecord(position, _raw_text(raw), "no usable Date header (nor Received date)")
        body, attachments = _body(msg)
        references = _msgids(_raw_header(msg, "References"))
        for parent in _msgids(_raw_header(msg, "In-Reply-To"))[:1]:
            if parent not in references:
                references.append(parent)
        own = _msgids(_raw_header(msg, "Message-ID"))
        message_id = own[0] if own else None
        references = [r for r in dict.fromkeys(references) if r != message_id]
        name, addr = senders[0]
        recipients = [a for _, a in _addresses(msg, "To", "Cc")]
        subject = _header(msg, "Subject")
    except (LookupError, ValueError, TypeError, AttributeError, IndexError) as exc:
        return BadRecord(position, _raw_text(raw), f"cannot parse message: {exc}")
    return _Mail(
        order=order,
        position=position,
        message_id=message_id,
        references=references,
        subject=subject,
        from_name=name,
        from_addr=addr,
        recipients=recipients,
        sent_at=sent_at,
        text=strip_quoted(body),
        digest=content_hash(addr, sent_at.isoformat(), subject, body),
        attachments=attachments,
    )


def _raw_text(raw: bytes) -> str:
    return safe_raw(decode_bytes(raw[:40000], None))


# --- reading files --------------------------------------------------------------------------


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


# --- threading (JWZ) ------------------------------------------------------------------------


class _Container:
    __slots__ = ("children", "id", "mail", "parent")

    def __init__(self, cid: str) -> None:
        self.id = cid
        self.mail: _Mail | None = None
        self.parent: _Container | None = None
        self.children: list[_Container] = []

    def is_ancestor_of(self, other: _Container) -> bool:
        node: _Container | None = other
        while node is not None:
            if node is self:
                return True
            node = node.parent
        return False

    def mails(self) -> list[_Mail]:
        out: list[_Mail] = []
        stack: list[_Container] = [self]
        while stack:
            node = stack.pop()
            if node.mail is not None:
                out.append(node.mail)
            stack.extend(node.children)
        return out


def _link(parent: _Container, child: _Container) -> None:
    if child.parent is not None:
        child.parent.children.remove(child)
    child.parent = parent
    parent.children.append(child)


def _prune(children: list[_Container], parent: _Container | None) -> list[_Container]:
    out: list[_Container] = []
    for c in children:
        c.children = _prune(c.children, c)
        if c.mail is None and not c.children:
            continue
        if c.mail is None and (parent is not None or len(c.children) == 1):
            for ch in c.children:
                ch.parent = parent
            out.extend(c.children)
            continue
        out.append(c)
    return out


def thread(mails: list[_Mail]) -> list[tuple[str, list[_Mail], bool]]:
    """Group mails into threads: ``(thread id, mails by time, linked by subject?)``.

    Every mail must have a unique ``uid``. The thread id is the root's id: its
    Message-ID (also when that message itself is missing from the input but referenced),
    else its content hash.
    """
    table: dict[str, _Container] = {}

    def get(cid: str) -> _Container:
        node = table.get(cid)
        if node is None:
            node = table[cid] = _Container(cid)
        return node

    for mail in mails:
        node = get(mail.uid)
        node.mail = mail
        prev: _Container | None = None
        for ref in mail.references:
            ref_node = get(ref)
            if (
                prev is not None
                and ref_node.parent is None
                and ref_node is not prev
                and not ref_node.is_ancestor_of(prev)
            ):
                _link(prev, ref_node)
            prev = ref_node
        if prev is not None and prev is not node and not node.is_ancestor_of(prev):
            _link(prev, node)

    roots = _prune([n for n in table.values() if n.parent is None], None)
    for r in roots:
        r.parent = None

    # Subject fallback: only roots (threads no reference linked), only replies, only
    # when the two threads share a participant.
    def first_mail(node: _Container) -> _Mail:
        return min(node.mails(), key=lambda m: (m.sent_at, m.order))

    roots.sort(key=lambda n: (first_mail(n).sent_at, first_mail(n).order))
    by_subject: dict[str, _Container] = {}
    merged: set[int] = set()
    subject_linked: set[str] = set()
    for root in roots:
        first = first_mail(root)
        base, is_reply = base_subject(first.subject)
        if not base:
            continue
        earlier = by_subject.get(base)
        if earlier is not None and is_reply:
            shared = set().union(*(m.participants for m in earlier.mails())) & set().union(
                *(m.participants for m in root.mails())
            )
            if shared:
                _link(earlier, root)
                merged.add(id(root))
                subject_linked.add(earlier.id)
                continue
        by_subject.setdefault(base, root)

    threads = []
    for root in roots:
        if id(root) in merged:
            continue
        members = sorted(root.mails(), key=lambda m: (m.sent_at, m.order))
        threads.append((root.id, members, root.id in subject_linked))
    return threads


# --- the adapters ---------------------------------------------------------------------------

_OPTIONS = ("internal_domains",)


class _EmailAdapter:
    channel: ClassVar[Channel] = Channel.EMAIL
    kind: ClassVar[str] = ""

    def _messages(self, path: Path) -> Iterator[tuple[str, bytes, bytes | None]]:
        raise NotImplementedError

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream conversations (one per thread); unparseable messages come as BadRecord.

        Parameters
        ----------
        path : Path
            The mbox file, an ``.eml`` file or a directory of ``.eml`` files.
        options : Mapping[str, str]
            ``internal_domains``: comma-separated domains whose senders are agents.
        """
        check_options(options, _OPTIONS, self.kind)
        internal = [d.lower().lstrip("@") for d in split_list(options.get("internal_domains"))]
        mails: list[_Mail] = []
        seen: dict[str, _Mail] = {}
        for order, (position, raw, postmark) in enumerate(self._messages(path)):
            parsed = parse_message(raw, order=order, position=position, postmark=postmark)
            del raw
            if isinstance(parsed, BadRecord):
                yield parsed
                continue
            # Message-ID is not trusted alone: missing or reused ones fall back to content.
            uid = parsed.message_id
            if uid is not None:
                uid = bounded_id(uid)
            if uid is None or uid in seen:
                if uid is not None and seen[uid].digest == parsed.digest:
                    continue  # the same message twice (e.g. in two folders)
                uid = parsed.digest
                if uid in seen:
                    continue
            parsed.uid = uid
            seen[uid] = parsed
            mails.append(parsed)
        for thread_id, members, by_subject in thread(mails):
            yield self._conversation(thread_id, members, by_subject, internal)

    def parse_raw(self, raw: str, *, options: Mapping[str, str], position: str = "") -> Iterator[Record]:
        """Parse one quarantined message again (``frontdoor quarantine retry``).

        Without the rest of the mailbox there is no threading: a reply joins the thread
        named by the first id of its References (the thread root by convention, which is
        what threading gives for well-formed threads), anything else is its own thread.
        A payload that was truncated for quarantine cannot be retried.
        """
        check_options(options, _OPTIONS, self.kind)
        internal = [d.lower().lstrip("@") for d in split_list(options.get("internal_domains"))]
        if raw.endswith("…[truncated]"):
            reason = "the quarantined copy was truncated; fix the file and import it again"
            yield BadRecord(position, raw, reason)
            return
        parsed = parse_message(raw.encode("utf-8", "surrogateescape"), order=0, position=position)
        if isinstance(parsed, BadRecord):
            yield parsed
            return
        uid = bounded_id(parsed.message_id) if parsed.message_id else None
        parsed.uid = uid or parsed.digest
        thread_id = parsed.references[0] if parsed.references else parsed.uid
        record = self._conversation(thread_id, [parsed], False, internal)
        if parsed.references:
            # A part of a stored thread: keep the thread's own subject and participants.
            record.subject, record.attributes = "", {}
        yield record

    def _conversation(
        self, thread_id: str, members: list[_Mail], by_subject: bool, internal: list[str]
    ) -> ConversationRecord:
        messages: list[MessageRecord] = []
        customer: ContactRef | None = None
        for mail in members:
            kind = _author_kind(mail.from_addr, internal)
            contact = None
            if kind is AuthorKind.CUSTOMER:
                contact = ContactRef(
                    email=mail.from_addr,
                    name=mail.from_name or None,
                    account=account_for(mail.from_addr),
                )
                customer = customer or contact
            attributes: dict[str, Any] = {"from": mail.from_addr, "to": mail.recipients}
            if mail.message_id:
                attributes["message_id"] = mail.message_id
            if mail.references:
                attributes["references"] = mail.references
            if mail.attachments:
                attributes["attachments"] = mail.attachments
            if mail.subject:
                attributes["subject"] = mail.subject
            messages.append(
                MessageRecord(
                    external_id=mail.uid,
                    author_kind=kind,
                    text=mail.text,
                    sent_at=mail.sent_at,
                    author_name=mail.from_name or mail.from_addr,
                    author=contact,
                    attributes=attributes,
                )
            )
        first = members[0]
        conv_attrs: dict[str, Any] = {"participants": sorted(set().union(*(m.participants for m in members)))}
        if by_subject:
            conv_attrs["threaded_by_subject"] = True
        return ConversationRecord(
            external_id=bounded_id(thread_id),
            channel=Channel.EMAIL,
            opened_at=first.sent_at,
            messages=messages,
            subject=first.subject,
            contact=customer,
            account=customer.account if customer else None,
            attributes=conv_attrs,
            position=first.position,
        )


def _author_kind(address: str, internal: list[str]) -> AuthorKind:
    domain = email_domain(address) or ""
    if any(domain == d or domain.endswith("." + d) for d in internal):
        return AuthorKind.AGENT
    return AuthorKind.CUSTOMER


class MboxAdapter(_EmailAdapter):
    """Import an mbox file (Thunderbird, Gmail Takeout, mutt, ``formail``)."""

    kind: ClassVar[str] = "mbox"
    summary: ClassVar[str] = "Email threads from an mbox file (Gmail Takeout, Thunderbird, mboxrd/mboxo)"
    help: ClassVar[str] = """\
Reads one mbox file message by message (the file is never loaded whole) and groups the
messages into conversations by Message-ID / In-Reply-To / References (JWZ threading); a
reply ("Re:", "회신:", "답장:", "Fwd:", "전달:") that no reference links is attached to an
earlier thread with the same subject when they share a participant.

Each message keeps only what its sender wrote: quoted replies ("On ... wrote:",
"-----Original Message-----", "... 님이 작성:", "-----원본 메시지-----", "> " lines) and the
"-- " signature are dropped. text/plain is preferred, HTML is reduced to text. Attachments
are kept as metadata (file name, size, type), never inline. Korean charsets
(ks_c_5601-1987, euc-kr, ...) are decoded as CP949; ISO-2022-KR works.

Ids: the conversation is the thread root's Message-ID; a message is its Message-ID, or a
hash of (from, date, subject, body) when the id is missing or reused. A message without a
From address or a date is quarantined with the reason; the rest of the file goes on.

\b
Options:
  internal_domains=DOMAIN,...   senders at these domains (and subdomains) are agents;
                                everyone else is a customer. Without it every sender is
                                a customer.

\b
Example:
  frontdoor import mbox support.mbox --option internal_domains=growboard.co.kr
"""

    def _messages(self, path: Path) -> Iterator[tuple[str, bytes, bytes | None]]:
        if path.is_dir():
            raise AdapterError(f"{path} is a directory; the mbox kind reads one mbox file")
        yield from iter_mbox(path)


class EmlAdapter(_EmailAdapter):
    """Import ``.eml`` files (one message each), or a directory of them."""

    kind: ClassVar[str] = "eml"
    summary: ClassVar[str] = "Email threads from .eml files or a directory of them"
    help: ClassVar[str] = """\
Reads one .eml file, or every .eml file under a directory (sorted by path), and threads
the messages into conversations exactly like the mbox kind: Message-ID / In-Reply-To /
References first, then a reply-subject fallback ("Re:", "회신:", ...) between threads that
share a participant. Quoted replies and signatures are dropped; attachments are metadata
only; Korean charsets decode as CP949. A file that is not a mail message (no From
address or no date) is quarantined; the other files go on. Threads span the files of
one directory; several paths on one command line are imported one after another, so
give a directory to thread messages across files.

\b
Options:
  internal_domains=DOMAIN,...   senders at these domains are agents, others customers.

\b
Example:
  frontdoor import eml ./exported-mail/ --option internal_domains=growboard.co.kr
"""

    def _messages(self, path: Path) -> Iterator[tuple[str, bytes, bytes | None]]:
        for file in iter_files(path, (".eml",)):
            try:
                raw = file.read_bytes()
            except OSError as exc:
                raise AdapterError(f"cannot read {file}: {exc.strerror or exc}") from exc
            postmark = None
            if raw.startswith(b"From ") and not raw.startswith(b"From: "):
                postmark, _, raw = raw.partition(b"\n")
                postmark = postmark.rstrip(b"\r")
            position = file.name if file == path else str(file.relative_to(path))
            yield position, raw, postmark
