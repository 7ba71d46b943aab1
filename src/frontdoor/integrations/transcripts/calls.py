"""What every transcript format builds: utterances by speaker, merged into one call record."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus
from frontdoor.core.errors import ValidationError
from frontdoor.integrations._fileutil import bounded_id, parse_timestamp
from frontdoor.integrations.base import ContactRef, ConversationRecord, MessageRecord


def started_option(options: Mapping[str, str], tz: dt.tzinfo) -> dt.datetime | None:
    """The ``started_at`` option (the call start), or ``None`` when not given.

    Raises
    ------
    ValidationError
        When the option is not a time.
    """
    value = options.get("started_at")
    if not value:
        return None
    try:
        return parse_timestamp(value, tz=tz)
    except ValueError as exc:
        raise ValidationError(f"started_at: not an ISO-8601 time: {value!r}") from exc


def norm_name(name: str) -> str:
    """A speaker name as compared: NFC, single spaces, case-folded."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


@dataclass
class Utterance:
    """One speaker's text over a time span (a cue, part of a cue, or a Gong monologue)."""

    start_ms: int
    end_ms: int
    speaker: str | None
    text: str
    labelled: bool = False
    topics: list[str] = field(default_factory=list)


@dataclass
class Speaker:
    """Who spoke: the name shown, agent or customer, and the customer's contact when known."""

    name: str
    kind: AuthorKind
    contact: ContactRef | None = None


class Speakers:
    """Speaker name (or Gong speakerId) -> author kind and contact."""

    def __init__(self, agents: list[str], parties: Mapping[str, Speaker] | None = None) -> None:
        self.agents = {norm_name(a) for a in agents}
        self.parties = dict(parties or {})

    def get(self, key: str | None, name: str | None = None) -> Speaker:
        """The party ``key`` names, else a speaker by ``name``: an agent when listed, else a customer."""
        if key is not None and key in self.parties:
            return self.parties[key]
        shown = (name or key or "").strip()
        kind = AuthorKind.AGENT if shown and norm_name(shown) in self.agents else AuthorKind.CUSTOMER
        return Speaker(shown, kind)


def merge(utterances: list[Utterance]) -> list[Utterance]:
    """Join consecutive utterances of one speaker."""
    merged: list[Utterance] = []
    for utt in utterances:
        if merged and merged[-1].speaker == utt.speaker:
            last = merged[-1]
            last.text = f"{last.text} {utt.text}".strip()
            last.end_ms = max(last.end_ms, utt.end_ms)
            last.topics.extend(t for t in utt.topics if t not in last.topics)
        else:
            merged.append(Utterance(utt.start_ms, utt.end_ms, utt.speaker, utt.text, topics=list(utt.topics)))
    return merged


def call_record(
    *,
    call_id: str,
    started_at: dt.datetime,
    utterances: list[Utterance],
    speakers: Speakers,
    subject: str,
    position: str,
    attributes: dict[str, Any],
    speaker_names: Mapping[str, str] | None = None,
) -> ConversationRecord:
    """One call as a closed conversation: consecutive utterances of a speaker are one message.

    Parameters
    ----------
    call_id : str
        The conversation's external id (hashed when too long); message ids are
        ``<call id>:<start ms>``.
    started_at : datetime
        The call start; a message is sent at the start plus its first utterance's offset.
    utterances : list of Utterance
        In time order.
    speakers : Speakers
        Decides each speaker's author kind and contact.
    subject, position : str
        The conversation's subject and where it came from.
    attributes : dict
        The conversation's attributes.
    speaker_names : mapping, optional
        Display names by speaker key (Gong speaker ids).

    Returns
    -------
    ConversationRecord
        Closed at the end of the last utterance; its contact is the first customer's.
    """
    messages: list[MessageRecord] = []
    used: set[str] = set()
    contact: ContactRef | None = None
    last_end = 0
    for utt in merge(utterances):
        name = (speaker_names or {}).get(utt.speaker or "", utt.speaker)
        speaker = speakers.get(utt.speaker, name)
        ext = f"{call_id}:{utt.start_ms}"
        n = 2
        while ext in used:  # two speakers starting in the same millisecond
            ext, n = f"{call_id}:{utt.start_ms}:{n}", n + 1
        used.add(ext)
        msg_attrs: dict[str, Any] = {"start_ms": utt.start_ms, "end_ms": utt.end_ms}
        if utt.speaker is not None:
            msg_attrs["speaker"] = utt.speaker
        if utt.topics:
            msg_attrs["topics"] = utt.topics
        if speaker.kind is AuthorKind.CUSTOMER and contact is None:
            contact = speaker.contact
        messages.append(
            MessageRecord(
                external_id=bounded_id(ext),
                author_kind=speaker.kind,
                text=utt.text,
                sent_at=started_at + dt.timedelta(milliseconds=utt.start_ms),
                author_name=speaker.name,
                author=speaker.contact if speaker.kind is AuthorKind.CUSTOMER else None,
                attributes=msg_attrs,
            )
        )
        last_end = max(last_end, utt.end_ms)
    return ConversationRecord(
        external_id=bounded_id(call_id),
        channel=Channel.CALL,
        opened_at=started_at,
        closed_at=started_at + dt.timedelta(milliseconds=last_end),
        status=ConversationStatus.CLOSED,
        messages=messages,
        subject=subject,
        contact=contact,
        account=contact.account if contact else None,
        attributes=attributes,
        position=position,
    )
