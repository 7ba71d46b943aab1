"""What the estimator reads: the model's outputs, people's answers and audit draws per period.

Everything here is plain data. The product fills it from SQL aggregates (one row per tag,
period, confidence bin and accepted flag) or, for small sets and the bench, from one
:class:`Scored` record per conversation with :func:`period_evidence`.

Confidence bins
---------------
A conversation falls, for each tag of a dimension, into one *cell*: the bin of the tag's
calibrated confidence (:data:`CONFIDENCE_EDGES`; bin 0 when the tag is not among the
stored candidates at all) and whether the model accepted the tag. The estimator learns,
from audits, how often each cell really carries the tag.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from frontdoor.core.errors import ValidationError

__all__ = [
    "CONFIDENCE_EDGES",
    "N_BINS",
    "AuditAnswer",
    "AuditStratum",
    "Cell",
    "PeriodEvidence",
    "Scored",
    "TagPeriod",
    "audit_stratum",
    "confidence_bin",
    "period_evidence",
]

#: Upper edges of the confidence bins 1..5; bin 6 holds confidences of at least 0.9.
CONFIDENCE_EDGES = (0.1, 0.3, 0.5, 0.7, 0.9)
#: Bins 0 (not a candidate) to 6.
N_BINS = len(CONFIDENCE_EDGES) + 2
#: Audit strata of a dimension, by the model's best candidate (see :func:`audit_stratum`).
STRATA = ("accepted", "suggested", "unsure")
#: A best candidate below this confidence puts the conversation in the ``unsure`` stratum.
SUGGESTED_FLOOR = 0.3


def confidence_bin(confidence: float | None) -> int:
    """The bin of a tag's calibrated confidence: 0 when the tag is not a candidate.

    Examples
    --------
    >>> [confidence_bin(c) for c in (None, 0.05, 0.1, 0.45, 0.95)]
    [0, 1, 2, 3, 6]
    """
    if confidence is None:
        return 0
    return 1 + bisect.bisect_right(CONFIDENCE_EDGES, float(confidence))


def audit_stratum(candidates: Mapping[str, float], accepted: Iterable[str]) -> str:
    """The audit stratum of a conversation in one dimension.

    ``accepted`` when the model accepted a tag, ``suggested`` when its best candidate has a
    confidence of at least :data:`SUGGESTED_FLOOR`, else ``unsure`` (including no candidate).
    """
    if any(True for _ in accepted):
        return "accepted"
    best = max(candidates.values(), default=0.0)
    return "suggested" if best >= SUGGESTED_FLOOR else "unsure"


@dataclass(frozen=True)
class Cell:
    """Conversations of one tag and period that nobody answered, in one confidence cell.

    Attributes
    ----------
    bin : int
        Confidence bin (0 = the tag is not a candidate; see :func:`confidence_bin`).
    accepted : bool
        Whether the model accepted the tag on them.
    conversations : int
        How many conversations (with no human answer about the tag) fall in the cell.
    confidence_sum : float
        Sum of their calibrated confidences for the tag (0 in bin 0).
    """

    bin: int
    accepted: bool
    conversations: int
    confidence_sum: float = 0.0

    def __post_init__(self) -> None:
        if not 0 <= self.bin < N_BINS:
            raise ValidationError(f"bin: must be 0..{N_BINS - 1}, got {self.bin}")
        if self.conversations < 0 or self.confidence_sum < 0:
            raise ValidationError("conversations and confidence_sum must not be negative")


@dataclass(frozen=True)
class TagPeriod:
    """One tag in one period: what people confirmed and what the model says about the rest.

    Attributes
    ----------
    tag : str
        Tag key.
    confirmed : int
        Conversations a person said carry the tag (review queue and audits alike).
    rejected : int
        Conversations a person said do not carry it although the model accepted it (they
        leave the accepted count; shown for the split, not used by the estimate).
    cells : tuple of Cell
        The conversations nobody answered about the tag, by confidence cell.
    """

    tag: str
    confirmed: int
    cells: tuple[Cell, ...]
    rejected: int = 0

    @property
    def accepted(self) -> int:
        """Unanswered conversations the model accepted the tag on."""
        return sum(c.conversations for c in self.cells if c.accepted)

    @property
    def unanswered(self) -> int:
        """Conversations without a human answer about the tag."""
        return sum(c.conversations for c in self.cells)


@dataclass(frozen=True)
class AuditAnswer:
    """A person's complete answer on a conversation drawn at random for an audit.

    Attributes
    ----------
    stratum : str
        The audit stratum it was drawn from (uniformly, see
        :func:`frontdoor.insights.estimation.audit.draw_audit`).
    candidates : mapping of str to float
        The model's candidate tags and calibrated confidences for the conversation.
    accepted : frozenset of str
        The tags the model accepted.
    truth : frozenset of str
        The tags the person said apply; empty = none of the dimension's tags fits.
    """

    stratum: str
    candidates: Mapping[str, float]
    accepted: frozenset[str]
    truth: frozenset[str]

    def cell(self, tag: str) -> tuple[int, bool]:
        """The ``(bin, accepted)`` cell the conversation fell in for ``tag``."""
        return confidence_bin(self.candidates.get(tag)), tag in self.accepted


@dataclass(frozen=True)
class AuditStratum:
    """How one audit stratum of a period was sampled.

    Attributes
    ----------
    name : str
        Stratum name.
    population : int
        Conversations of the period in the stratum that the review queue had not
        answered when the audit was drawn (the drawn ones included).
    drawn : int
        Conversations drawn (and answered) from it.
    """

    name: str
    population: int
    drawn: int

    def __post_init__(self) -> None:
        if self.drawn < 0 or self.population < self.drawn:
            raise ValidationError(f"stratum {self.name}: need 0 <= drawn <= population")


@dataclass(frozen=True)
class PeriodEvidence:
    """Everything known about one dimension in one period.

    Attributes
    ----------
    start : datetime.date
        First day of the period.
    tags : mapping of str to TagPeriod
        Every tag of the dimension (a tag with no conversation still belongs here).
    audits : tuple of AuditAnswer
        Answers on conversations of this period drawn for an audit.
    strata : tuple of AuditStratum
        How those audits were drawn; a stratum missing here is taken as self-weighting.
    partial : bool
        The period is not over yet (see :mod:`frontdoor.insights.estimation.periods`).
    conversations : int
        All conversations of the period in the dimension's scope (0: taken as the largest
        ``confirmed + unanswered`` of any tag).
    """

    start: dt.date
    tags: Mapping[str, TagPeriod]
    audits: tuple[AuditAnswer, ...] = ()
    strata: tuple[AuditStratum, ...] = ()
    partial: bool = False
    conversations: int = 0

    @property
    def volume(self) -> int:
        """Conversations of the period (see ``conversations``)."""
        if self.conversations:
            return self.conversations
        return max((tp.confirmed + tp.unanswered for tp in self.tags.values()), default=0)

    def design_weights(self) -> list[float]:
        """Each audit answer's design weight (population / drawn of its stratum), mean 1."""
        by_name = {s.name: s for s in self.strata}
        raw = []
        for a in self.audits:
            s = by_name.get(a.stratum)
            raw.append(s.population / s.drawn if s is not None and s.drawn > 0 else 1.0)
        mean = sum(raw) / len(raw) if raw else 1.0
        return [w / mean for w in raw]


