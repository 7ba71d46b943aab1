"""Supervised fine-tuning of the sentence encoder on a workspace's own tagged texts.

The learned tagger's embedding features come from a general-purpose sentence encoder
(all-MiniLM-L6-v2). Published intent-classification results come from encoders fine-tuned
on the task, so :func:`finetune_encoder` adapts the encoder to the training texts before the
tagger's heads use its embeddings: mean-pooled token embeddings feed one linear head per
dimension (softmax cross-entropy over the tags plus an internal "none" class for a
single-label dimension, whose abstention rows are that class; binary cross-entropy for a
multi-label dimension, where abstention rows are negatives for every tag), trained a few
epochs with AdamW and a linear warm-up/decay schedule. The heads are thrown away; only the
encoder is kept.

Everything runs on CPU, offline, deterministically for a given ``random_state``. ``torch``
is imported inside the function, so the lexical tagger never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FinetuneTask", "finetune_encoder"]


@dataclass(frozen=True)
class FinetuneTask:
    """Labels of one dimension for fine-tuning.

    Parameters
    ----------
    rows : ndarray of int, shape (n_rows,)
        Indices of the texts this dimension labels.
    Y : ndarray of shape (n_rows, n_tags)
        0/1 tag indicators of those rows; an all-zero row is an abstention target.
    multi_label : bool
        Several tags per row (binary cross-entropy) or one (softmax with a "none" class).
    """

    rows: np.ndarray
    Y: np.ndarray
    multi_label: bool


def finetune_encoder(
    model: Any,
    texts: Sequence[str],
    tasks: Sequence[FinetuneTask],
    *,
    epochs: int = 8,
    lr: float = 1e-4,
    head_lr: float = 1e-2,
    batch_size: int = 32,
    weight_decay: float = 0.01,
    warmup: float = 0.1,
    random_state: int = 0,
    max_seconds: float | None = None,
) -> dict[str, float]:
    """Fine-tune a sentence-transformers encoder in place on labeled texts.

    Parameters
    ----------
    model : sentence_transformers.SentenceTransformer
        The encoder; its first module must be the transformer and the second the pooling.
        It is modified in place and left in evaluation mode.
    texts : sequence of str
        Training texts.
    tasks : sequence of FinetuneTask
        One labeling per dimension (each with its own linear head).
    epochs : int, default=8
        Passes over the texts.
    lr : float, default=1e-4
        Peak learning rate of the encoder.
    head_lr : float, default=1e-2
        Learning rate of the (freshly initialized) linear heads.
    batch_size : int, default=32
        Texts per step.
    weight_decay : float, default=0.01
        AdamW weight decay (not applied to biases and layer norms).
    warmup : float, default=0.1
        Share of the steps with a linearly rising learning rate; it then decays linearly
        to zero.
    random_state : int, default=0
        Seed of torch (head initialization, dropout) and of the batch order.
    max_seconds : float or None, default=None
        Stop early once training has taken this long (a safety net for large workspaces).

    Returns
    -------
    dict of str to float
        ``steps``, ``seconds`` and the mean ``loss`` of the last epoch.
    """
    import time

    import torch
    from torch import nn

    start = time.perf_counter()
    texts = list(texts)
    n = len(texts)
    if n == 0 or not tasks:
        return {"steps": 0.0, "seconds": 0.0, "loss": 0.0}
    torch.manual_seed(random_state)
    rng = np.random.default_rng(random_state)
    transformer, pooling = model[0], model[1]
    get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = int(get_dim())

    # Per text and task: the target row (index into the task's labels) or -1.
    heads = nn.ModuleList()
    where: list[np.ndarray] = []
    for task in tasks:
        n_out = task.Y.shape[1] + (0 if task.multi_label else 1)
        heads.append(nn.Linear(dim, n_out))
        pos = np.full(n, -1, dtype=np.int64)
        pos[np.asarray(task.rows, dtype=np.int64)] = np.arange(len(task.rows))
        where.append(pos)
    targets: list[torch.Tensor] = []
    for task in tasks:
        Y = np.asarray(task.Y, dtype=np.float32)
        if task.multi_label:
            targets.append(torch.from_numpy(Y))
        else:
            # Class index of each row; an abstention row is the extra last class ("none").
            idx = np.where(Y.any(axis=1), Y.argmax(axis=1), Y.shape[1])
            targets.append(torch.from_numpy(idx.astype(np.int64)))

    # The word-embedding table (half of MiniLM's weights) stays frozen: it is most of the
    # optimizer's work, and a few thousand texts cannot move 30,000 word vectors usefully.
    decay: list[Any] = []
    no_decay: list[Any] = []
    frozen: list[Any] = []
    for name, p in transformer.named_parameters():
        if not p.requires_grad:
            continue
        if "word_embeddings" in name:
            frozen.append(p)
        else:
            (no_decay if ("bias" in name or "LayerNorm" in name) else decay).append(p)
    for p in frozen:
        p.requires_grad_(False)
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "lr": lr, "weight_decay": weight_decay},
            {"params": no_decay, "lr": lr, "weight_decay": 0.0},
            {"params": list(heads.parameters()), "lr": head_lr, "weight_decay": 0.0},
        ]
    )
    steps_per_epoch = (n + batch_size - 1) // batch_size
    total = max(1, steps_per_epoch * epochs)
    n_warm = int(warmup * total)

    def schedule(step: int) -> float:
        if step < n_warm:
            return (step + 1) / (n_warm + 1)
        return max(0.0, (total - step) / max(1, total - n_warm))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    tokenize = getattr(model, "preprocess", None) or model.tokenize
    lengths = np.array([len(t) for t in texts])
    ce, bce = nn.CrossEntropyLoss(), nn.BCEWithLogitsLoss()
    model.train()
    step, last_loss = 0, 0.0
    try:
        for _ in range(epochs):
            losses = []
            for batch in _length_grouped_batches(lengths, batch_size, rng):
                features = tokenize([texts[i] for i in batch])
                out = pooling(transformer(features))
                emb = out["sentence_embedding"]
                loss = emb.new_zeros(())
                for task, head, pos, target in zip(tasks, heads, where, targets, strict=True):
                    sel = pos[batch]
                    keep = np.flatnonzero(sel >= 0)
                    if keep.size == 0:
                        continue
                    logits = head(emb[torch.from_numpy(keep)])
                    tgt = target[torch.from_numpy(sel[keep])]
                    loss = loss + (bce(logits, tgt) if task.multi_label else ce(logits, tgt))
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(transformer.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                step += 1
                losses.append(float(loss.detach()))
                if max_seconds is not None and time.perf_counter() - start > max_seconds:
                    raise TimeoutError
            last_loss = float(np.mean(losses)) if losses else 0.0
    except TimeoutError:
        last_loss = float(np.mean(losses)) if losses else 0.0
    finally:
        for p in frozen:
            p.requires_grad_(True)
        model.eval()
    return {"steps": float(step), "seconds": time.perf_counter() - start, "loss": last_loss}


def _length_grouped_batches(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Shuffled batches of texts of similar length (less padding, same randomness).

    The texts are shuffled, cut into pools of 16 batches, each pool is sorted by length and
    cut into batches, and the batches are shuffled.
    """
    order = rng.permutation(len(lengths))
    pool = batch_size * 16
    batches: list[np.ndarray] = []
    for p in range(0, len(order), pool):
        chunk = order[p : p + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]
