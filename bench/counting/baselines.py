"""Quantification baselines on the counting bench's cached streams: PCC, ACC, PACC, EMQ.

Run after ``run.py`` (it caches each seed's conversations under ``bench/out/counting``)::

    .venv/bin/python bench/counting/baselines.py --split test --lang en --seeds 5

Each is applied, week by week, to the conversations nobody answered, and added to the
confirmed count, as the estimate is:

* PCC: sum of the (normalized) calibrated confidences;
* ACC (Forman 2008), binary per tag: ``(cc - fpr) / (tpr - fpr)`` clipped to [0, 1], with
  the tag's true- and false-positive rates of acceptance measured on the audits so far;
* PACC: the same with mean confidences instead of accept/reject;
* EMQ (Saerens et al. 2002): the confidences re-weighted by EM to the week's class priors,
  from the training priors (seed examples and review answers so far).

When QuaPy is installed (``pip install quapy``; not a dependency of frontdoor) the script
checks ACC and EMQ on one week against ``quapy.functional.solve_adjustment_binary`` and
``quapy.method.aggregative.EMQ.EM``.
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def emq(train_prev: np.ndarray, post: np.ndarray, eps: float = 1e-4, max_iter: int = 1000) -> np.ndarray:
    """Saerens-Latinne-Decaestecker EM: class priors of ``post``'s rows, and adjusted posteriors."""
    prior = np.asarray(train_prev, dtype=float).copy()
    if np.prod(prior) == 0:  # as QuaPy does: smooth zero priors
        prior = (prior + eps) / (prior + eps).sum()
    q = prior.copy()
    adjusted = post
    for step in range(max_iter):
        weighted = post * (q / prior)
        adjusted = weighted / weighted.sum(axis=1, keepdims=True)
        new = adjusted.mean(axis=0)
        if step > 10 and np.abs(new - q).mean() < eps:
            q = new
            break
        q = new
    return adjusted


def acc(rate: float, tpr: float, fpr: float) -> float:
    """Forman's adjusted count for one class, clipped to [0, 1] (the raw rate when tpr <= fpr)."""
    if tpr <= fpr:
        return rate
    return float(np.clip((rate - fpr) / (tpr - fpr), 0.0, 1.0))


def _posteriors(rows: list[Any], tags: list[str]) -> np.ndarray:
    """Rows: candidate confidences per tag, then "none" = what they leave; rows sum to 1."""
    index = {t: k for k, t in enumerate(tags)}
    post = np.zeros((len(rows), len(tags) + 1))
    for i, sc in enumerate(rows):
        for t, c in sc.candidates.items():
            post[i, index[t]] = c
    post[:, -1] = np.clip(1 - post[:, :-1].sum(axis=1), 0, None)
    post += 1e-6
    return post / post.sum(axis=1, keepdims=True)


def _answered(sc: Any) -> bool:
    return bool(sc.confirmed) or sc.none_fits or sc.audit_stratum is not None


def week_counts(weeks: list[list[tuple[Any, str | None]]], tags: list[str], w: int) -> dict[str, np.ndarray]:
    """Each baseline's count per tag for week ``w`` with what was known at its end."""
    rows = weeks[w]
    unknown = [sc for sc, _ in rows if not _answered(sc)]
    confirmed = np.array([sum(1 for sc, _ in rows if t in sc.confirmed) for t in tags], dtype=float)
    post = _posteriors(unknown, tags)
    train = np.zeros(len(tags) + 1)
    train[:-1] = 10  # the seed examples
    for past in weeks[:w]:
        for sc, y in past:
            if _answered(sc) and sc.audit_stratum is None:  # review answers train the model
                train[tags.index(y) if y is not None else -1] += 1
    audits = [(sc, y) for past in weeks[: w + 1] for sc, y in past if sc.audit_stratum is not None]
    a_post = _posteriors([sc for sc, _ in audits], tags)
    n = len(unknown)
    out = {
        "PCC": confirmed + post[:, :-1].sum(axis=0),
        "EMQ": confirmed + emq(train / train.sum(), post)[:, :-1].sum(axis=0),
    }
    acc_counts, pacc_counts = [], []
    for k, t in enumerate(tags):
        pos = np.array([y == t for _, y in audits], dtype=bool)
        hard = np.array([t in sc.accepted for sc, _ in audits], dtype=bool)
        cc_rate = sum(t in sc.accepted for sc in unknown) / max(1, n)
        pcc_rate = float(post[:, k].mean()) if n else 0.0
        if pos.any() and (~pos).any():
            acc_counts.append(n * acc(cc_rate, hard[pos].mean(), hard[~pos].mean()))
            pacc_counts.append(n * acc(pcc_rate, a_post[pos, k].mean(), a_post[~pos, k].mean()))
        else:  # no audited positive (or negative) yet: nothing to adjust with
            acc_counts.append(n * cc_rate)
            pacc_counts.append(n * pcc_rate)
    out["ACC"] = confirmed + np.array(acc_counts)
    out["PACC"] = confirmed + np.array(pacc_counts)
    return out


