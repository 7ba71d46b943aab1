"""Gong call transcripts (``POST /v2/calls/transcript``), speakers from the calls' parties."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import AuthorKind, Channel
from frontdoor.core.errors import AdapterError
from frontdoor.integrations._common import load_json
from frontdoor.integrations._fileutil import (
    account_for,
    check_options,
    file_mtime,
    parse_timestamp,
    safe_raw,
    split_list,
    timezone_option,
)
from frontdoor.integrations.base import BadRecord, ContactRef, Record
from frontdoor.integrations.transcripts.calls import Speaker, Speakers, Utterance, call_record, started_option

_GONG_OPTIONS = ("agents", "parties", "started_at", "timezone")


def _gong_party(party: Mapping[str, Any]) -> Speaker:
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
    return Speaker(name or email or "", kind or AuthorKind.SYSTEM, contact)


def _collect_parties(data: Any, parties: dict[str, Speaker], meta: dict[str, dict[str, Any]]) -> None:
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
        started_opt = started_option(options, tz)
        data = load_json(path)
        if not isinstance(data, Mapping) or not isinstance(data.get("callTranscripts"), list):
            raise AdapterError(f"{path.name} is not a Gong transcript file (no callTranscripts list)")
        parties: dict[str, Speaker] = {}
        meta: dict[str, dict[str, Any]] = {}
        if options.get("parties"):
            _collect_parties(load_json(Path(options["parties"]).expanduser()), parties, meta)
        _collect_parties(data, parties, meta)
        agents = split_list(options.get("agents"))
        for index, call in enumerate(data["callTranscripts"]):
            yield from self._call(index, call, parties, meta, agents, started_opt, path)

    def _call(
        self,
        index: int,
        call: Any,
        parties: dict[str, Speaker],
        meta: dict[str, dict[str, Any]],
        agents: list[str],
        started_opt: dt.datetime | None,
        path: Path,
    ) -> Iterator[Record]:
        position = f"callTranscripts[{index}]"
        if not isinstance(call, Mapping) or call.get("callId") in (None, ""):
            yield BadRecord(position, _raw(call), "call without a callId")
            return
        call_id = str(call["callId"])
        position = f"call {call_id}"
        monologues = call.get("transcript")
        if not isinstance(monologues, list):
            yield BadRecord(position, _raw(call), "call has no transcript list")
            return
        call_parties = dict(parties)
        _collect_parties({"parties": call.get("parties") or []}, call_parties, meta)
        resolved = _resolve_parties(call_parties, agents)
        utterances: list[Utterance] = []
        for item in _utterances(monologues, position):
            if isinstance(item, BadRecord):
                yield item
            else:
                utterances.append(item)
        if not utterances:
            yield BadRecord(position, _raw(call), "call has no readable sentence")
            return
        utterances.sort(key=lambda u: u.start_ms)
        metadata = meta.get(call_id, {})
        attributes: dict[str, Any] = {"gong_call_id": call_id}
        started = _call_start(metadata, started_opt)
        if started is None:
            started = file_mtime(path)
            attributes["started_at_from"] = "file mtime"
        for key in ("url", "direction", "language", "system"):
            if metadata.get(key):
                attributes[key] = metadata[key]
        yield call_record(
            call_id=call_id,
            started_at=started,
            utterances=utterances,
            speakers=Speakers(agents, resolved),
            subject=str(metadata.get("title") or "").strip(),
            position=position,
            attributes=attributes,
            speaker_names={key: sp.name for key, sp in resolved.items()},
        )


def _raw(value: Any) -> str:
    return safe_raw(json.dumps(value, ensure_ascii=False))


def _resolve_parties(parties: dict[str, Speaker], agents: list[str]) -> dict[str, Speaker]:
    """Parties whose affiliation Gong does not know are agents or customers by name (``agents``)."""
    by_name = Speakers(agents)
    resolved: dict[str, Speaker] = {}
    for key, party in parties.items():
        if party.kind is AuthorKind.SYSTEM:  # affiliation unknown: by name
            resolved[key] = Speaker(party.name, by_name.get(None, party.name).kind, party.contact)
        else:
            resolved[key] = party
    return resolved


def _utterances(monologues: list[Any], position: str) -> Iterator[Utterance | BadRecord]:
    """One utterance per readable sentence (with its monologue's speaker and topic)."""
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
                yield BadRecord(where, _raw(sentence), str(exc))
                continue
            if text:
                yield Utterance(start, end, speaker, text, topics=[topic] if topic else [])


def _call_start(metadata: Mapping[str, Any], started_opt: dt.datetime | None) -> dt.datetime | None:
    """``metaData.started``, else the ``started_at`` option."""
    if metadata.get("started"):
        try:
            return parse_timestamp(metadata["started"])
        except ValueError:
            pass
    return started_opt


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
