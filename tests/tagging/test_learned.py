"""The learned tagger: estimator conventions, decisions, abstention, persistence."""

from __future__ import annotations

import random
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from frontdoor.core.errors import ConfigError, MissingExtra
from frontdoor.tagging.model import embeddings as emb_mod
from frontdoor.tagging.model.features import TextFeaturizer, word_ngrams
from frontdoor.tagging.model.learned import (
    DimensionClassifier,
    IncompatibleModelError,
    LearnedTagger,
)

# Small constructed intents: each has its own content words; sentences are random
# combinations, so the held-out sentences are new strings, not copies of training rows.
INTENTS = {
    "billing": (["invoice", "charge", "refund", "payment", "billing"], ["환불", "결제", "청구서"]),
    "shipping": (["delivery", "parcel", "shipping", "courier", "package"], ["배송", "택배", "송장"]),
    "login": (["password", "login", "sign in", "account locked", "2fa code"], ["로그인", "비밀번호", "인증"]),
}
FRAMES_EN = ["my {} is wrong", "question about the {}", "help with {} please", "the {} does not work"]
FRAMES_KO = ["{} 문제가 있어요", "{} 언제 되나요", "{} 확인 부탁드립니다", "{} 관련 문의드려요"]


def make_rows(n_per_intent: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    for intent, (en, ko) in INTENTS.items():
        for i in range(n_per_intent):
            # Frames are dealt round-robin so that they carry no signal about the intent.
            if i % 2:
                texts.append(FRAMES_KO[(i // 2) % 4].format(rng.choice(ko)))
            else:
                texts.append(FRAMES_EN[(i // 2) % 4].format(rng.choice(en)))
            labels.append(intent)
    return texts, labels


def single(labels: list[str], dim: str = "intent") -> list[dict[str, set[str]]]:
    return [{dim: {lab}} for lab in labels]


@pytest.fixture(scope="module")
def fitted() -> LearnedTagger:
    texts, labels = make_rows(20, seed=1)
    return LearnedTagger(cv=3).fit(texts, single(labels))


def test_init_stores_parameters_unchanged() -> None:
    params = {"multi_label": {"a": True}, "C": 0.5, "target_precision": 0.8, "cv": 4}
    tagger = LearnedTagger(**params)
    for key, value in params.items():
        assert tagger.get_params()[key] is value
    assert clone(tagger).get_params()["C"] == 0.5
    assert not any(k.endswith("_") for k in vars(tagger))


def test_predict_before_fit_raises() -> None:
    with pytest.raises(NotFittedError):
        LearnedTagger().predict(["hello"])
    with pytest.raises(NotFittedError):
        DimensionClassifier().decision_function(np.zeros((1, 3)))


def test_fit_returns_self_and_sets_fitted_state(fitted: LearnedTagger) -> None:
    assert fitted.dimensions == ["intent"]
    clf = fitted.classifiers_["intent"]
    assert list(clf.classes_) == ["billing", "login", "shipping"]
    assert clf.coef_.shape == (3, fitted.featurizer_.n_features_out_)
    assert np.all((clf.thresholds_ >= 0) & (clf.thresholds_ <= 1))
    assert 0.0 <= clf.cv_accuracy_ <= 1.0
    assert fitted.n_train_ == 60
    assert fitted.model_version_


def test_tags_new_sentences_in_both_languages(fitted: LearnedTagger) -> None:
    texts, labels = make_rows(10, seed=99)
    decisions = fitted.decide(texts)
    top = [d["intent"].candidates[0].tag for d in decisions]
    assert np.mean([p == t for p, t in zip(top, labels, strict=True)]) >= 0.9
    for row in decisions:
        dec = row["intent"]
        assert len(dec.candidates) == 3
        confs = [c.confidence for c in dec.candidates]
        assert confs == sorted(confs, reverse=True)
        assert all(0.0 <= c <= 1.0 for c in confs)
        assert len(dec.tags) <= 1  # single-label: one decision at most


def test_abstains_on_out_of_scope_text_when_trained_with_negatives() -> None:
    texts, labels = make_rows(20, seed=2)
    rows = single(labels)
    chit_chat = [
        "what a lovely day",
        "tell me a joke",
        "who won the game",
        "오늘 날씨 좋네요",
        "점심 뭐 먹지",
        "good morning friend",
        "노래 추천해줘",
        "how tall is everest",
    ] * 2
    texts += chit_chat
    rows += [{"intent": set()} for _ in chit_chat]
    tagger = LearnedTagger().fit(texts, rows)
    probe = tagger.decide(["tell me a lovely joke about the game", "노래 뭐 먹지"])
    assert all(d["intent"].abstained for d in probe)
    clear = tagger.decide(["refund my payment please"])[0]["intent"]
    assert not clear.abstained
    assert clear.tags[0].tag == "billing"


def test_multi_label_dimension_accepts_several_tags() -> None:
    texts, labels = make_rows(20, seed=3)
    rows: list[dict[str, set[str]]] = [{"area": {lab}} for lab in labels]
    # Combined rows teach that two areas can occur together.
    rng = random.Random(4)
    for _ in range(20):
        a, b = rng.sample(list(INTENTS), 2)
        texts.append(f"{rng.choice(INTENTS[a][0])} and also {rng.choice(INTENTS[b][0])}")
        rows.append({"area": {a, b}})
    tagger = LearnedTagger().fit(texts, rows)
    assert tagger.classifiers_["area"].multi_label
    both = tagger.predict(["refund of the charge and the parcel delivery is late"])[0]["area"]
    assert both == {"billing", "shipping"}


def test_dimensions_are_independent_and_missing_keys_are_not_negatives() -> None:
    texts, labels = make_rows(15, seed=5)
    rows: list[dict[str, set[str]]] = []
    for i, lab in enumerate(labels):
        row: dict[str, set[str]] = {"intent": {lab}}
        if i % 3 == 0:  # only some rows carry a sentiment tag
            row["sentiment"] = {"negative" if "not" in texts[i] or "문제" in texts[i] else "neutral"}
        rows.append(row)
    tagger = LearnedTagger().fit(texts, rows)
    assert set(tagger.dimensions) == {"intent", "sentiment"}
    assert sum(1 for r in rows if "sentiment" in r) == 15
    out = tagger.decide(["the invoice does not work"], dimensions=["intent", "sentiment", "x"])
    assert set(out[0]) == {"intent", "sentiment", "x"}
    assert out[0]["x"].abstained


def test_untrainable_dimension_is_skipped_with_reason() -> None:
    texts, labels = make_rows(10, seed=6)
    rows = [{"intent": {lab}, "channel": {"chat"}} for lab in labels]
    tagger = LearnedTagger().fit(texts, rows)
    assert "channel" in tagger.skipped_dimensions_
    assert tagger.dimensions == ["intent"]


def test_single_label_dimension_rejects_rows_with_two_tags() -> None:
    X = np.eye(4)
    with pytest.raises(ValueError, match="single-label"):
        DimensionClassifier(multi_label=False).fit(X, [{"a"}, {"b"}, {"a", "b"}, {"b"}])


def test_thresholds_follow_target_precision() -> None:
    texts, labels = make_rows(20, seed=7)
    rows = single(labels)
    lax = LearnedTagger(target_precision=0.5).fit(texts, rows).classifiers_["intent"]
    strict = LearnedTagger(target_precision=0.999).fit(texts, rows).classifiers_["intent"]
    assert np.all(strict.thresholds_ >= lax.thresholds_)


def test_save_and_load_round_trip(fitted: LearnedTagger, tmp_path: Path) -> None:
    path = fitted.save(tmp_path / "m" / "tagger.joblib")
    loaded = LearnedTagger.load(path)
    texts, _ = make_rows(3, seed=8)
    assert loaded.predict(texts) == fitted.predict(texts)
    assert loaded.model_version_ == fitted.model_version_
    header = joblib.load(path)
    assert header["format_version"] == 1
    assert header["model_version"] == fitted.model_version_
    assert {"frontdoor_version", "sklearn_version", "saved_at"} <= set(header)


def test_a_tagger_saved_before_the_finetune_parameters_still_loads(
    fitted: LearnedTagger, tmp_path: Path
) -> None:
    path = fitted.save(tmp_path / "tagger.joblib")
    payload = joblib.load(path)
    for name in ("finetune", "finetune_epochs", "finetune_lr", "finetune_batch_size", "finetune_seconds_"):
        del payload["model"].__dict__[name]  # as written by the version before them
    joblib.dump(payload, tmp_path / "older.joblib")
    loaded = LearnedTagger.load(tmp_path / "older.joblib")
    assert loaded.get_params()["finetune"] is False and loaded.finetune_seconds_ == 0.0
    assert "LearnedTagger(" in repr(loaded)
    texts, _ = make_rows(3, seed=8)
    assert loaded.predict(texts) == fitted.predict(texts)


def test_load_refuses_incompatible_files(fitted: LearnedTagger, tmp_path: Path) -> None:
    path = fitted.save(tmp_path / "tagger.joblib")
    payload = joblib.load(path)

    payload["format_version"] = 999
    joblib.dump(payload, tmp_path / "future.joblib")
    with pytest.raises(IncompatibleModelError, match="format 999"):
        LearnedTagger.load(tmp_path / "future.joblib")

    payload["format_version"] = 1
    payload["sklearn_version"] = "0.24.2"
    joblib.dump(payload, tmp_path / "old.joblib")
    with pytest.raises(IncompatibleModelError, match=r"scikit-learn 0\.24\.2"):
        LearnedTagger.load(tmp_path / "old.joblib")

    joblib.dump({"something": "else"}, tmp_path / "foreign.joblib")
    with pytest.raises(IncompatibleModelError, match="not a frontdoor"):
        LearnedTagger.load(tmp_path / "foreign.joblib")

    (tmp_path / "garbage.joblib").write_bytes(b"not a pickle")
    with pytest.raises(IncompatibleModelError):
        LearnedTagger.load(tmp_path / "garbage.joblib")


class HashEmbedder:
    """A deterministic stand-in for a sentence model (no torch needed)."""

    spec = "test:hash"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for i, t in enumerate(texts):
            for tok in word_ngrams(t, 1):
                out[i, hash(tok) % 16] += 1.0
        return out


def test_embeddings_are_fused_into_the_same_feature_matrix() -> None:
    texts, labels = make_rows(10, seed=9)
    lexical = TextFeaturizer().fit(texts)
    fused = TextFeaturizer(embedder=HashEmbedder(), embedding_weight=2.0).fit(texts)
    assert fused.embedding_dim_ == 16
    assert fused.n_features_out_ == lexical.n_features_out_ + 16
    block = fused.transform(texts[:2]).toarray()[:, -16:]
    np.testing.assert_allclose(np.linalg.norm(block, axis=1), 2.0, rtol=1e-5)
    tagger = LearnedTagger(embeddings=HashEmbedder()).fit(texts, single(labels))
    assert tagger.featurizer_.embedding_dim_ == 16


def test_resolve_embedder_none_and_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    assert emb_mod.resolve_embedder(None) is None
    assert emb_mod.resolve_embedder("none") is None
    monkeypatch.setattr(emb_mod, "_sentence_transformers_installed", lambda: False)
    assert emb_mod.resolve_embedder("auto") is None  # auto quietly means none
    with pytest.raises(MissingExtra, match=r"frontdoor\[embeddings\]"):
        emb_mod.resolve_embedder("package")
    with pytest.raises(MissingExtra):
        emb_mod.resolve_embedder("/some/model/dir")
    with pytest.raises(MissingExtra):
        LearnedTagger(embeddings="package").fit(["a b", "c d"], [{"x": {"a"}}, {"x": {"c"}}])


def test_resolve_embedder_rejects_a_directory_that_is_no_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(emb_mod, "_sentence_transformers_installed", lambda: True)
    with pytest.raises(ConfigError, match="not a local sentence-transformers directory"):
        emb_mod.resolve_embedder(str(tmp_path))
    (tmp_path / "modules.json").write_text("[]")
    embedder = emb_mod.resolve_embedder(str(tmp_path))
    assert embedder is not None
    assert embedder.spec == str(tmp_path.resolve())


def test_env_model_is_used_by_auto(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "modules.json").write_text("[]")
    monkeypatch.setattr(emb_mod, "_sentence_transformers_installed", lambda: True)
    monkeypatch.setenv(emb_mod.ENV_MODEL, str(tmp_path))
    embedder = emb_mod.resolve_embedder("auto")
    assert embedder is not None
    assert embedder.spec == str(tmp_path.resolve())


def test_tag_texts_are_extra_examples_not_counted_as_training_rows() -> None:
    texts = [f"{w} question number {i}" for i in range(6) for w in ("invoice", "parcel")]
    rows = [{"intent": {"billing" if t.startswith("invoice") else "shipping"}} for t in texts]
    tagger = LearnedTagger().fit(
        texts,
        rows,
        tag_texts={"intent": {"billing": ["refund money"], "shipping": ["courier truck"]}},
    )
    assert tagger.n_train_ == 12
    out = tagger.decide(["refund", "courier"])
    assert [d["intent"].candidates[0].tag for d in out] == ["billing", "shipping"]
