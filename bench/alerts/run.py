"""Spike detector on the demo's tags: the outage week, and the false-alarm rate on normal weeks.

Usage::

    .venv/bin/python bench/alerts/run.py [--weeks 52] [--seed 20260531] [--json out.json]

1. **Outage**: the demo as ``frontdoor demo`` builds it (seed, 26 weeks, an outage in week
   19). The detector runs hourly over the whole window, as it would on live ingest, with
   the default thresholds and a 24-hour cool-down per tag; the script prints every alert
   and which of them fall in the outage week.
2. **False alarms**: the demo's own generator (same accounts, topics, weekday pattern,
   growth) run for ``baseline_weeks + weeks`` weeks **with the outage switched off**. Every
   alert there is a false alarm by construction. Hourly evaluation over the last ``weeks``
   weeks (the first weeks only fill the baseline); reported per tag-week.

Counted per tag: conversations with a conversation-level assignment that is not
rejected, at the conversation's opened time (what the service counts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import time
from collections import defaultdict
from typing import Any

from frontdoor.alerts.spikes import Thresholds, evaluate, window_counts
from frontdoor.demo.content import OUTAGE_WEEK, SEED
from frontdoor.demo.generator import _Gen, generate

HOUR = dt.timedelta(hours=1)


def tag_times(conversations: list[Any]) -> dict[str, list[dt.datetime]]:
    """Opened times of the conversations carrying each tag, sorted."""
    times: dict[str, list[dt.datetime]] = defaultdict(list)
    for conv in conversations:
        for a in conv.assignments:
            if a.quote is None and a.status != "rejected":
                times[a.tag].append(conv.opened_at)
    for values in times.values():
        values.sort()
    return times


def run_alerts(
    times: dict[str, list[dt.datetime]],
    *,
    start: dt.datetime,
    end: dt.datetime,
    data_start: dt.datetime,
    thresholds: Thresholds,
    cooldown: dt.timedelta,
) -> list[tuple[str, dt.datetime, Any]]:
    """Hourly evaluation of every tag between ``start`` and ``end``; alerts with cool-down."""
    window = dt.timedelta(hours=thresholds.window_hours)
    alerts: list[tuple[str, dt.datetime, Any]] = []
    for tag, ts in sorted(times.items()):
        last: dt.datetime | None = None
        at = start
        while at <= end:
            if last is None or at - last >= cooldown:
                observed, history = window_counts(
                    ts, as_of=at, window=window, weeks=thresholds.baseline_weeks, data_start=data_start
                )
                # The count thresholds are checked first in evaluate(); skip the p-value when they fail.
                if observed >= thresholds.min_count:
                    spike = evaluate(observed, history, thresholds)
                    if spike.fired:
                        alerts.append((tag, at, spike))
                        last = at
            at += HOUR
    return alerts


class _NoOutage(_Gen):
    """The demo generator over more weeks, with the outage switched off."""

    def __init__(self, seed: int, weeks: int) -> None:
        super().__init__(seed, 0)
        self.days = weeks * 7
        self.end = self.start + dt.timedelta(days=self.days)
        self.outage_days = range(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=52, help="normal weeks evaluated for false alarms")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cooldown-hours", type=int, default=24)
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args(argv)
    t = Thresholds()
    cooldown = dt.timedelta(hours=args.cooldown_hours)
    began = time.perf_counter()

    demo = generate(seed=args.seed)
    times = tag_times(demo.conversations)
    first = min(c.opened_at for c in demo.conversations)
    alerts = run_alerts(
        times,
        start=demo.window_start + dt.timedelta(weeks=t.min_history_weeks),
        end=demo.window_end,
        data_start=first,
        thresholds=t,
        cooldown=cooldown,
    )
    week_start = demo.window_start + dt.timedelta(weeks=OUTAGE_WEEK)
    week_end = week_start + dt.timedelta(weeks=1)
    in_outage = [a for a in alerts if week_start <= a[1] < week_end + dt.timedelta(hours=t.window_hours)]
    outside = [a for a in alerts if a not in in_outage]
    print(f"demo seed {args.seed}: {len(demo.conversations)} conversations, {len(times)} tags")
    print(f"outage {demo.outage_start:%Y-%m-%d %H:%M} .. {demo.outage_end:%Y-%m-%d %H:%M} UTC")
    print(f"alerts in the outage week: {len(in_outage)}")
    for tag, at, s in in_outage:
        print(f"  {at:%Y-%m-%d %H:%M} {tag}: {s.observed} vs {s.expected:.1f} expected (p={s.p_value:.1e})")
    print(f"alerts in the other weeks of the demo: {len(outside)}")
    for tag, at, s in outside:
        print(f"  {at:%Y-%m-%d %H:%M} {tag}: {s.observed} vs {s.expected:.1f} expected (p={s.p_value:.1e})")

    total_weeks = t.baseline_weeks + args.weeks
    gen = _NoOutage(args.seed, total_weeks)
    gen.make_users()
    gen.make_accounts()
    gen.make_contacts()
    gen.make_conversations()
    normal = tag_times(gen.conversations)
    eval_start = gen.start + dt.timedelta(weeks=t.baseline_weeks)
    false_alarms = run_alerts(
        normal,
        start=eval_start,
        end=gen.end,
        data_start=min(c.opened_at for c in gen.conversations),
        thresholds=t,
        cooldown=cooldown,
    )
    tag_weeks = len(normal) * args.weeks
    flagged_weeks = {(tag, (at - eval_start) // dt.timedelta(weeks=1)) for tag, at, _ in false_alarms}
    per_tag: dict[str, int] = defaultdict(int)
    for tag, _, _ in false_alarms:
        per_tag[tag] += 1
    figures = {
        "seed": args.seed,
        "thresholds": t.__dict__,
        "cooldown_hours": args.cooldown_hours,
        "outage_week_alerts": [
            (tag, at.isoformat(), s.observed, round(s.expected, 2)) for tag, at, s in in_outage
        ],
        "demo_other_week_alerts": len(outside),
        "normal_weeks": args.weeks,
        "normal_conversations": len(gen.conversations),
        "tags": len(normal),
        "tag_weeks": tag_weeks,
        "false_alarms": len(false_alarms),
        "false_alarms_per_tag_week": len(false_alarms) / tag_weeks,
        "tag_weeks_with_a_false_alarm": len(flagged_weeks) / tag_weeks,
        "false_alarms_per_week_all_tags": len(false_alarms) / args.weeks,
        "false_alarm_tags": dict(sorted(per_tag.items(), key=lambda kv: -kv[1])),
        "seconds": round(time.perf_counter() - began, 1),
        "python": sys.version.split()[0],
        "machine": platform.platform(),
    }
    print(
        f"normal: {len(gen.conversations)} conversations over {total_weeks} weeks, {len(normal)} tags; "
        f"{args.weeks} weeks evaluated hourly"
    )
    print(
        f"false alarms: {len(false_alarms)} in {tag_weeks} tag-weeks = "
        f"{figures['false_alarms_per_tag_week']:.5f} per tag-week "
        f"({figures['false_alarms_per_week_all_tags']:.2f} per week over all tags); "
        f"tag-weeks with one: {figures['tag_weeks_with_a_false_alarm']:.5f}"
    )
    for tag, n in list(figures["false_alarm_tags"].items())[:10]:
        print(f"  {tag}: {n}")
    print(f"took {figures['seconds']} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(figures, fh, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
