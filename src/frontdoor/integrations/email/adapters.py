"""The ``mbox`` and ``eml`` adapters: files in, one conversation per thread out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import AuthorKind, Channel
from frontdoor.core.errors import AdapterError
from frontdoor.core.text.email import email_domain
from frontdoor.integrations._fileutil import account_for, bounded_id, check_options, iter_files, split_list
from frontdoor.integrations.base import BadRecord, ContactRef, ConversationRecord, MessageRecord, Record
from frontdoor.integrations.email.mbox import iter_mbox
from frontdoor.integrations.email.message import Mail, parse_message
from frontdoor.integrations.email.threads import thread

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
        mails: list[Mail] = []
        seen: dict[str, Mail] = {}
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
        self, thread_id: str, members: list[Mail], by_subject: bool, internal: list[str]
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
