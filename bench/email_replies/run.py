"""Email reply extraction: frontdoor beside the maintained parsers, on the same labelled emails.

Reads ``shared/data/email_replies`` (251 emails from seven open-source reply parsers' test
suites, each with the text its sender newly wrote; see its SOURCE.md) and scores, in one run:

- ``frontdoor``: :func:`frontdoor.integrations.email_reply.extract_reply`;
- ``mail-parser-reply`` (alfonsrv, PyPI ``mail-parser-reply``), every language it knows;
- ``email-reply-parser`` (zapier's port of GitHub's parser, PyPI ``email-reply-parser``);
- ``quotequail`` (PyPI ``quotequail``), when installed;
- ``talon`` (PyPI ``talon``), when installed (its 2017 release needs ``cchardet``, which
  does not build on current Pythons, so it is usually skipped).

A parser that is not installed is skipped, and the run says so. None of them is a frontdoor
dependency: ``pip install mail-parser-reply email-reply-parser quotequail`` to compare.

Scoring follows SOURCE.md: ``.txt`` as is, ``.eml`` on its first text/plain part decoded,
``.html`` on the HTML body with the result as text (the text-only parsers get the HTML as
text first, by frontdoor's generic ``html_to_text``; quotequail and talon read HTML
themselves). Both sides: LF line ends, trailing spaces stripped, leading/trailing blank lines
dropped; ``exact-nows`` cases compare with all whitespace removed. ``strict`` is that
comparison; ``lenient`` also ignores blank lines (origins join kept blocks with one or two
newlines). Conventions: talon's quotation tests keep signatures ("Sent from my iPhone",
"-- " blocks) in the expected text, so for talon cases other than ``signature_*`` every
parser is scored on its text *with* its signature where it offers one (frontdoor
``text_with_signature``, mail-parser-reply ``full_body``, email-reply-parser the
non-quoted fragments); everywhere else on its text without signature. A message that is
only a forward scores frontdoor's first forwarded message's text (what the email adapter
stores as that message).

Honesty split: the cases are split once, by a hash of the case id, half of each source
into ``dev`` (looked at while developing frontdoor's rules) and half into ``held-out``
(only ever scored). ``--show-misses`` prints misses of the dev half only.

Usage::

    .venv/bin/python bench/email_replies/run.py
    .venv/bin/python bench/email_replies/run.py --show-misses frontdoor   # dev half only
    .venv/bin/python bench/email_replies/run.py --json bench/out/email_replies.json
    .venv/bin/python bench/email_replies/run.py --hostile   # + seconds on 1 MB hostile inputs
"""

from __future__ import annotations

import argparse
import csv
import email
import email.policy
import hashlib
import json
import platform
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from frontdoor.integrations._common import html_to_text  # noqa: E402
from frontdoor.integrations.email_reply import extract_reply  # noqa: E402

SPLIT_SALT = "frontdoor-email-replies-v1"


def _default_data_dir() -> Path:
    for base in (ROOT, *ROOT.parents):
        cand = base / "shared" / "data" / "email_replies"
        if cand.is_dir():
            return cand
    return ROOT.parent / "shared" / "data" / "email_replies"


@dataclass
class Case:
    id: str
    source: str
    language: str
    strength: str
    kind: str  # "txt", "eml", "html"
    body: str  # plain text, or HTML for kind "html"
    subject: str | None
    expected: str
    half: str  # "dev" or "held-out"
    keeps_signature: bool


def _eml_body(raw: bytes) -> tuple[str, str | None]:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    subject = str(msg.get("Subject", "") or "") or None
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            return str(part.get_content()), subject  # type: ignore[attr-defined]
    return "", subject


def split_halves(ids_by_source: dict[str, list[str]]) -> dict[str, str]:
    """Half of each source's cases (by a salted SHA-256 of the id) to ``dev``, the rest ``held-out``."""
    half: dict[str, str] = {}
    for ids in ids_by_source.values():
        ranked = sorted(ids, key=lambda i: hashlib.sha256(f"{SPLIT_SALT}:{i}".encode()).hexdigest())
        cut = (len(ranked) + 1) // 2
        for pos, case_id in enumerate(ranked):
            half[case_id] = "dev" if pos < cut else "held-out"
    return half


