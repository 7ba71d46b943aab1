"""WebVTT and SubRip (SRT) transcripts: cues, voices, Zoom speaker labels, the ``vtt`` and ``srt`` kinds."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from frontdoor.core.domain import AuthorKind, Channel
from frontdoor.core.errors import AdapterError, ValidationError
from frontdoor.integrations._fileutil import (
    account_for,
    check_options,
    detect_encoding,
    file_mtime,
    iter_files,
    safe_raw,
    split_list,
    timezone_option,
)
from frontdoor.integrations.base import BadRecord, ContactRef, Record
from frontdoor.integrations.transcripts.calls import Speaker, Speakers, Utterance, call_record, started_option

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


def parse_cues(text: str, *, webvtt: bool) -> Iterator[Utterance | BadRecord]:
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
            yield Utterance(start_ms, end_ms, voice, body, labelled=voice is not None)


def _apply_labels(utterances: list[Utterance]) -> list[Utterance]:
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
        started = started_option(options, tz)
        agents = Speakers(split_list(options.get("agents")))
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
        agents: Speakers,
        email: str | None,
    ) -> Iterator[Record]:
        try:
            text = file.read_text(encoding=detect_encoding(file))
        except OSError as exc:
            raise AdapterError(f"cannot read {file}: {exc.strerror or exc}") from exc
        name = file.name if file == root else str(file.relative_to(root))
        utterances: list[Utterance] = []
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
                customer = Speaker(first_customer, AuthorKind.CUSTOMER, contact)
                speakers = Speakers([], {first_customer: customer})
                speakers.agents = agents.agents
        yield call_record(
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
