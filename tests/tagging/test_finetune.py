"""Fine-tuning the sentence encoder inside the learned tagger (needs the embeddings extra)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from frontdoor.tagging.model import embeddings as emb_mod
from frontdoor.tagging.model.finetune import FinetuneTask
from frontdoor.tagging.model.learned import LearnedTagger

needs_model = pytest.mark.skipif(
    not emb_mod.embeddings_available(), reason="embeddings extra (torch + packaged MiniLM) not installed"
)

CARD = [
    "my card has not arrived",
    "when will my new card come",
    "card still not delivered",
    "where is my card",
]
PIN = ["how do I change my pin", "I forgot my pin", "reset the pin of my card", "pin blocked after tries"]
OOS = ["what is the weather tomorrow", "tell me a joke"]
TEXTS = CARD * 2 + PIN * 2 + OOS
LABELS: list[dict[str, set[str]]] = (
    [{"intent": {"card_arrival"}}] * 8 + [{"intent": {"change_pin"}}] * 8 + [{"intent": set()}] * 2
)
NEW = ["has my card been sent yet", "I want a different pin", "who won the game last night"]
FT = {"finetune": True, "finetune_epochs": 2, "finetune_batch_size": 6, "cv": 2}


@pytest.fixture(scope="module")
def tuned() -> LearnedTagger:
    if not emb_mod.embeddings_available():
        pytest.skip("embeddings extra not installed")
    return LearnedTagger(embeddings="package", **FT).fit(TEXTS, LABELS)


def test_finetune_parameters_are_stored_unchanged_and_off_by_default() -> None:
    assert LearnedTagger().finetune is False
    tagger = LearnedTagger(finetune=True, finetune_epochs=7, finetune_lr=1e-4, finetune_batch_size=8)
    params = tagger.get_params()
    assert (params["finetune"], params["finetune_epochs"], params["finetune_lr"]) == (True, 7, 1e-4)
    assert params["finetune_batch_size"] == 8


def test_finetune_without_embeddings_is_ignored() -> None:
    tagger = LearnedTagger(finetune=True, cv=2).fit(TEXTS, LABELS)
    assert tagger.finetune_seconds_ == 0.0
    assert tagger.featurizer_.embedder is None


def test_finetune_needs_a_sentence_transformers_embedder() -> None:
    class Fixed:
        spec = "fixed"

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 4), dtype=np.float32)

    with pytest.raises(ValueError, match="sentence-transformers"):
        LearnedTagger(embeddings=Fixed(), finetune=True, cv=2).fit(TEXTS, LABELS)


def test_lexical_tagger_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from frontdoor.tagging.model.learned import LearnedTagger\n"
        "LearnedTagger(cv=2, finetune=True).fit(['a b', 'c d', 'a x', 'c y'], "
        "[{'d': {'a'}}, {'d': {'c'}}, {'d': {'a'}}, {'d': {'c'}}])\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@needs_model
def test_finetuned_tagger_changes_embeddings(tuned: LearnedTagger) -> None:
    embedder = tuned.featurizer_.embedder
    assert isinstance(embedder, emb_mod.FinetunedEmbedder)
    assert tuned.finetune_seconds_ > 0
    base = emb_mod.SentenceTransformerEmbedder(emb_mod.PACKAGED_MODEL).encode(NEW)
    after = embedder.encode(NEW)
    assert after.shape == base.shape
    assert not np.allclose(after, base, atol=1e-3)


@needs_model
def test_finetuning_is_deterministic_given_random_state() -> None:
    task = FinetuneTask(
        rows=np.arange(16), Y=np.repeat(np.eye(2, dtype=np.float32), 8, axis=0), multi_label=False
    )
    texts = TEXTS[:16]
    a = emb_mod.FinetunedEmbedder(emb_mod.PACKAGED_MODEL).fit(
        texts, [task], epochs=1, batch_size=8, random_state=3
    )
    b = emb_mod.FinetunedEmbedder(emb_mod.PACKAGED_MODEL).fit(
        texts, [task], epochs=1, batch_size=8, random_state=3
    )
    assert a.weights_ is not None and b.weights_ is not None
    assert a.weights_.keys() == b.weights_.keys()
    assert all(np.array_equal(a.weights_[k], b.weights_[k]) for k in a.weights_)


@needs_model
def test_finetuned_tagger_round_trips_save_and_load(tuned: LearnedTagger, tmp_path: Path) -> None:
    path = tuned.save(tmp_path / "tagger.joblib")
    loaded = LearnedTagger.load(path)
    embedder = loaded.featurizer_.embedder
    assert isinstance(embedder, emb_mod.FinetunedEmbedder)
    assert embedder._model is None  # the network itself is not pickled, only its weights
    np.testing.assert_array_equal(loaded.transform(NEW).toarray(), tuned.transform(NEW).toarray())
    assert loaded.predict(NEW) == tuned.predict(NEW)
    before = [[(s.tag, s.confidence) for s in d["intent"].candidates] for d in tuned.decide(NEW)]
    after = [[(s.tag, s.confidence) for s in d["intent"].candidates] for d in loaded.decide(NEW)]
    assert before == after


@needs_model
def test_finetuned_tagger_tags_new_sentences(tuned: LearnedTagger) -> None:
    top = [d["intent"].candidates[0].tag for d in tuned.decide(NEW[:2])]
    assert top == ["card_arrival", "change_pin"]


@needs_model
def test_eval_command_finetune_flag_fine_tunes_the_encoder(tmp_path: Path) -> None:
    import csv
    import json

    from click.testing import CliRunner

    from frontdoor.commands.eval_cmd import eval_command

    def write(path: Path, rows: list[tuple[str, str]]) -> Path:
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([("text", "label"), *rows])
        return path

    labels = ["card_arrival"] * 8 + ["change_pin"] * 8 + ["oos"] * 2
    train = write(tmp_path / "train.csv", list(zip(TEXTS, labels, strict=True)))
    test = write(tmp_path / "test.csv", list(zip(NEW, ["card_arrival", "change_pin", "oos"], strict=True)))
    args = ["--train", str(train), "--test", str(test), "--oos-label", "oos", "--embeddings", "package"]
    result = CliRunner().invoke(eval_command, [*args, "--finetune", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["embeddings"] == f"{emb_mod.PACKAGED_MODEL} (fine-tuned)"
