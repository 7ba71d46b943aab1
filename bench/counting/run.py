"""Counting bench: confirmed-only vs classify-and-count vs the estimate, on a simulated stream.

A 12-week stream per language (see ``stream.py``) with a spike (one tag x5 in week 9), a
fading tag and a drifting mix (tags and off-topic share). Each week:

1. the tagger (``LearnedTagger``, lexical unless ``--embeddings``), trained on at most 10
   confirmed examples per tag from the TRAIN split plus every review-queue answer so far,
   tags the week's conversations (top-3 candidates with calibrated confidence, accepted
   above each tag's threshold);
2. the review queue answers ``--reviews`` conversations, most informative first (the
   product's :func:`frontdoor.tagging.review.priority` on the best candidate); simulated
   people answer with the true label (a tag, or "none fits");
3. ``--audits`` (20) conversations are drawn uniformly among the unanswered ones, in
   proportion to the audit strata, and answered truly; audit answers are a held-out
   measurement, never training data;
4. the estimator (:func:`frontdoor.insights.estimation.estimate_period`) estimates every
   tag of that week with what is known at its end (a nowcast), after the week's model has
   re-tagged the earlier weeks (``--rescore all``, the product's backfill; ``audits``
   re-scores only the audited conversations).

Printed per language, mean ± sd over seeds: mean absolute error of weekly per-tag counts,
90% interval coverage over tag-weeks, whether the spike is flagged in its week by the
product's spike rule (:func:`frontdoor.alerts.spikes.evaluate`, default thresholds, on the
weekly series, 8 weeks of history) and how many other tag-weeks it flags (false alarms).

Usage::

    .venv/bin/python bench/counting/run.py                    # test stream, 5 seeds, both languages
    .venv/bin/python bench/counting/run.py --split dev        # the stream settings were chosen on
    .venv/bin/python bench/counting/run.py --lang ko --seeds 3 --json out.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import platform
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import stream as sim  # noqa: E402

from frontdoor.alerts.spikes import evaluate  # noqa: E402
from frontdoor.insights.estimation import (  # noqa: E402
    AuditAnswer,
    AuditStratum,
    EstimatorSettings,
    Scored,
    allocate,
    audit_stratum,
    draw_audit,
    estimate_period,
    period_evidence,
)
from frontdoor.tagging.model.learned import LearnedTagger  # noqa: E402
from frontdoor.tagging.review import priority  # noqa: E402

DIM = "intent"
KINDS = ("confirmed", "accepted", "estimate")
FIRST_WEEK = dt.date(2026, 1, 5)  # a Monday


def _data_dir(arg: str | None) -> Path:
    for cand in (arg, ROOT / "shared" / "data", ROOT.parent / "shared" / "data", "/work/shared/data"):
        if cand and Path(cand).is_dir():
            return Path(cand)
    raise SystemExit("no data directory: pass --data")


@dataclass
class Run:
    """One seed's weekly series: truth and the three kinds of count per tag."""

    truth: dict[str, list[int]] = field(default_factory=dict)
    counts: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    low: dict[str, list[int]] = field(default_factory=dict)
    high: dict[str, list[int]] = field(default_factory=dict)
    spike_tag: str = ""
    spike_week: int = 0
    fading_tag: str = ""
    seconds: float = 0.0


def _train(texts: list[str], labels: list[str | None], corpus: sim.Corpus, seed: int, emb: bool) -> Any:
    rows = [{DIM: set() if y is None else {y}} for y in labels]
    tagger = LearnedTagger(multi_label={DIM: False}, embeddings="package" if emb else None, random_state=seed)
    return tagger.fit(texts, rows, tag_texts={DIM: corpus.names})


