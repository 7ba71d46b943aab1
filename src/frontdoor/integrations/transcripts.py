"""Call transcript adapters: WebVTT, SubRip (SRT) and Gong JSON.

One call is one conversation; consecutive cues (or Gong monologues) of one speaker are
merged into one message whose ``sent_at`` is the call start plus the first cue's start.
A cue whose timing cannot be read is quarantined; the other cues still make the call.

Speakers come from WebVTT voice spans (``<v Name>``), from Zoom's ``Name: text`` cue
prefix (in VTT and SRT alike), or from Gong parties. Without a party affiliation, a
speaker named in the ``agents`` option is an agent and everyone else a customer.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import AuthorKind, Channel, ConversationStatus
from frontdoor.core.errors import AdapterError, ValidationError
from frontdoor.integrations._fileutil import (
    account_for,
    bounded_id,
    check_options,
    detect_encoding,
    file_mtime,
    iter_files,
    parse_timestamp,
    safe_raw,
    split_list,
    timezone_option,
)
from frontdoor.integrations.base import (
    BadRecord,
    ContactRef,
    ConversationRecord,
    MessageRecord,
    Record,
)

_TIMESTAMP_RE = re.compile(r"^(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})$")
_TIMING_RE = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s+(.*))?$")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>")
# Zoom: "김상담: 안녕하세요". A label is short and holds no sentence punctuation.
_LABEL_RE = re.compile(r"^\s*([^:：<>\n.?!]{1,40}?)\s*[:：]\s+(\S.*)$", re.DOTALL)


def parse_cue_time(value: str) -> int:
    """Milliseconds from ``HH:MM:SS.mmm``, ``MM:SS.mmm`` or SRT's ``HH:MM:SS,mmm``.

    Raises
    ------
    ValueError
        When the value is not a cue timestamp.
    """
    match = _TIMESTAMP_RE.match(value.strip())
    if not match:
        raise ValueError(f"malformed timestamp {value.strip()[:40]!r}")
    hours, minutes, seconds, millis = match.groups()
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def _norm_name(name: str) -> str:
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


@dataclass
class _Utterance:
    """One speaker's text over a time span (a cue, part of a cue, or a Gong monologue)."""

    start_ms: int
    end_ms: int
    speaker: str | None
    text: str
    labelled: bool = False
    topics: list[str] = field(default_factory=list)


@dataclass
class _Speaker:
    name: str
    kind: AuthorKind
    contact: ContactRef | None = None


class _Speakers:
    """Speaker name (or Gong speakerId) -> author kind and contact."""

    def __init__(self, agents: list[str], parties: Mapping[str, _Speaker] | None = None) -> None:
        self.agents = {_norm_name(a) for a in agents}
        self.parties = dict(parties or {})

    def get(self, key: str | None, name: str | None = None) -> _Speaker:
        if key is not None and key in self.parties:
            return self.parties[key]
        shown = (name or key or "").strip()
        kind = AuthorKind.AGENT if shown and _norm_name(shown) in self.agents else AuthorKind.CUSTOMER
        return _Speaker(shown, kind)


def _merge(utterances: list[_Utterance]) -> list[_Utterance]:
    """Join consecutive utterances of one speaker."""
    merged: list[_Utterance] = []
    for utt in utterances:
        if merged and merged[-1].speaker == utt.speaker:
            last = merged[-1]
            last.text = f"{last.text} {utt.text}".strip()
            last.end_ms = max(last.end_ms, utt.end_ms)
            last.topics.extend(t for t in utt.topics if t not in last.topics)
        else:
            merged.append(
                _Utterance(utt.start_ms, utt.end_ms, utt.speaker, utt.text, topics=list(utt.topics))
            )
    return merged


def _call_record(
    *,
    call_id: str,
    started_at: dt.datetime,
    utterances: list[_Utterance],
    speakers: _Speakers,
    subject: str,
    position: str,
    attributes: dict[str, Any],
    speaker_names: Mapping[str, str] | None = None,
) -> ConversationRecord:
    messages: list[MessageRecord] = []
    used: set[str] = set()
    contact: ContactRef | None = None
    last_end = 0
    for utt in _merge(utterances):
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


# --- WebVTT and SRT -----------------------------------------------------------------------


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated block."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line.rstrip())
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _clean(text: str) -> str:
    return " ".join(html.unescape(_TAG_RE.sub("", text)).split())