@dataclass(frozen=True)
class Scored:
    """One conversation in one dimension: the model's output and any human answer.

    Attributes
    ----------
    candidates : mapping of str to float
        Candidate tags (the stored suggestions) with their calibrated confidence.
    accepted : frozenset of str
        Tags the model accepted.
    confirmed : frozenset of str
        Tags a person confirmed.
    rejected : frozenset of str
        Tags a person rejected.
    none_fits : bool
        A person said no tag of the dimension fits (every tag is a known negative).
    audit_stratum : str or None
        Set when the answer came from an audit draw; the answer must then be complete
        (``confirmed`` is the truth and every other tag is a negative).
    """

    candidates: Mapping[str, float]
    accepted: frozenset[str] = frozenset()
    confirmed: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()
    none_fits: bool = False
    audit_stratum: str | None = None

    def known(self, tag: str) -> bool | None:
        """True/False when a person answered about ``tag``, None when nobody did."""
        if tag in self.confirmed:
            return True
        if tag in self.rejected or self.none_fits or self.audit_stratum is not None:
            return False
        return None


@dataclass
class _TagTally:
    confirmed: int = 0
    rejected: int = 0
    cells: dict[tuple[int, bool], list[float]] = field(default_factory=dict)


def period_evidence(
    start: dt.date,
    tags: Sequence[str],
    conversations: Iterable[Scored],
    *,
    strata: Sequence[AuditStratum] = (),
    partial: bool = False,
) -> PeriodEvidence:
    """Aggregate per-conversation records into a period's evidence.

    Parameters
    ----------
    start : datetime.date
        First day of the period.
    tags : sequence of str
        Every tag of the dimension.
    conversations : iterable of Scored
        The period's conversations.
    strata : sequence of AuditStratum, optional
        How the period's audits were drawn.
    partial : bool, default=False
        The period is not over yet.

    Returns
    -------
    PeriodEvidence
    """
    tally = {t: _TagTally() for t in tags}
    audits: list[AuditAnswer] = []
    volume = 0
    for conv in conversations:
        volume += 1
        if conv.audit_stratum is not None:
            audits.append(
                AuditAnswer(conv.audit_stratum, dict(conv.candidates), conv.accepted, conv.confirmed)
            )
        for t, acc in tally.items():
            known = conv.known(t)
            if known is True:
                acc.confirmed += 1
            elif known is False:
                acc.rejected += t in conv.accepted
            else:
                conf = conv.candidates.get(t)
                key = (confidence_bin(conf), t in conv.accepted)
                entry = acc.cells.setdefault(key, [0.0, 0.0])
                entry[0] += 1
                entry[1] += conf or 0.0
    periods = {
        t: TagPeriod(
            tag=t,
            confirmed=acc.confirmed,
            rejected=acc.rejected,
            cells=tuple(Cell(b, a, int(n), s) for (b, a), (n, s) in sorted(acc.cells.items())),
        )
        for t, acc in tally.items()
    }
    return PeriodEvidence(start, periods, tuple(audits), tuple(strata), partial, volume)