def _week(
    tagger: Any,
    week: sim.Week,
    confirmed_so_far: dict[str, int],
    args: argparse.Namespace,
    rng: Any,
    audit_errors: dict[str, list[int]],
) -> tuple[list[Scored], list[int], list[AuditStratum]]:
    """Tag a week, answer the review queue, draw and answer the audit.

    ``audit_errors`` (per stratum: audited, top candidate wrong) feeds Neyman allocation.
    """
    clf = tagger.classifiers_[DIM]
    thr = {str(t): float(x) for t, x in zip(clf.classes_, clf.thresholds_, strict=True)}
    decisions = [d[DIM] for d in tagger.decide(week.texts)]
    cands = [{c.tag: c.confidence for c in d.candidates} for d in decisions]
    accepted = [d.tag_keys for d in decisions]
    pri = []
    for i, d in enumerate(decisions):
        best = d.candidates[0] if d.candidates else None
        p = (
            priority(best.confidence, thr.get(best.tag), confirmed_so_far.get(best.tag, 0))[0]
            if best
            else 0.5
        )
        pri.append((-p, i))
    reviewed = [i for _, i in sorted(pri)[: args.reviews]]
    answered = set(reviewed)
    strata: dict[str, list[int]] = {}
    for i in range(len(week.texts)):
        if i not in answered:
            strata.setdefault(audit_stratum(cands[i], accepted[i]), []).append(i)
    sizes = {s: len(v) for s, v in strata.items()}
    spread = None
    if args.allocation == "neyman":  # S_h = sqrt(e (1 - e)) of the top candidate's error rate
        spread = {}
        for name in sizes:
            n, wrong = audit_errors.get(name, [0, 0])
            e = (wrong + 1) / (n + 2)
            spread[name] = (e * (1 - e)) ** 0.5
    allocation = allocate(args.audits, sizes, spread)
    drawn = draw_audit(strata, allocation, seed=rng)
    audit_of = {i: s for s, ids in drawn.items() for i in ids}
    for i, name in audit_of.items():
        top = decisions[i].candidates[0].tag if decisions[i].candidates else None
        tally = audit_errors.setdefault(name, [0, 0])
        tally[0] += 1
        tally[1] += top != week.labels[i]
    scored = []
    for i, y in enumerate(week.labels):
        truth = frozenset() if y is None else frozenset({y})
        known = i in answered or i in audit_of
        scored.append(
            Scored(
                candidates=cands[i],
                accepted=accepted[i],
                confirmed=truth if known else frozenset(),
                none_fits=known and y is None,
                audit_stratum=audit_of.get(i),
            )
        )
    return scored, reviewed, [AuditStratum(n, sizes[n], allocation[n]) for n in sizes]


def _rescored(tagger: Any, period: Any, texts: list[str], labels: list[str | None], strata: list[str]) -> Any:
    """The period with its audited conversations scored by ``tagger`` (never trained on them)."""
    if not texts:
        return period
    answers = []
    for d, y, stratum in zip((r[DIM] for r in tagger.decide(texts)), labels, strata, strict=True):
        truth = frozenset() if y is None else frozenset({y})
        answers.append(AuditAnswer(stratum, {c.tag: c.confidence for c in d.candidates}, d.tag_keys, truth))
    return replace(period, audits=tuple(answers))


def _backfilled(
    tagger: Any, start: dt.date, tags: list[str], texts: list[str], scored: list[Scored], strata: Any
) -> Any:
    """A past week re-tagged by ``tagger`` (the product's backfill), people's answers kept."""
    fresh = []
    for d, old in zip((r[DIM] for r in tagger.decide(texts)), scored, strict=True):
        fresh.append(
            replace(old, candidates={c.tag: c.confidence for c in d.candidates}, accepted=d.tag_keys)
        )
    return period_evidence(start, tags, fresh, strata=strata)