def _split_voices(lines: list[str]) -> list[tuple[str | None, str]]:
    """A cue's text as (voice, text) spans; None when the cue has no ``<v>`` tag."""
    joined = "\n".join(lines)
    if not _VOICE_RE.search(joined):
        return [(None, _clean(joined))]
    spans: list[tuple[str | None, str]] = []
    pieces = _VOICE_RE.split(joined)
    # split() gives [before, name1, text1, name2, text2, ...]
    if pieces[0].strip():
        spans.append((None, _clean(pieces[0])))
    for name, body in zip(pieces[1::2], pieces[2::2], strict=False):
        spans.append(((name or "").strip() or None, _clean(body)))
    return [(n, t) for n, t in spans if t]


def parse_cues(text: str, *, webvtt: bool) -> Iterator[_Utterance | BadRecord]:
    """Utterances of a WebVTT or SRT text; unreadable cues as :class:`BadRecord`.

    Zoom ``Name: text`` labels are applied afterwards by :func:`_apply_labels`.
    """
    blocks = _blocks(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    if webvtt:
        first = next(blocks, None)
        if first is None or not first[1][0].startswith("WEBVTT"):
            raise AdapterError("not a WebVTT file: it must start with 'WEBVTT'")
    for line_no, lines in blocks:
        head = lines[0].strip()
        if webvtt and re.match(r"^(NOTE|STYLE|REGION)(\s|$)", head):
            continue
        timing_at = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        position = f"cue at line {line_no}"
        raw = "\n".join(lines)
        if timing_at is None:
            yield BadRecord(position, safe_raw(raw), "cue has no 'start --> end' timing line")
            continue
        match = _TIMING_RE.match(lines[timing_at])
        try:
            if not match:
                raise ValueError(f"malformed timing line {lines[timing_at].strip()[:60]!r}")
            start_ms, end_ms = parse_cue_time(match.group(1)), parse_cue_time(match.group(2))
            if end_ms < start_ms:
                raise ValueError(f"cue ends ({match.group(2)}) before it starts ({match.group(1)})")
        except ValueError as exc:
            yield BadRecord(position, safe_raw(raw), str(exc))
            continue
        for voice, body in _split_voices(lines[timing_at + 1 :]):
            yield _Utterance(start_ms, end_ms, voice, body, labelled=voice is not None)


def _apply_labels(utterances: list[_Utterance]) -> list[_Utterance]:
    """Read Zoom ``Name: text`` prefixes when most unvoiced cues carry one.

    Requiring a majority keeps a stray "Note: ..." in an unlabelled transcript from
    becoming a speaker. An unlabelled cue in a labelled file continues the last speaker.
    """
    plain = [u for u in utterances if not u.labelled]
    if not plain:
        return utterances
    matches = [_LABEL_RE.match(u.text) for u in plain]
    if sum(1 for m in matches if m) * 2 < len(plain):
        return utterances
    current: str | None = None
    for utt in utterances:
        if utt.labelled:
            current = utt.speaker
            continue
        match = _LABEL_RE.match(utt.text)
        if match:
            current = match.group(1).strip()
            utt.text = match.group(2).strip()
        utt.speaker = current
    return utterances


_CUE_OPTIONS = ("agents", "call_id", "started_at", "timezone", "customer_email")


class _CueAdapter:
    channel: ClassVar[Channel] = Channel.CALL
    kind: ClassVar[str] = ""
    _webvtt: ClassVar[bool] = True
    _suffixes: ClassVar[tuple[str, ...]] = ()

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream one conversation per transcript file; unreadable cues as BadRecord.

        Parameters
        ----------
        path : Path
            A transcript file or a directory of them.
        options : Mapping[str, str]
            ``agents``, ``call_id``, ``started_at``, ``timezone``, ``customer_email``
            (see the adapter's ``help``).
        """
        check_options(options, _CUE_OPTIONS, self.kind)
        tz = timezone_option(options)
        started_opt = options.get("started_at")
        started: dt.datetime | None = None
        if started_opt:
            try:
                started = parse_timestamp(started_opt, tz=tz)
            except ValueError as exc:
                raise ValidationError(f"started_at: not an ISO-8601 time: {started_opt!r}") from exc
        agents = _Speakers(split_list(options.get("agents")))
        files = list(iter_files(path, self._suffixes))
        if options.get("call_id") and len(files) > 1:
            raise ValidationError("call_id: only for a single transcript file, not a directory")
        email = (options.get("customer_email") or "").strip() or None
        for file in files:
            yield from self._read_file(file, path, options, started, agents, email)

    def _read_file(
        self,
        file: Path,
        root: Path,
        options: Mapping[str, str],
        started: dt.datetime | None,
        agents: _Speakers,
        email: str | None,
    ) -> Iterator[Record]:
        try:
            text = file.read_text(encoding=detect_encoding(file))
        except OSError as exc:
            raise AdapterError(f"cannot read {file}: {exc.strerror or exc}") from exc
        name = file.name if file == root else str(file.relative_to(root))
        utterances: list[_Utterance] = []
        for item in parse_cues(text, webvtt=self._webvtt):
            if isinstance(item, BadRecord):
                item.position = f"{name}: {item.position}"
                yield item
            else:
                utterances.append(item)
        if not utterances:
            yield BadRecord(name, safe_raw(text), "transcript has no readable cue")
            return
        utterances = _apply_labels(utterances)
        speakers = agents
        call_id = options.get("call_id") or (
            file.stem if file == root else str(file.relative_to(root).with_suffix(""))
        )
        attributes: dict[str, Any] = {"file": name}
        if started is None:
            # Last resort: the file's mtime (usually when the recording was saved).
            started = file_mtime(file)
            attributes["started_at_from"] = "file mtime"
        if email:
            first_customer = next(
                (
                    u.speaker
                    for u in utterances
                    if u.speaker and speakers.get(u.speaker).kind is AuthorKind.CUSTOMER
                ),
                None,
            )
            if first_customer is not None:
                contact = ContactRef(email=email, name=first_customer, account=account_for(email))
                customer = _Speaker(first_customer, AuthorKind.CUSTOMER, contact)
                speakers = _Speakers([], {first_customer: customer})
                speakers.agents = agents.agents
        yield _call_record(
            call_id=call_id,
            started_at=started,
            utterances=utterances,
            speakers=speakers,
            subject=file.stem,
            position=name,
            attributes=attributes,
        )


_CUE_HELP_OPTIONS = """\
\b
Options:
  agents=NAME,...          speakers who are agents (e.g. agents="김상담,Jane Kim");
                           every other speaker is a customer
  call_id=ID               conversation id (single file only; default: the file name)
  started_at=ISO           call start, e.g. 2024-05-13T14:00:00+09:00; message times are
                           this plus each cue's start. Without it the file's modification
                           time is used as a last resort (recorded as started_at_from)
  timezone=ZONE            zone for a started_at without offset (default UTC)
  customer_email=ADDRESS   email of the first customer speaker (links the contact/account)
"""


class VttAdapter(_CueAdapter):
    """Import WebVTT call transcripts (Zoom, Teams, Google Meet)."""

    kind: ClassVar[str] = "vtt"
    _webvtt: ClassVar[bool] = True
    _suffixes: ClassVar[tuple[str, ...]] = (".vtt",)
    summary: ClassVar[str] = "Call transcripts in WebVTT (Zoom, Teams, Meet); one file is one call"
    help: ClassVar[str] = (
        """\
Reads a .vtt file (or every .vtt file under a directory): one file is one call and one
conversation. Speakers come from <v Name> voice spans or Zoom's "Name: text" prefix;
consecutive cues of one speaker become one message. NOTE, STYLE and REGION blocks and cue
settings are skipped; a cue with an unreadable timestamp is quarantined and the rest of
the call is kept.

"""
        + _CUE_HELP_OPTIONS
        + """
\b
Example:
  frontdoor import vtt call-0513.vtt --option agents="김상담" \\
      --option started_at=2024-05-13T14:00:00+09:00
"""
    )


class SrtAdapter(_CueAdapter):
    """Import SubRip (.srt) call transcripts, e.g. Zoom's."""

    kind: ClassVar[str] = "srt"
    _webvtt: ClassVar[bool] = False
    _suffixes: ClassVar[tuple[str, ...]] = (".srt",)
    summary: ClassVar[str] = (
        "Call transcripts in SubRip .srt (Zoom 'Name: text' speakers); one file is one call"
    )
    help: ClassVar[str] = (
        """\
Reads a .srt file (or every .srt file under a directory): numbered cues with
"HH:MM:SS,mmm --> HH:MM:SS,mmm" timings. Speakers come from Zoom's "Name: text" prefix
(used when most cues carry one); consecutive cues of one speaker become one message. A cue
with an unreadable timing is quarantined and the rest of the call is kept.

"""
        + _CUE_HELP_OPTIONS
        + """
\b
Example:
  frontdoor import srt zoom-call.srt --option agents="Jane Kim,김상담" \\
      --option started_at=2024-05-13T05:00:00Z
"""
    )


# --- Gong -----------------------------------------------------------------------------------

_GONG_OPTIONS = ("agents", "parties", "started_at", "timezone")


def _load_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AdapterError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AdapterError(f"{path} is not a UTF-8 JSON file: {exc}") from exc


def _gong_party(party: Mapping[str, Any]) -> _Speaker:
    name = str(party.get("name") or "").strip()
    email = str(party.get("emailAddress") or "").strip() or None
    affiliation = str(party.get("affiliation") or "").strip().lower()
    kind = {"internal": AuthorKind.AGENT, "external": AuthorKind.CUSTOMER}.get(affiliation)
    contact = None
    if kind is AuthorKind.CUSTOMER and email:
        contact = ContactRef(
            email=email,
            name=name or None,
            title=str(party.get("title") or "").strip() or None,
            account=account_for(email),
        )
    # "Unknown" affiliation: decided later by the agents option (kind left as a marker).
    return _Speaker(name or email or "", kind or AuthorKind.SYSTEM, contact)


def _collect_parties(data: Any, parties: dict[str, _Speaker], meta: dict[str, dict[str, Any]]) -> None:
    """Parties by speakerId and call metaData by call id, from any of the shapes Gong uses."""
    if not isinstance(data, Mapping):
        return
    for party in data.get("parties") or []:
        if isinstance(party, Mapping) and party.get("speakerId") is not None:
            parties[str(party["speakerId"])] = _gong_party(party)
    for call in data.get("calls") or []:
        if not isinstance(call, Mapping):
            continue
        metadata = call.get("metaData")
        if isinstance(metadata, Mapping) and metadata.get("id") is not None:
            meta[str(metadata["id"])] = dict(metadata)
        _collect_parties({"parties": call.get("parties") or []}, parties, meta)


class GongAdapter:
    """Import Gong call transcripts (``POST /v2/calls/transcript`` responses)."""

    kind: ClassVar[str] = "gong"
    channel: ClassVar[Channel] = Channel.CALL
    summary: ClassVar[str] = (
        "Gong call transcripts (JSON from /v2/calls/transcript), speakers from call parties"
    )
    help: ClassVar[str] = """\
Reads a JSON file shaped like Gong's POST /v2/calls/transcript response:
{"callTranscripts": [{"callId", "transcript": [{"speakerId", "topic",
"sentences": [{"start", "end", "text"}]}]}]} with start/end in milliseconds from the call
start. Every call is one conversation; consecutive monologues of one speaker are one
message. Speakers are resolved from parties (speakerId, name, emailAddress, affiliation
Internal -> agent, External -> customer with a contact) found in the same file (a
"parties" list, or "calls[].parties" as from /v2/calls/extensive) or in a side file
given with the parties option. The call start comes from calls[].metaData.started, else
the started_at option, else the file's modification time. A sentence with an unreadable
start/end is quarantined; the rest of the call is kept.

\b
Options:
  parties=PATH      a /v2/calls/extensive JSON file with calls[].metaData and parties
  agents=NAME,...   speakers (by name) who are agents when no affiliation says so
  started_at=ISO    call start for calls without metaData.started
  timezone=ZONE     zone for a started_at without offset (default UTC)

\b
Example:
  frontdoor import gong transcripts.json --option parties=calls-extensive.json
"""

    def read(self, path: Path, *, options: Mapping[str, str]) -> Iterator[Record]:
        """Stream one conversation per call; unreadable sentences and calls as BadRecord.

        Parameters
        ----------
        path : Path
            The transcript JSON file.
        options : Mapping[str, str]
            ``parties``, ``agents``, ``started_at``, ``timezone``.
        """
        check_options(options, _GONG_OPTIONS, self.kind)
        tz = timezone_option(options)
        started_opt: dt.datetime | None = None
        if options.get("started_at"):
            try:
                started_opt = parse_timestamp(options["started_at"], tz=tz)
            except ValueError as exc:
                raise ValidationError(f"started_at: not an ISO-8601 time: {options['started_at']!r}") from exc
        data = _load_json(path)
        if not isinstance(data, Mapping) or not isinstance(data.get("callTranscripts"), list):
            raise AdapterError(f"{path.name} is not a Gong transcript file (no callTranscripts list)")
        parties: dict[str, _Speaker] = {}
        meta: dict[str, dict[str, Any]] = {}
        if options.get("parties"):
            _collect_parties(_load_json(Path(options["parties"]).expanduser()), parties, meta)
        _collect_parties(data, parties, meta)
        agents = split_list(options.get("agents"))
        for index, call in enumerate(data["callTranscripts"]):
            yield from self._call(index, call, parties, meta, agents, started_opt, path)

    def _call(
        self,
        index: int,
        call: Any,
        parties: dict[str, _Speaker],
        meta: dict[str, dict[str, Any]],
        agents: list[str],
        started_opt: dt.datetime | None,
        path: Path,
    ) -> Iterator[Record]:
        position = f"callTranscripts[{index}]"
        if not isinstance(call, Mapping) or call.get("callId") in (None, ""):
            yield BadRecord(position, safe_raw(json.dumps(call, ensure_ascii=False)), "call without a callId")
            return
        call_id = str(call["callId"])
        position = f"call {call_id}"
        call_parties = dict(parties)
        _collect_parties({"parties": call.get("parties") or []}, call_parties, meta)
        resolved: dict[str, _Speaker] = {}
        name_speakers = _Speakers(agents)
        for key, party in call_parties.items():
            if party.kind is AuthorKind.SYSTEM:  # affiliation unknown: by name
                resolved[key] = _Speaker(party.name, name_speakers.get(None, party.name).kind, party.contact)
            else:
                resolved[key] = party
        speakers = _Speakers(agents, resolved)
        utterances: list[_Utterance] = []
        monologues = call.get("transcript")
        if not isinstance(monologues, list):
            yield BadRecord(
                position, safe_raw(json.dumps(call, ensure_ascii=False)), "call has no transcript list"
            )
            return
        for m_index, mono in enumerate(monologues):
            if not isinstance(mono, Mapping):
                yield BadRecord(f"{position} transcript[{m_index}]", safe_raw(repr(mono)), "not an object")
                continue
            speaker = str(mono["speakerId"]) if mono.get("speakerId") not in (None, "") else None
            topic = str(mono.get("topic") or "").strip()
            for s_index, sentence in enumerate(mono.get("sentences") or []):
                where = f"{position} transcript[{m_index}].sentences[{s_index}]"
                try:
                    start, end, text = _sentence(sentence)
                except ValueError as exc:
                    yield BadRecord(where, safe_raw(json.dumps(sentence, ensure_ascii=False)), str(exc))
                    continue
                if text:
                    utterances.append(_Utterance(start, end, speaker, text, topics=[topic] if topic else []))
        if not utterances:
            yield BadRecord(
                position, safe_raw(json.dumps(call, ensure_ascii=False)), "call has no readable sentence"
            )
            return
        utterances.sort(key=lambda u: u.start_ms)
        metadata = meta.get(call_id, {})
        attributes: dict[str, Any] = {"gong_call_id": call_id}
        started: dt.datetime | None = None
        if metadata.get("started"):
            try:
                started = parse_timestamp(metadata["started"])
            except ValueError:
                started = None
        if started is None:
            started = started_opt
        if started is None:
            started = file_mtime(path)
            attributes["started_at_from"] = "file mtime"
        for key in ("url", "direction", "language", "system"):
            if metadata.get(key):
                attributes[key] = metadata[key]
        names = {key: sp.name for key, sp in resolved.items()}
        yield _call_record(
            call_id=call_id,
            started_at=started,
            utterances=utterances,
            speakers=speakers,
            subject=str(metadata.get("title") or "").strip(),
            position=position,
            attributes=attributes,
            speaker_names=names,
        )


def _sentence(sentence: Any) -> tuple[int, int, str]:
    if not isinstance(sentence, Mapping):
        raise ValueError("sentence is not an object")
    values = []
    for key in ("start", "end"):
        value = sentence.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"sentence {key} is not a millisecond offset: {value!r}")
        values.append(int(value))
    start, end = values
    if end < start:
        raise ValueError(f"sentence ends ({end} ms) before it starts ({start} ms)")
    return start, end, " ".join(str(sentence.get("text") or "").split())