def oracle_floor(weeks: list[list[tuple[Any, str | None]]], tags: list[str]) -> list[np.ndarray]:
    """Not an estimator: each tag's true rate per confidence cell over all 12 weeks, known
    exactly (it reads the truth), applied to each week. Roughly what a cell-rate estimator
    could reach with unlimited audits if a tag's error rates were stable over the weeks (a
    floor only while the model changes little: with a model that improves week by week, as
    the Korean one does, the rates are not stable and this reference is no floor)."""
    from frontdoor.insights.estimation import confidence_bin

    def key(sc: Any, t: str) -> tuple[str, int, bool]:
        return (t, confidence_bin(sc.candidates.get(t)), t in sc.accepted)

    totals: dict[tuple[str, int, bool], list[int]] = {}
    for rows in weeks:
        for sc, y in rows:
            if not _answered(sc):
                for t in tags:
                    e = totals.setdefault(key(sc, t), [0, 0])
                    e[0] += 1
                    e[1] += y == t
    out = []
    for rows in weeks:
        counts = np.zeros(len(tags))
        for sc, _ in rows:
            for k, t in enumerate(tags):
                if t in sc.confirmed:
                    counts[k] += 1
                elif not _answered(sc):
                    n, p = totals[key(sc, t)]
                    counts[k] += p / n
        out.append(counts)
    return out


def quapy_check(weeks: list[list[tuple[Any, str | None]]], tags: list[str], w: int) -> str:
    """Our ACC and EMQ against QuaPy's on week ``w``, or why it was skipped."""
    try:
        import quapy.functional as qf
        from quapy.method.aggregative import EMQ
    except ImportError:
        return "QuaPy not installed: check skipped"
    unknown = [sc for sc, _ in weeks[w] if not _answered(sc)]
    post = _posteriors(unknown, tags)
    train = np.full(len(tags) + 1, 1.0 / (len(tags) + 1))
    ours = emq(train, post).mean(axis=0)
    theirs, _ = EMQ.EM(train, post)
    # tpr > fpr only: when the classifier is no better than chance ours returns the raw rate
    rates = [(0.31, 0.8, 0.05), (0.02, 0.6, 0.01), (0.9, 0.7, 0.2)]
    acc_diff = max(abs(acc(r, tp, fp) - float(qf.solve_adjustment_binary(r, tp, fp))) for r, tp, fp in rates)
    emq_diff = float(np.abs(ours - theirs).max())
    return f"QuaPy check: EMQ max |prevalence diff| {emq_diff:.2e}, ACC max diff {acc_diff:.2e}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "test"), default="test")
    ap.add_argument("--lang", choices=("en", "ko"), default="en")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--suffix", default="-backfill", help="cache name suffix of run.py's options")
    args = ap.parse_args()
    maes: dict[str, list[float]] = {}
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        base = ROOT / "bench" / "out" / "counting" / f"{args.lang}-{args.split}-{seed}-0{args.suffix}"
        with base.with_suffix(".pkl").open("rb") as fh:
            _, _, truths = pickle.load(fh)  # noqa: S301 (our own cache)
        with base.with_suffix(".rows.pkl").open("rb") as fh:
            weeks = pickle.load(fh)  # noqa: S301
        tags = list(truths[0])
        errs: dict[str, list[float]] = {}
        floor = oracle_floor(weeks, tags)
        for w in range(len(weeks)):
            truth = np.array([truths[w][t] for t in tags], dtype=float)
            for name, counts in week_counts(weeks, tags, w).items():
                errs.setdefault(name, []).extend(np.abs(counts - truth))
            errs.setdefault("reference: per-tag cell rates over all weeks, read from the truth", []).extend(
                np.abs(floor[w] - truth)
            )
        for name, e in errs.items():
            maes.setdefault(name, []).append(float(np.mean(e)))
        if seed == args.first_seed:
            print(quapy_check(weeks, tags, len(weeks) // 2))
    for name, values in maes.items():
        print(f"{args.lang} {args.split} {name}: MAE {np.mean(values):.2f} ± {np.std(values, ddof=1):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
