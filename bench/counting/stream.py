"""The simulated 12-week stream of the counting bench: data sets, tag mix, spike, fade, drift.

Two builds per language, never mixed:

* ``dev`` (for choosing the estimator's settings): stream texts from validation splits
  (English: BANKING77-OOS ``valid`` + its out-of-scope ``valid`` and ``id-oos/train``;
  Korean: StyleKQC ``dev`` + one half of korean_chatbot_data);
* ``test`` (what the bench reports): BANKING77-OOS ``test`` + ``id-oos/test`` +
  ``ood-oos/test``; StyleKQC ``test`` + the other half of korean_chatbot_data.

Seed examples (at most 10 per tag) always come from the TRAIN split.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

KO_TOPICS = {
    "0": ["쇼핑 주문 반품 결제", "shopping"],
    "1": ["스마트홈 가전", "smart home"],
    "2": ["메신저 이메일 문자", "messenger email"],
    "3": ["일정 캘린더 알람", "calendar schedule"],
    "4": ["음악 TV 엔터테인먼트", "entertainment"],
    "5": ["날씨 뉴스 안전", "weather news"],
}


@dataclass
class Corpus:
    """Texts per tag for seeds and for the stream, and off-topic texts."""

    lang: str
    tags: list[str]
    names: dict[str, list[str]]
    seed_pool: dict[str, list[str]]
    in_pool: dict[str, list[str]]
    off_pool: list[str]


@dataclass
class Week:
    """One simulated week: texts and their true tag (None = off-topic)."""

    texts: list[str]
    labels: list[str | None]


@dataclass
class Stream:
    """The simulated weeks and what was planted in them."""

    weeks: list[Week]
    spike_tag: str
    spike_week: int
    fading_tag: str
    mix: list[dict[str, float]] = field(default_factory=list)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _seq(folder: Path) -> list[tuple[str, str]]:
    return list(zip(_lines(folder / "seq.in"), _lines(folder / "label"), strict=True))


def _group(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for text, label in rows:
        out.setdefault(label, []).append(text)
    return out


def load_english(data: Path, split: str) -> Corpus:
    """BANKING77-OOS: 50 in-scope intents; off-topic = held-out banking intents + CLINC oos."""
    root = data / "oos" / "BANKING77-OOS"
    seed_pool = _group(_seq(root / "train"))
    tags = sorted(seed_pool)
    if split == "dev":
        in_pool = _group(_seq(root / "valid"))
        off = [t for t, _ in _seq(root / "id-oos" / "valid") + _seq(root / "ood-oos" / "valid")]
        off += [t for t, _ in _seq(root / "id-oos" / "train")]
    else:
        in_pool = _group(_seq(root / "test"))
        off = [t for t, _ in _seq(root / "id-oos" / "test") + _seq(root / "ood-oos" / "test")]
    names = {t: [t.replace("_", " ")] for t in tags}
    return Corpus("en", tags, names, seed_pool, in_pool, off)


def _tsv(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["sentence"], r["topic"]) for r in csv.DictReader(fh, delimiter="\t")]


def load_korean(data: Path, split: str) -> Corpus:
    """StyleKQC topics (6); off-topic = korean_chatbot_data chit-chat (halves by row parity)."""
    root = data / "korean_stylekqc" / "topic"
    seed_pool = _group(_tsv(root / "train.tsv"))
    tags = sorted(seed_pool)
    in_pool = _group(_tsv(root / ("dev.tsv" if split == "dev" else "test.tsv")))
    with (data / "korean_chatbot_data" / "ChatbotData.csv").open(encoding="utf-8", newline="") as fh:
        chat = [r["Q"] for r in csv.DictReader(fh)]
    parity = 0 if split == "dev" else 1
    off = [q for i, q in enumerate(chat) if i % 2 == parity]
    names = {t: KO_TOPICS[t] for t in tags}
    return Corpus("ko", tags, names, seed_pool, in_pool, off)


def load(lang: str, data: Path, split: str) -> Corpus:
    """The corpus of ``lang`` (``en`` or ``ko``) for the ``dev`` or ``test`` stream."""
    if split not in ("dev", "test"):
        raise ValueError("split must be dev or test")
    return load_english(data, split) if lang == "en" else load_korean(data, split)


def seeds(corpus: Corpus, per_tag: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """At most ``per_tag`` confirmed examples per tag, drawn from the TRAIN split."""
    texts: list[str] = []
    labels: list[str] = []
    for tag in corpus.tags:
        pool = corpus.seed_pool[tag]
        for i in rng.choice(len(pool), size=min(per_tag, len(pool)), replace=False):
            texts.append(pool[int(i)])
            labels.append(tag)
    return texts, labels


def simulate(
    corpus: Corpus,
    rng: np.random.Generator,
    *,
    weeks: int = 12,
    volume: int = 500,
    spike_week: int = 8,
    spike_factor: float = 5.0,
    off_share: tuple[float, float] = (0.25, 0.45),
) -> Stream:
    """Draw the weekly stream.

    Tag rates follow a Zipf-like mix over a random order of the tags that drifts (in log
    space) toward another order over the weeks; the off-topic share drifts from
    ``off_share[0]`` to ``off_share[1]``; one tag fades from week 3 on (rate x0.7 a week);
    one tag is multiplied by ``spike_factor`` in ``spike_week``. Texts are drawn with
    replacement from the tag's pool (a real stream repeats its questions too).
    """
    k = len(corpus.tags)
    order_a = rng.permutation(k)
    order_b = order_a.copy()
    swap = rng.choice(k, size=max(2, k // 2), replace=False)  # half the tags trade places
    order_b[swap] = order_b[rng.permutation(swap)]
    ranks_a = np.empty(k)
    ranks_a[order_a] = np.arange(k)
    ranks_b = np.empty(k)
    ranks_b[order_b] = np.arange(k)
    log_a = -0.9 * np.log1p(ranks_a)
    log_b = -0.9 * np.log1p(ranks_b)
    by_rank = list(np.argsort(ranks_a))
    fading = corpus.tags[int(by_rank[max(1, k // 10)])]
    f_spike = spike_week / max(1, weeks - 1)  # the spiking tag is mid-sized in its week
    at_spike = list(np.argsort((1 - f_spike) * ranks_a + f_spike * ranks_b))
    spike = next(corpus.tags[int(i)] for i in at_spike[max(2, k // 5) :] if corpus.tags[int(i)] != fading)
    stream = Stream([], spike, spike_week, fading)
    for w in range(weeks):
        f = w / max(1, weeks - 1)
        logits = (1 - f) * log_a + f * log_b
        mix = dict(zip(corpus.tags, np.exp(logits) / np.exp(logits).sum(), strict=True))
        if w >= 3:
            mix[fading] *= 0.7 ** (w - 2)
        total_in = volume * (1 - ((1 - f) * off_share[0] + f * off_share[1])) * (1 + 0.01 * w)
        counts = {t: int(rng.poisson(total_in * mix[t])) for t in corpus.tags}
        if w == spike_week:
            counts[spike] = int(rng.poisson(total_in * mix[spike] * spike_factor))
        n_off = int(rng.poisson(volume * ((1 - f) * off_share[0] + f * off_share[1])))
        texts: list[str] = []
        labels: list[str | None] = []
        for t, n in counts.items():
            pool = corpus.in_pool[t]
            texts += [pool[int(i)] for i in rng.integers(0, len(pool), size=n)]
            labels += [t] * n
        texts += [corpus.off_pool[int(i)] for i in rng.integers(0, len(corpus.off_pool), size=n_off)]
        labels += [None] * n_off
        perm = rng.permutation(len(texts))
        stream.weeks.append(Week([texts[i] for i in perm], [labels[i] for i in perm]))
        stream.mix.append(mix)
    return stream


def mean_sd(values: list[float]) -> str:
    """``mean ± sd`` over seeds."""
    m = sum(values) / len(values)
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / max(1, len(values) - 1))
    return f"{m:.2f} ± {sd:.2f}"
