"""Benchmark the learned tagger on public intent data sets (not a test: it prints figures).

Reads the data sets under ``shared/data`` (see its README), converts each to the
``text,label`` CSV files that ``frontdoor eval`` takes (under ``bench/out/tagging/data``),
runs :func:`frontdoor.tagging.model.evaluation.evaluate_files` on each, prints a table and writes
``bench/out/tagging.json``. Hyperparameters are the library defaults; nothing is tuned on
the test splits.

Usage::

    .venv/bin/python bench/tagging/run.py                 # everything
    .venv/bin/python bench/tagging/run.py --lexical-only  # no embeddings extra needed
    .venv/bin/python bench/tagging/run.py --only banking77_full
    .venv/bin/python bench/tagging/run.py --embeddings-only --finetune --only banking77_5shot
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from frontdoor.tagging.model.embeddings import resolve_embedder  # noqa: E402
from frontdoor.tagging.model.evaluation import EvalReport, evaluate_files  # noqa: E402

Rows = list[tuple[str, str]]


def _default_data_dir() -> Path:
    for cand in (ROOT / "shared" / "data", ROOT.parent / "shared" / "data"):
        if cand.is_dir():
            return cand
    return ROOT.parent / "shared" / "data"


def _read_csv(path: Path, text: str, label: str) -> Rows:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r[text], r[label]) for r in csv.DictReader(fh)]


def _read_tsv(path: Path) -> Rows:
    rows: Rows = []
    with path.open(encoding="utf-8") as fh:
        next(fh)  # header: topic<TAB>sentence
        for line in fh:
            label, text = line.rstrip("\n").split("\t", 1)
            rows.append((text, f"topic{label}"))
    return rows


def _read_seq(folder: Path) -> Rows:
    texts = (folder / "seq.in").read_text(encoding="utf-8").splitlines()
    labels = (folder / "label").read_text(encoding="utf-8").splitlines()
    return list(zip(texts, labels, strict=True))


def _read_clinc(path: Path, *splits: str) -> Rows:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(t, lab) for s in splits for t, lab in data[s]]


@dataclass(frozen=True)
class Task:
    name: str
    train: Callable[[Path], Rows]
    test: Callable[[Path], Rows]
    oos_label: str | None = None
    metric: str = "accuracy"  # the headline figure compared with the target


TASKS = [
    Task(
        "banking77_full",
        lambda d: _read_csv(d / "banking77/train.csv", "text", "category"),
        lambda d: _read_csv(d / "banking77/test.csv", "text", "category"),
    ),
    Task(
        "banking77_10shot",
        lambda d: _read_seq(d / "fewshot/BANKING77/train_10"),
        lambda d: _read_seq(d / "fewshot/BANKING77/test"),
    ),
    Task(
        "banking77_5shot",
        lambda d: _read_seq(d / "fewshot/BANKING77/train_5"),
        lambda d: _read_seq(d / "fewshot/BANKING77/test"),
    ),
    Task(
        "clinc150_full",
        # oos_train rows are abstention targets (negatives), never a class.
        lambda d: _read_clinc(d / "clinc150/data_full.json", "train", "oos_train"),
        lambda d: _read_clinc(d / "clinc150/data_full.json", "test", "oos_test"),
        oos_label="oos",
        metric="in_scope_accuracy",
    ),
    Task(
        "stylekqc_topic",
        lambda d: _read_tsv(d / "korean_stylekqc/topic/train.tsv"),
        lambda d: _read_tsv(d / "korean_stylekqc/topic/test.tsv"),
    ),
]

# (task, with embeddings) -> target for the headline metric (and out-of-scope recall).
TARGETS: dict[tuple[str, bool], tuple[float, float | None]] = {
    ("banking77_full", False): (0.920, None),
    ("clinc150_full", False): (0.930, 0.40),
    ("stylekqc_topic", False): (0.960, None),
    ("banking77_full", True): (0.945, None),
    ("banking77_10shot", True): (0.870, None),
    ("banking77_5shot", True): (0.820, None),
    ("clinc150_full", True): (0.950, 0.50),
}


def _write(rows: Iterable[tuple[str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        w.writerows(rows)


def _met(report: EvalReport, task: Task, with_emb: bool) -> str:
    target = TARGETS.get((task.name, with_emb))
    if target is None:
        return ""
    value = getattr(report, task.metric) or 0.0
    ok = value >= target[0]
    if target[1] is not None:
        ok = ok and (report.oos_recall or 0.0) >= target[1]
    return "yes" if ok else "NO"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=_default_data_dir(), help="shared/data folder")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--only", action="append", default=[], help="task name (repeatable)")
    ap.add_argument(
        "--finetune",
        action="store_true",
        help="fine-tune the encoder on each training set (LearnedTagger(finetune=True))",
    )
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--lexical-only", action="store_true")
    mode.add_argument("--embeddings-only", action="store_true")
    args = ap.parse_args(argv)

    runs: list[tuple[Task, bool]] = []
    for task in TASKS:
        if args.only and task.name not in args.only:
            continue
        if not args.embeddings_only:
            runs.append((task, False))
        # Embeddings (English MiniLM) are run on the English sets only.
        if not args.lexical_only and task.name != "stylekqc_topic":
            runs.append((task, True))
    if any(e for _, e in runs) and resolve_embedder("auto") is None:
        print("embeddings extra not installed: running the lexical model only", file=sys.stderr)
        runs = [(t, e) for t, e in runs if not e]

    data_dir = args.out / "tagging" / "data"
    results = []
    header = (
        f"{'task':<18} {'emb':<4} {'acc':>6} {'in-sc':>6} {'oos-r':>6} {'mF1':>6} "
        f"{'cover':>6} {'train s':>8} {'pred/s':>8}  target"
    )
    print(header)
    print("-" * len(header))
    for task, with_emb in runs:
        train_csv = data_dir / f"{task.name}.train.csv"
        test_csv = data_dir / f"{task.name}.test.csv"
        if not train_csv.exists():
            _write(task.train(args.data), train_csv)
            _write(task.test(args.data), test_csv)
        report = evaluate_files(
            train_csv,
            test_csv,
            oos_label=task.oos_label,
            embeddings=("auto" if with_emb else "none"),
            tagger_params={"finetune": True} if args.finetune and with_emb else None,
        )

        def pct(x: float | None) -> str:
            return "-" if x is None else f"{100 * x:.2f}"

        print(
            f"{task.name:<18} {'yes' if with_emb else 'no':<4} {pct(report.accuracy):>6} "
            f"{pct(report.in_scope_accuracy):>6} {pct(report.oos_recall):>6} "
            f"{pct(report.macro_f1):>6} {pct(report.coverage):>6} "
            f"{report.train_seconds:>8.1f} {report.predictions_per_second:>8.0f}  "
            f"{_met(report, task, with_emb)}",
            flush=True,
        )
        results.append(
            {
                "task": task.name,
                "embeddings": with_emb,
                "finetune": bool(args.finetune and with_emb),
                "target_met": _met(report, task, with_emb),
                **report.to_dict(),
            }
        )
    out = args.out / "tagging.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPU, {platform.python_version()}",
                "command": "python bench/tagging/run.py " + " ".join(argv or sys.argv[1:]),
                "results": results,
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
