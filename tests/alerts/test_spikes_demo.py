"""The spike detector flags the demo's outage (week 19) from the generated conversations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from frontdoor.alerts.spikes import Thresholds, evaluate, window_counts
from frontdoor.demo.content import OUTAGE_AREA
from frontdoor.demo.generator import generate

HOUR = dt.timedelta(hours=1)


@pytest.mark.slow
def test_outage_week_is_flagged_and_data_sync_is_quiet_in_the_weeks_before() -> None:
    demo = generate()  # the default seed: what `frontdoor demo` builds
    times: dict[str, list[dt.datetime]] = defaultdict(list)
    for conv in demo.conversations:
        for a in conv.assignments:
            if a.quote is None and a.status != "rejected":
                times[a.tag].append(conv.opened_at)
    t = Thresholds()
    window = dt.timedelta(hours=t.window_hours)
    first = min(c.opened_at for c in demo.conversations)

    def alerts(tag: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        ts = sorted(times[tag])
        found: list[dt.datetime] = []
        at = start
        while at < end:
            if not found or at - found[-1] >= dt.timedelta(hours=24):
                observed, history = window_counts(
                    ts, as_of=at, window=window, weeks=t.baseline_weeks, data_start=first
                )
                if evaluate(observed, history, t).fired:
                    found.append(at)
            at += HOUR
        return found

    outage = alerts(OUTAGE_AREA, demo.outage_start, demo.outage_end + dt.timedelta(days=1))
    assert outage, "the outage raised no alert on the data-sync tag"
    assert outage[0] < demo.outage_start + dt.timedelta(days=1)  # on the outage's first day
    before = alerts(OUTAGE_AREA, demo.outage_start - dt.timedelta(weeks=8), demo.outage_start)
    assert before == []
