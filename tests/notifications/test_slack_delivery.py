"""post_slack against a real loopback HTTP server: payloads, retries, no retry on 4xx."""

from __future__ import annotations

import pytest

from frontdoor.integrations.outbound import DeliveryError, post_slack, slack_payload
from local_servers import HttpSink, free_port

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*결제 오류* 급증: 12건 (평소 2.1건)"}}]


def test_payload_arrives_as_sent_with_fallback_text_and_blocks() -> None:
    payload = slack_payload("결제 오류 급증: 12건", blocks=BLOCKS)
    with HttpSink() as sink:
        post_slack(sink.url, payload)
    assert sink.requests == [
        ("/services/T000/B000/secret", {"text": "결제 오류 급증: 12건", "blocks": BLOCKS}),
    ]


def test_server_errors_are_retried_with_doubling_waits_until_accepted() -> None:
    waits: list[float] = []
    with HttpSink(fail=[(503, {}), (500, {})]) as sink:
        post_slack(sink.url, slack_payload("x"), attempts=3, backoff=0.5, sleep=waits.append)
    assert sink.bodies() == [{"text": "x"}] * 3
    assert waits == [0.5, 1.0]


def test_rate_limit_waits_as_long_as_retry_after_says() -> None:
    waits: list[float] = []
    with HttpSink(fail=[(429, {"Retry-After": "7"})]) as sink:
        post_slack(sink.url, slack_payload("x"), attempts=3, backoff=0.5, sleep=waits.append)
    assert waits == [7.0]
    assert len(sink.requests) == 2


def test_a_long_retry_after_is_handed_back_instead_of_waited_for() -> None:
    waits: list[float] = []
    with HttpSink(fail=[(429, {"Retry-After": "120"})]) as sink, pytest.raises(DeliveryError) as caught:
        post_slack(sink.url, slack_payload("x"), attempts=3, max_wait=30, sleep=waits.append)
    assert caught.value.transient is True
    assert caught.value.retry_after == 120.0
    assert waits == []
    assert len(sink.requests) == 1


def test_client_errors_fail_at_once_without_retry() -> None:
    waits: list[float] = []
    with HttpSink(fail=[(400, {})]) as sink, pytest.raises(DeliveryError) as caught:
        post_slack(sink.url, slack_payload("x"), attempts=3, sleep=waits.append)
    assert caught.value.transient is False
    assert "400 invalid_payload" in str(caught.value)
    assert len(sink.requests) == 1
    assert waits == []


def test_last_failure_raises_a_clear_error_that_keeps_the_secret_path_out() -> None:
    with HttpSink(fail=[(502, {})] * 5) as sink, pytest.raises(DeliveryError) as caught:
        post_slack(sink.url, slack_payload("x"), attempts=2, sleep=lambda _s: None)
    assert len(sink.requests) == 2
    assert caught.value.transient is True
    assert str(caught.value) == "Slack webhook at 127.0.0.1 answered 502 oops"
    assert "secret" not in str(caught.value)


def test_connection_errors_are_retried_then_reported() -> None:
    waits: list[float] = []
    url = f"http://127.0.0.1:{free_port()}/services/x"
    with pytest.raises(DeliveryError) as caught:
        post_slack(url, slack_payload("x"), attempts=3, backoff=0.25, sleep=waits.append, timeout=2)
    assert caught.value.transient is True
    assert "unreachable: ConnectError" in str(caught.value)
    assert waits == [0.25, 0.5]


def test_a_url_that_is_not_http_is_refused_before_any_request() -> None:
    with pytest.raises(DeliveryError) as caught:
        post_slack("ftp://hooks.example/x", slack_payload("x"))
    assert caught.value.transient is False
