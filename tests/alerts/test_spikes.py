"""The spike detector on hand-computed values and generated series (pure, no database)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from frontdoor.alerts.spikes import Thresholds, evaluate, predictive, tail_probability, window_counts
from frontdoor.core.errors import ValidationError

T0 = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)  # a Monday
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def test_predictive_mean_and_variance_by_hand() -> None:
    # mean 4, sample variance ((2-4)^2 + 0 + (6-4)^2) / 2 = 4 -> dispersion 1; x (1 + 1/3)
    assert predictive([2, 4, 6]) == pytest.approx((4.0, 16 / 3))
    # mean 2, sample variance (4 + 4 + 4 + 4) / 3 = 16/3 -> dispersion 8/3; 2 * 8/3 * 5/4
    assert predictive([0, 4, 0, 4]) == pytest.approx((2.0, 2 * (16 / 3) / 2 * 1.25))


def test_tail_probability_poisson_by_hand() -> None:
    # P(X >= 5 | Poisson(2)) = 1 - e^-2 (1 + 2 + 2 + 4/3 + 2/3) = 1 - 7 e^-2
    assert tail_probability(5, 2.0, 2.0) == pytest.approx(1 - 7 * math.exp(-2))
    assert tail_probability(0, 2.0, 2.0) == 1.0


def test_tail_probability_negative_binomial_by_hand() -> None:
    # mean 2, variance 6: size = 4 / 4 = 1, a geometric count with P(X >= k) = (2/3)^k
    assert tail_probability(3, 2.0, 6.0) == pytest.approx((2 / 3) ** 3)


def test_one_to_three_never_alarms_however_quiet_the_tag() -> None:
    for history in ([1] * 8, [0] * 8, [0, 1, 0, 0, 1, 0, 0, 0]):
        spike = evaluate(3, history)
        assert not spike.fired
        assert spike.reason == "below the minimum count"


def test_a_clear_spike_fires_with_its_numbers() -> None:
    spike = evaluate(15, [2, 1, 3, 2, 2, 1, 2, 3])
    assert spike.fired and spike.reason == ""
    assert spike.expected == pytest.approx(2.0)
    assert spike.history_weeks == 8
    assert spike.p_value < 1e-6


def test_each_threshold_can_hold_an_alert_back() -> None:
    assert evaluate(6, [4, 4, 4, 4]).reason == "increase too small"  # 6 - 4 < 3
    assert evaluate(31, [20] * 8).reason == "ratio too small"  # 31 < 2 x 20
    # 9 vs a mean of 4 that swings 0..8 week to week: plausible
    assert evaluate(9, [0, 8, 1, 7, 0, 8, 2, 6]).reason == "within normal variation"
    assert evaluate(50, [1, 1]).reason == "too little history"


def test_only_the_configured_weeks_of_history_count() -> None:
    # The 9th week back (a past spike) is beyond baseline_weeks=8.
    assert evaluate(10, [2] * 8 + [40]).expected == pytest.approx(2.0)


def test_window_counts_same_hours_of_earlier_weeks() -> None:
    as_of = T0 + dt.timedelta(weeks=3, hours=12)  # Monday noon, week 3
    times = sorted(
        [
            as_of - HOUR,  # current window
            as_of - 23 * HOUR,  # current window
            as_of - 25 * HOUR,  # before the window: counted nowhere
            as_of - dt.timedelta(weeks=1) - 2 * HOUR,  # one week back
            as_of - dt.timedelta(weeks=2) - 5 * HOUR,  # two weeks back
            as_of - dt.timedelta(weeks=2) - 6 * HOUR,
            as_of - dt.timedelta(weeks=2),  # the end is exclusive: not in week 2's window
            as_of - dt.timedelta(weeks=3) - HOUR,  # before the data start: week 3 is unknown
        ]
    )
    observed, history = window_counts(
        times, as_of=as_of, window=DAY, weeks=8, data_start=as_of - dt.timedelta(weeks=3) - 2 * HOUR
    )
    assert observed == 2
    assert history == [1, 2]


def test_thresholds_from_workspace_settings() -> None:
    t = Thresholds.from_settings({"min_count": "8", "alpha": 0.0001, "slack_webhook_url": "ignored"})
    assert (t.min_count, t.alpha, t.window_hours) == (8, 0.0001, 24)
    with pytest.raises(ValidationError, match=r"alerts\.alpha"):
        Thresholds.from_settings({"alpha": 2})
    with pytest.raises(ValidationError, match=r"alerts\.min_count must be a number"):
        Thresholds.from_settings({"min_count": "many"})


# ---------------------------------------------------------------- generated series


def _series(rng: np.random.Generator, daily: float, weeks: int) -> list[dt.datetime]:
    """Event times with a weekday pattern, business hours and gamma-Poisson (overdispersed) days.

    Day-to-day the rate itself varies by about 22 % (gamma, shape 20) on top of Poisson noise:
    three times the 8 % the demo generator uses for its daily volume.
    """
    weekday = (1.18, 1.12, 1.08, 1.05, 0.95, 0.38, 0.32)
    times: list[dt.datetime] = []
    for day in range(weeks * 7):
        rate = daily * weekday[day % 7] * rng.gamma(shape=20.0, scale=1 / 20.0)
        for _ in range(rng.poisson(rate)):
            hour = float(np.clip(rng.normal(13.5, 3.2), 8.0, 23.9))
            times.append(T0 + day * DAY + dt.timedelta(hours=hour))
    return sorted(times)


def _alerts(times: list[dt.datetime], *, weeks: int, t: Thresholds) -> list[dt.datetime]:
    """Hourly evaluation after the baseline weeks, one alert per 24 h at most."""
    fired: list[dt.datetime] = []
    at = T0 + dt.timedelta(weeks=t.baseline_weeks)
    end = T0 + dt.timedelta(weeks=weeks)
    while at <= end:
        if not fired or at - fired[-1] >= DAY:
            observed, history = window_counts(
                times, as_of=at, window=DAY, weeks=t.baseline_weeks, data_start=T0
            )
            if evaluate(observed, history, t).fired:
                fired.append(at)
        at += HOUR
    return fired


RATES = (0.3, 1.0, 3.0, 10.0, 40.0)  # conversations a day, quiet tags to busy ones


def test_noisy_but_normal_series_stay_quiet() -> None:
    # 5 series x 12 weeks evaluated hourly (60 series-weeks, 10,000 evaluations): at most
    # one alert in all. bench/alerts measures the rate on the demo's own tags.
    alerts = {
        daily: _alerts(
            _series(np.random.default_rng(int(daily * 1000)), daily, weeks=20), weeks=20, t=Thresholds()
        )
        for daily in RATES
    }
    assert sum(len(found) for found in alerts.values()) <= 1, alerts


@pytest.mark.parametrize("daily", RATES[1:4])
def test_the_same_series_with_an_incident_day_alarms_that_day(daily: float) -> None:
    rng = np.random.default_rng(int(daily * 1000))
    times = _series(rng, daily, weeks=20)
    # A Wednesday in week 15 gets max(12, 3 x its normal volume) more, from 09:00 to 18:00.
    incident = T0 + dt.timedelta(weeks=15, days=2)
    extra = max(12, round(3 * daily * 1.08))
    times = sorted(times + [incident + dt.timedelta(hours=9 + 9 * i / extra) for i in range(extra)])
    fired = _alerts(times, weeks=20, t=Thresholds())
    assert [at for at in fired if incident <= at <= incident + 2 * DAY], (
        f"no alert on the incident day: {fired}"
    )