def run_seed(corpus: sim.Corpus, seed: int, args: argparse.Namespace, settings: EstimatorSettings) -> Run:
    suffix = ("-neyman" if args.allocation == "neyman" else "") + (
        "-backfill" if args.rescore == "all" else ""
    )
    name = f"{corpus.lang}-{args.split}-{seed}-{int(args.embeddings)}{suffix}.pkl"
    cache = ROOT / "bench" / "out" / "counting" / name
    if args.reuse and cache.exists():
        with cache.open("rb") as fh:
            stream_meta, histories, truths = pickle.load(fh)  # noqa: S301 (our own file)
        return _estimate(stream_meta, histories, truths, settings, 0.0)
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    stream = sim.simulate(corpus, rng, weeks=args.weeks, volume=args.volume[corpus.lang])
    seed_texts, seed_labels = sim.seeds(corpus, 10, rng)
    train_texts: list[str] = list(seed_texts)
    train_labels: list[str | None] = list(seed_labels)
    confirmed_so_far: dict[str, int] = {t: 10 for t in corpus.tags}
    history = []
    kept: list[tuple[dt.date, list[str], list[Scored], Any]] = []
    audit_errors: dict[str, list[int]] = {}
    nowcast_views: list[list[Any]] = []  # per week: every period up to it, audits re-scored
    audit_rows: list[tuple[list[str], list[str | None], list[str]]] = []
    truths: list[dict[str, int]] = []
    rows: list[list[tuple[Scored, str | None]]] = []  # per conversation, for analysis
    tagger = None
    for w, week in enumerate(stream.weeks):
        if tagger is None or args.retrain:
            tagger = _train(train_texts, train_labels, corpus, seed, args.embeddings)
        scored, reviewed, audit_strata = _week(tagger, week, confirmed_so_far, args, rng, audit_errors)
        for i in reviewed:  # queue answers teach the model; audits stay a held-out measurement
            train_texts.append(week.texts[i])
            train_labels.append(week.labels[i])
            if week.labels[i] is not None:
                confirmed_so_far[week.labels[i]] = confirmed_so_far.get(week.labels[i], 0) + 1
        week_start = FIRST_WEEK + dt.timedelta(weeks=w)
        history.append(period_evidence(week_start, corpus.tags, scored, strata=audit_strata))
        kept.append((week_start, week.texts, scored, audit_strata))
        picked = [i for i, sc in enumerate(scored) if sc.audit_stratum is not None]
        audit_rows.append(
            (
                [week.texts[i] for i in picked],
                [week.labels[i] for i in picked],
                [str(scored[i].audit_stratum) for i in picked],
            )
        )
        # The model of week w scored week w; audits of earlier weeks are re-scored by it, so
        # their cells mean what week w's cells mean (audits are never training data).
        if args.rescore == "all":  # the product re-tags recent weeks after a retrain
            view = [_backfilled(tagger, k[0], corpus.tags, k[1], k[2], k[3]) for k in kept[:w]]
        else:
            view = [_rescored(tagger, history[j], *audit_rows[j]) for j in range(w)]
        view.append(history[w])
        nowcast_views.append(view)
        truths.append({t: sum(1 for y in week.labels if y == t) for t in corpus.tags})
        rows.append(list(zip(scored, week.labels, strict=True)))
    meta = (stream.spike_tag, stream.spike_week, stream.fading_tag)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as fh:
        pickle.dump((meta, nowcast_views, truths), fh)
    with cache.with_suffix(".rows.pkl").open("wb") as fh:
        pickle.dump(rows, fh)
    return _estimate(meta, nowcast_views, truths, settings, time.perf_counter() - start)


def _estimate(
    meta: tuple[str, int, str],
    views: list[list[Any]],
    truths: list[dict[str, int]],
    settings: EstimatorSettings,
    seconds: float,
) -> Run:
    """Nowcast every week with what was known at its end."""
    tags = list(truths[0])
    run = Run(spike_tag=meta[0], spike_week=meta[1], fading_tag=meta[2], seconds=seconds)
    run.truth = {t: [tr[t] for tr in truths] for t in tags}
    run.counts = {k: {t: [] for t in tags} for k in KINDS}
    run.low = {t: [] for t in tags}
    run.high = {t: [] for t in tags}
    for view in views:
        est = estimate_period(view, settings=settings)
        for t in tags:
            e = est.tags[t]
            run.counts["confirmed"][t].append(e.confirmed)
            run.counts["accepted"][t].append(e.accepted)
            run.counts["estimate"][t].append(e.estimate)
            run.low[t].append(e.low)
            run.high[t].append(e.high)
    return run


def _flags(series: list[float], thresholds_history: int = 8) -> list[bool]:
    """Spike verdict per week on a weekly series (history = the previous weeks, newest first)."""
    out = []
    for w, value in enumerate(series):
        history = [round(v) for v in series[max(0, w - thresholds_history) : w]][::-1]
        out.append(evaluate(round(value), history).fired)
    return out