def load_cases(data: Path) -> list[Case]:
    with (data / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_source: dict[str, list[str]] = {}
    for row in rows:
        by_source.setdefault(row["id"].split("__", 1)[0], []).append(row["id"])
    halves = split_halves(by_source)
    cases = []
    for row in rows:
        source, name = row["id"].split("__", 1)
        path = data / row["email_file"]
        kind = path.suffix.lstrip(".")
        subject = None
        if kind == "eml":
            body, subject = _eml_body(path.read_bytes())
        else:
            body = path.read_bytes().decode("utf-8")
        cases.append(
            Case(
                id=row["id"],
                source=source,
                language=row["language"],
                strength=row["note"].split(";", 1)[0].strip(),
                kind=kind,
                body=body,
                subject=subject,
                expected=(data / row["expected_file"]).read_text(encoding="utf-8"),
                half=halves[row["id"]],
                keeps_signature=source == "talon" and not name.startswith("signature_"),
            )
        )
    return cases


# --- parsers: each returns (text, text with signature) -----------------------------------------

Parser = Callable[[Case], tuple[str, str]]


def _frontdoor(case: Case) -> tuple[str, str]:
    parts = extract_reply(case.body, html=case.kind == "html", subject=case.subject)
    if not parts.text.strip() and parts.forwarded:
        return parts.forwarded[0].text, parts.forwarded[0].text
    return parts.text, parts.text_with_signature


def _as_text(case: Case) -> str:
    return html_to_text(case.body) if case.kind == "html" else case.body


def _parsers() -> tuple[dict[str, Parser], list[str]]:
    parsers: dict[str, Parser] = {"frontdoor": _frontdoor}
    skipped: list[str] = []
    try:
        from mailparser_reply import EmailReplyParser as MPR
        from mailparser_reply.constants import MAIL_LANGUAGES

        mpr = MPR(languages=sorted(MAIL_LANGUAGES))

        def _mpr(case: Case) -> tuple[str, str]:
            replies = mpr.read(_as_text(case)).replies
            return (replies[0].body, replies[0].full_body) if replies else ("", "")

        parsers["mail-parser-reply"] = _mpr
    except ImportError:
        skipped.append("mail-parser-reply (pip install mail-parser-reply)")
    try:
        from email_reply_parser import EmailReplyParser as ERP

        def _erp(case: Case) -> tuple[str, str]:
            message = ERP.read(_as_text(case))
            visible = "\n".join(f.content for f in message.fragments if not (f.hidden or f.quoted))
            with_sig = "\n".join(f.content for f in message.fragments if not f.quoted)
            return visible, with_sig

        parsers["email-reply-parser"] = _erp
    except ImportError:
        skipped.append("email-reply-parser (pip install email-reply-parser)")
    try:
        import quotequail

        def _qq(case: Case) -> tuple[str, str]:
            if case.kind == "html":
                shown = [
                    html_to_text(t)
                    for show, t in quotequail.quote_html(case.body, quote_intro_line=True)
                    if show
                ]
            else:
                shown = [t for show, t in quotequail.quote(case.body, quote_intro_line=True) if show]
            text = "\n".join(shown)
            return text, text

        parsers["quotequail"] = _qq
    except ImportError:
        skipped.append("quotequail (pip install quotequail)")
    try:
        from talon import quotations  # type: ignore[import-not-found]

        def _talon(case: Case) -> tuple[str, str]:
            if case.kind == "html":
                text = html_to_text(quotations.extract_from_html(case.body))
            else:
                text = quotations.extract_from_plain(case.body)
            return text, text

        parsers["talon"] = _talon
    except Exception as exc:  # talon 1.4.4 fails at import without cchardet
        skipped.append(f"talon ({type(exc).__name__}: {exc})")
    return parsers, skipped


# --- scoring ------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def score(case: Case, got: str) -> tuple[bool, bool]:
    """(strict match, lenient match) of one output against the case's expectation."""
    want, have = _normalise(case.expected), _normalise(got)
    if case.strength == "exact-nows":
        same = re.sub(r"\s+", "", want) == re.sub(r"\s+", "", have)
        return same, same
    strict = want == have
    lenient = [x for x in want.split("\n") if x.strip()] == [x for x in have.split("\n") if x.strip()]
    return strict, lenient or strict


@dataclass
class Result:
    case: Case
    got: str
    strict: bool
    lenient: bool
    error: str = ""


def run_parser(parser: Parser, cases: list[Case]) -> tuple[list[Result], float]:
    results = []
    start = time.perf_counter()
    for case in cases:
        try:
            text, with_sig = parser(case)
            got = with_sig if case.keeps_signature else text
            strict, lenient = score(case, got or "")
            results.append(Result(case, got or "", strict, lenient))
        except Exception as exc:  # a parser that raises misses the case
            results.append(Result(case, "", False, False, f"{type(exc).__name__}: {exc}"))
    return results, time.perf_counter() - start


# --- report -------------------------------------------------------------------------------------


def _cell(results: list[Result]) -> str:
    if not results:
        return f"{'':>13}"
    n = len(results)
    s = 100 * sum(r.strict for r in results) / n
    lenient = 100 * sum(r.lenient for r in results) / n
    return f"{s:5.1f} / {lenient:5.1f}"


def _table(title: str, key: Callable[[Case], str], runs: dict[str, list[Result]], order: list[str]) -> str:
    names = list(runs)
    head = f"{title:<14}{'n':>4}  " + "  ".join(f"{name[:17]:>17}" for name in names)
    out = [head, "-" * len(head)]
    for group in order:
        row = []
        for name in names:
            row.append(f"{_cell([r for r in runs[name] if key(r.case) == group]):>17}")
        n = sum(1 for r in next(iter(runs.values())) if key(r.case) == group)
        out.append(f"{group:<14}{n:>4}  " + "  ".join(row))
    return "\n".join(out)


HOSTILE_MB = 1_000_000
HOSTILE = {
    "one 1 MB line of 'On '": ("On " * (HOSTILE_MB // 3), False),
    "2.5k lines ending in ':'": (("a" * 399 + ":\n") * (HOSTILE_MB // 400), False),
    "37k header lines": ("From: a@b.c\nSent: 2024 10:00\n" * (HOSTILE_MB // 28), False),
    "40k forward separators": ("Begin forwarded message:\n" * (HOSTILE_MB // 25), False),
    "167k inline quote/answer lines": ("> q\na\n" * (HOSTILE_MB // 6), False),
    "1M blank lines": ("\n" * HOSTILE_MB, False),
    "html: 250k unclosed comments": ("<!--" * (HOSTILE_MB // 4), True),
    "html: 100k <div> + 70k </span>": ("<div>" * (HOSTILE_MB // 10) + "</span>" * (HOSTILE_MB // 14), True),
    "html: 77k nested blockquotes": ("<blockquote>x" * (HOSTILE_MB // 13), True),
}


def hostile() -> None:
    """Seconds for frontdoor on 1 MB hostile inputs (linear time: no shape should stand out)."""
    print("frontdoor on 1 MB hostile inputs:")
    for name, (text, is_html) in HOSTILE.items():
        start = time.perf_counter()
        extract_reply(text, html=is_html)
        print(f"  {name:<34} {time.perf_counter() - start:6.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=_default_data_dir(), help="shared/data/email_replies")
    ap.add_argument("--show-misses", metavar="PARSER", help="print this parser's misses (dev half only)")
    ap.add_argument("--json", type=Path, help="write per-case results here")
    ap.add_argument("--hostile", action="store_true", help="also time frontdoor on 1 MB hostile inputs")
    args = ap.parse_args()

    cases = load_cases(args.data)
    parsers, skipped = _parsers()
    runs: dict[str, list[Result]] = {}
    seconds: dict[str, float] = {}
    for name, parser in parsers.items():
        runs[name], seconds[name] = run_parser(parser, cases)

    print(f"email reply extraction: {len(cases)} cases from {args.data}")
    print(f"python {platform.python_version()} on {platform.machine()}; cells are strict / lenient match %")
    for line in skipped:
        print(f"skipped (not installed or broken): {line}")
    print()
    print(_table("half", lambda c: "all", runs, ["all"]))
    print(_table("", lambda c: c.half, runs, ["dev", "held-out"]).split("\n", 2)[2])
    print()
    sources = sorted({c.source for c in cases}, key=lambda s: -sum(c.source == s for c in cases))
    for half in ("dev", "held-out"):
        sub = {k: [r for r in v if r.case.half == half] for k, v in runs.items()}
        print(_table(f"source, {half}", lambda c: c.source, sub, sources))
        print()
    print(_table("source, all", lambda c: c.source, runs, sources))
    print()
    languages = sorted(
        {c.language for c in cases}, key=lambda lang: (-sum(c.language == lang for c in cases), lang)
    )
    print(_table("language, all", lambda c: c.language, runs, languages))
    print()
    print("seconds for all cases: " + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items()))
    if args.hostile:
        print()
        hostile()

    if args.show_misses:
        for r in runs[args.show_misses]:
            if r.case.half != "dev" or r.lenient:
                continue
            print(f"\n=== MISS {r.case.id} ({r.case.language}, {r.case.strength}) {r.error}")
            print("--- expected\n" + _normalise(r.case.expected))
            print("--- got\n" + _normalise(r.got))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            name: [
                {
                    "id": r.case.id,
                    "half": r.case.half,
                    "strict": r.strict,
                    "lenient": r.lenient,
                    "error": r.error,
                }
                for r in results
            ]
            for name, results in runs.items()
        }
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
