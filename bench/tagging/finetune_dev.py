"""Choose the encoder fine-tuning settings on validation data (never on a test split).

Each run trains the full learned tagger (the same :func:`frontdoor.tagging.model.evaluation.evaluate`
as ``frontdoor eval``) on a training split, with the MiniLM encoder either frozen or first
fine-tuned on that split (:func:`frontdoor.tagging.model.finetune.finetune_encoder`), and scores it
on a validation split:

* ``b77_holdout``: BANKING77 train, stratified 80% / 20% (seed 0);
* ``b77_10shot`` / ``b77_5shot``: ``fewshot/BANKING77/train_10`` or ``train_5`` -> ``valid``;
* ``clinc``: CLINC150 ``train`` + ``oos_train`` -> ``val`` + ``oos_val``.

Usage::

    .venv/bin/python bench/tagging/finetune_dev.py --task b77_5shot --epochs 0 5 10 --lr 5e-5

``--epochs 0`` is the frozen encoder. Results are printed and appended as JSON lines to
``bench/out/tagging/finetune_dev.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Rows, _default_data_dir, _read_clinc, _read_csv, _read_seq  # noqa: E402

from frontdoor.tagging.model.embeddings import PACKAGED_MODEL, SentenceTransformerEmbedder  # noqa: E402
from frontdoor.tagging.model.evaluation import _humanize, evaluate  # noqa: E402
from frontdoor.tagging.model.finetune import FinetuneTask, finetune_encoder  # noqa: E402


def _stratified_split(rows: Rows, share: float, seed: int) -> tuple[Rows, Rows]:
    rng = np.random.default_rng(seed)
    by: dict[str, list[int]] = {}
    for i, (_, lab) in enumerate(rows):
        by.setdefault(lab, []).append(i)
    hold: set[int] = set()
    for idx in by.values():
        k = round(share * len(idx))
        hold.update(int(i) for i in rng.permutation(idx)[:k])
    fit = [r for i, r in enumerate(rows) if i not in hold]
    dev = [r for i, r in enumerate(rows) if i in hold]
    return fit, dev


def load_task(name: str, data: Path) -> tuple[Rows, Rows, str | None]:
    """Return (train rows, validation rows, out-of-scope label) of a development task."""
    if name == "b77_holdout":
        fit, dev = _stratified_split(_read_csv(data / "banking77/train.csv", "text", "category"), 0.2, 0)
        return fit, dev, None
    if name in ("b77_10shot", "b77_5shot"):
        k = name.split("_")[1].removesuffix("shot")
        fs = data / "fewshot/BANKING77"
        return _read_seq(fs / f"train_{k}"), _read_seq(fs / "valid"), None
    if name == "clinc":
        path = data / "clinc150/data_full.json"
        return _read_clinc(path, "train", "oos_train"), _read_clinc(path, "val", "oos_val"), "oos"
    raise SystemExit(f"unknown task {name}")


def finetuned_embedder(
    rows: Rows, oos: str | None, *, epochs: int, lr: float, batch_size: int, seed: int
) -> tuple[SentenceTransformerEmbedder, dict[str, float]]:
    """Fine-tune the packaged MiniLM on ``rows`` (plus each tag's name, as the tagger sees)."""
    emb = SentenceTransformerEmbedder(PACKAGED_MODEL)
    model = emb._load()
    tags = sorted({lab for _, lab in rows if lab != oos})
    index = {t: i for i, t in enumerate(tags)}
    texts = [t for t, _ in rows] + [_humanize(t) for t in tags]
    labels = [lab for _, lab in rows] + tags
    Y = np.zeros((len(texts), len(tags)), dtype=np.float32)
    for i, lab in enumerate(labels):
        if lab in index:
            Y[i, index[lab]] = 1
    task = FinetuneTask(rows=np.arange(len(texts)), Y=Y, multi_label=False)
    info = finetune_encoder(
        model, texts, [task], epochs=epochs, lr=lr, batch_size=batch_size, random_state=seed
    )
    return emb, info


def main(argv: list[str] | None = None) -> int:
    """Run the grid given on the command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", required=True, choices=["b77_holdout", "b77_10shot", "b77_5shot", "clinc"])
    ap.add_argument("--epochs", type=int, nargs="+", default=[0, 3])
    ap.add_argument("--lr", type=float, nargs="+", default=[5e-5])
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=_default_data_dir())
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "tagging" / "finetune_dev.jsonl")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(int(os.environ.get("FT_THREADS", "2")))
    train, dev, oos = load_task(args.task, args.data)
    grid = [(0, 0.0)] if 0 in args.epochs else []
    grid += [(e, lr) for e in args.epochs if e > 0 for lr in args.lr]
    for epochs, lr in grid:
        t0 = time.perf_counter()
        if epochs:
            embedder, info = finetuned_embedder(
                train, oos, epochs=epochs, lr=lr, batch_size=args.batch_size, seed=args.seed
            )
        else:
            embedder, info = SentenceTransformerEmbedder(PACKAGED_MODEL), {"seconds": 0.0}
        report = evaluate(
            [t for t, _ in train],
            [frozenset({lab}) for _, lab in train],
            [t for t, _ in dev],
            [frozenset({lab}) for _, lab in dev],
            oos_label=oos,
            embeddings=embedder,
        )
        rec = {
            "task": args.task,
            "epochs": epochs,
            "lr": lr,
            "batch_size": args.batch_size,
            "seed": args.seed,
            "accuracy": round(100 * report.accuracy, 2),
            "in_scope": None
            if report.in_scope_accuracy is None
            else round(100 * report.in_scope_accuracy, 2),
            "oos_recall": None if report.oos_recall is None else round(100 * report.oos_recall, 2),
            "coverage": round(100 * report.coverage, 2),
            "finetune_s": round(info["seconds"], 1),
            "tagger_fit_s": round(report.train_seconds, 1),
            "pred_per_s": round(report.predictions_per_second),
            "total_s": round(time.perf_counter() - t0, 1),
            "load": os.getloadavg()[0],
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        print(json.dumps(rec), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
