"""Evaluation: CSV reading and its errors, metrics, the report, ``frontdoor eval``."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontdoor.commands.eval_cmd import eval_command
from frontdoor.core.errors import ValidationError
from frontdoor.tagging.model.evaluation import (
    EvalReport,
    evaluate,
    evaluate_files,
    format_report,
    read_labeled_csv,
)

TOPICS = {
    "billing": ["invoice", "refund", "charge", "payment"],
    "shipping": ["parcel", "delivery", "courier", "tracking"],
    "login": ["password", "login", "username", "lockout"],
}
FRAMES = ["problem with my {}", "question about {}", "the {} is wrong", "help me with {} now"]
OFF_TOPIC = [
    "sing me a song",
    "what is the capital of peru",
    "tell me a joke",
    "who painted the mona lisa",
    "best pizza recipe",
    "how far is the moon",
]


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        w.writerows(rows)
    return path


def topic_rows(n: int, seed: int, oos: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = [
        (rng.choice(FRAMES).format(rng.choice(words)), topic)
        for topic, words in TOPICS.items()
        for _ in range(n)
    ]
    rows += [(rng.choice(OFF_TOPIC), "oos") for _ in range(oos)]
    return rows


def test_read_labeled_csv_splits_multi_labels_and_normalizes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        'label,text,extra\nbilling|shipping,"refund, and parcel",x\nlogin,e\u0301\n', encoding="utf-8"
    )
    texts, labels = read_labeled_csv(path)
    assert texts == ["refund, and parcel", "\u00e9"]  # NFC
    assert labels == [frozenset({"billing", "shipping"}), frozenset({"login"})]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "line 1: empty file"),
        ("words,category\nhi,x\n", "line 1: header must name"),
        ("text,label\nhello,billing\n   ,billing\n", "line 3: empty text"),
        ("text,label\nhello,billing\nbye, | \n", "line 3: empty label"),
        ("text,label,x\nhello\n", "line 2: expected 3 fields"),
        ("text,label\n", "no data rows"),
    ],
)
def test_bad_csv_gives_one_line_naming_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_labeled_csv(path)
    text = str(info.value)
    assert str(path) in text
    assert message in text
    assert "\n" not in text


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="file not found"):
        read_labeled_csv(tmp_path / "nope.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,label\ncaf\u00e9,x\n".encode("latin-1"))
    with pytest.raises(ValidationError, match="not UTF-8"):
        read_labeled_csv(path)


def test_evaluate_files_reports_accuracy_and_oos(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", topic_rows(20, seed=1, oos=12))
    test = write_csv(tmp_path / "test.csv", topic_rows(8, seed=2, oos=6))
    report = evaluate_files(train, test, oos_label="oos", embeddings="none")
    assert isinstance(report, EvalReport)
    assert report.n_train == 72
    assert report.n_test == 30
    assert report.n_tags == 3  # 'oos' is an abstention target, never a class
    assert report.embeddings == "none"
    assert report.in_scope_accuracy is not None
    assert report.oos_recall is not None
    assert report.in_scope_accuracy >= 0.9
    assert report.oos_recall >= 0.5
    assert 0.0 <= report.coverage <= 1.0
    assert report.train_seconds > 0
    assert report.predictions_per_second > 0
    assert [r.tag for r in report.worst_tags] and len(report.worst_tags) <= 5
    assert json.loads(json.dumps(report.to_dict()))["oos_label"] == "oos"
    text = format_report(report)
    assert "in-scope accuracy" in text
    assert "out-of-scope recall" in text
    assert "worst tags by F1" in text


def test_without_oos_label_accuracy_is_top1_and_no_oos_figures() -> None:
    train = topic_rows(15, seed=3)
    test = topic_rows(5, seed=4)
    report = evaluate(
        [t for t, _ in train],
        [frozenset({lab}) for _, lab in train],
        [t for t, _ in test],
        [frozenset({lab}) for _, lab in test],
        embeddings="none",
    )
    assert report.oos_recall is None
    assert report.in_scope_accuracy is None
    assert report.accuracy >= 0.9
    assert 0.0 <= report.macro_f1 <= 1.0
    assert "out-of-scope" not in format_report(report)


def test_multi_label_evaluation_uses_exact_match() -> None:
    rng = random.Random(5)
    texts: list[str] = []
    labels: list[frozenset[str]] = []
    for _ in range(60):
        k = rng.choice([1, 1, 2])
        topics = rng.sample(list(TOPICS), k)
        texts.append(" and ".join(rng.choice(FRAMES).format(rng.choice(TOPICS[t])) for t in topics))
        labels.append(frozenset(topics))
    report = evaluate(texts[:45], labels[:45], texts[45:], labels[45:], embeddings="none")
    assert report.multi_label
    assert 0.0 <= report.accuracy <= 1.0


def test_eval_command_prints_report_and_json(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", topic_rows(15, seed=6, oos=6))
    test = write_csv(tmp_path / "test.csv", topic_rows(4, seed=7, oos=3))
    runner = CliRunner()
    args = ["--train", str(train), "--test", str(test), "--oos-label", "oos", "--embeddings", "none"]
    result = runner.invoke(eval_command, args)
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output
    result = runner.invoke(eval_command, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n_test"] == 15
    assert data["oos_label"] == "oos"


def test_eval_command_bad_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nhello,\n", encoding="utf-8")
    result = CliRunner().invoke(
        eval_command, ["--train", str(bad), "--test", str(bad), "--embeddings", "none"]
    )
    assert result.exit_code == 1
    assert "line 2: empty label" in result.output
    assert "Traceback" not in result.output