def score(run: Run) -> dict[str, Any]:
    """MAE per kind, coverage of the estimate's interval, spike flagged, false alarms."""
    tags = list(run.truth)
    out: dict[str, Any] = {}
    for kind in KINDS:
        errs = [abs(run.counts[kind][t][w] - run.truth[t][w]) for t in tags for w in range(len(run.truth[t]))]
        out[f"mae_{kind}"] = float(np.mean(errs))
        flags = {t: _flags(run.counts[kind][t]) for t in tags}
        out[f"spike_{kind}"] = bool(flags[run.spike_tag][run.spike_week])
        out[f"false_{kind}"] = sum(
            f
            for t in tags
            for w, f in enumerate(flags[t])
            if not (t == run.spike_tag and w == run.spike_week)
        )
    truth_flags = _flags([float(x) for x in run.truth[run.spike_tag]])
    out["spike_truth"] = bool(truth_flags[run.spike_week])
    inside = [
        run.low[t][w] <= run.truth[t][w] <= run.high[t][w] for t in tags for w in range(len(run.truth[t]))
    ]
    out["coverage"] = float(np.mean(inside))
    out["width"] = float(
        np.mean([run.high[t][w] - run.low[t][w] for t in tags for w in range(len(run.truth[t]))])
    )
    out["mean_truth"] = float(np.mean([x for t in tags for x in run.truth[t]]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "test"), default="test")
    ap.add_argument("--lang", choices=("en", "ko", "both"), default="both")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--weeks", type=int, default=12)
    ap.add_argument("--reviews", type=int, default=30, help="review-queue answers per week")
    ap.add_argument("--audits", type=int, default=20, help="audit answers per week")
    ap.add_argument("--no-retrain", dest="retrain", action="store_false")
    ap.add_argument(
        "--rescore",
        choices=("audits", "all"),
        default="all",
        help="after each retrain re-score past weeks' audits only, or every conversation (backfill)",
    )
    ap.add_argument(
        "--allocation",
        choices=("proportional", "neyman"),
        default="proportional",
        help="audit draws per stratum",
    )
    ap.add_argument("--embeddings", action="store_true", help="fuse the bundled MiniLM (English)")
    ap.add_argument("--discount", type=float, default=None)
    ap.add_argument("--tag-concentration", type=float, default=None)
    ap.add_argument("--prior-strength", type=float, default=None)
    ap.add_argument("--reuse", action="store_true", help="reuse the tagger outputs cached in bench/out")
    ap.add_argument("--shift", action="store_true", help="EstimatorSettings(prevalence_shift=True)")
    ap.add_argument("--data", default=None)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    args.volume = {"en": 500, "ko": 300}
    overrides = {
        k: v
        for k, v in (
            ("discount", args.discount),
            ("tag_concentration", args.tag_concentration),
            ("prior_strength", args.prior_strength),
        )
        if v is not None
    }
    settings = EstimatorSettings(**overrides, prevalence_shift=args.shift)
    data = _data_dir(args.data)
    langs = ["en", "ko"] if args.lang == "both" else [args.lang]
    print(f"# counting bench: split={args.split} seeds={args.seeds} settings={asdict(settings)}")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"# {platform.machine()} {platform.python_version()} {when}")
    report: dict[str, Any] = {"split": args.split, "settings": asdict(settings), "languages": {}}
    for lang in langs:
        corpus = sim.load(lang, data, args.split)
        scores = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            run = run_seed(corpus, seed, args, settings)
            s = score(run)
            s["seed"], s["seconds"] = seed, run.seconds
            scores.append(s)
            print(
                f"{lang} seed {seed}: MAE conf {s['mae_confirmed']:.2f} acc {s['mae_accepted']:.2f} "
                f"est {s['mae_estimate']:.2f} | cover {s['coverage']:.3f} width {s['width']:.1f} | "
                f"spike est {s['spike_estimate']} acc {s['spike_accepted']} truth {s['spike_truth']} | "
                f"false est {s['false_estimate']} acc {s['false_accepted']} ({run.seconds:.0f}s)",
                flush=True,
            )
        report["languages"][lang] = scores
        _table(lang, scores)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


def _table(lang: str, scores: list[dict[str, Any]]) -> None:
    def col(key: str) -> str:
        return sim.mean_sd([float(s[key]) for s in scores])

    print(f"\n## {lang}: {len(scores)} seeds, mean truth per tag-week {col('mean_truth')}")
    print("| count | MAE per tag-week | 90% coverage | spike flagged | false alarms (tag-weeks) |")
    print("|---|---|---|---|---|")
    n = len(scores)
    for kind, label in (
        ("confirmed", "confirmed only"),
        ("accepted", "confirmed + accepted"),
        ("estimate", "estimate"),
    ):
        cov = col("coverage") if kind == "estimate" else "-"
        flagged = sum(bool(s[f"spike_{kind}"]) for s in scores)
        print(f"| {label} | {col('mae_' + kind)} | {cov} | {flagged}/{n} | {col('false_' + kind)} |")
    ratio = [s["mae_estimate"] / s["mae_accepted"] for s in scores]
    print(f"estimate MAE / classify-and-count MAE: {sim.mean_sd(ratio)} (target <= 0.33)")
    print(f"truth series flags the spike in {sum(s['spike_truth'] for s in scores)}/{n} seeds")


if __name__ == "__main__":
    raise SystemExit(main())
