"""send_email against a real local SMTP server (aiosmtpd): encoding, retries, refusals."""

from __future__ import annotations

import pytest

from frontdoor.core.errors import ConfigError
from frontdoor.integrations.outbound import DeliveryError, SmtpConfig, send_email
from local_servers import SmtpSink, free_port

SUBJECT = "[frontdoor] 결제 오류 급증 — 12건"
TEXT = "결제 오류 태그가 평소보다 많습니다.\n관측 12건, 기대 2.1건."
HTML = "<p>결제 오류 태그가 <b>평소보다</b> 많습니다.</p>"


def test_korean_subject_and_multipart_bodies_arrive_decoded() -> None:
    with SmtpSink() as smtp:
        sent_id = send_email(
            smtp.config("프론트도어 <alerts@example.com>"),
            to="kim@example.kr, lee@example.com",
            subject=SUBJECT,
            text=TEXT,
            html=HTML,
            message_id="<abc123@frontdoor.invalid>",
        )
    assert sent_id == "<abc123@frontdoor.invalid>"
    assert smtp.envelopes == [("alerts@example.com", ["kim@example.kr", "lee@example.com"])]
    [msg] = smtp.messages
    assert msg["Subject"] == SUBJECT
    assert msg["Message-ID"] == "<abc123@frontdoor.invalid>"
    assert msg["To"] == "kim@example.kr, lee@example.com"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n").rstrip("\n") == TEXT  # CRLF on the wire
    assert html.get_content().replace("\r\n", "\n").rstrip("\n") == HTML
    assert plain.get_content_charset() == "utf-8"


def test_the_raw_subject_header_is_rfc2047_encoded() -> None:
    with SmtpSink() as smtp:
        send_email(smtp.config(), to="kim@example.kr", subject="안녕하세요", text="본문")
    raw = smtp.messages[0].as_bytes()
    header = next(line for line in raw.split(b"\n") if line.lower().startswith(b"subject:"))
    assert header.isascii()
    assert b"=?utf-8?" in header.lower()


def test_a_long_mixed_korean_and_english_subject_keeps_its_spaces() -> None:
    subject = "요청하신 'CSV export for large ranges' 기능이 출시되었습니다 " * 4
    with SmtpSink() as smtp:
        send_email(smtp.config(), to="kim@example.kr", subject=subject, text="본문")
    assert smtp.messages[0]["Subject"] == " ".join(subject.split())[:200]


def test_temporary_refusals_are_retried_and_one_message_arrives() -> None:
    waits: list[float] = []
    with SmtpSink(fail_times=2) as smtp:
        send_email(
            smtp.config(),
            to="kim@example.kr",
            subject="s",
            text="t",
            attempts=3,
            backoff=1.5,
            sleep=waits.append,
        )
    assert smtp.attempts == 3
    assert len(smtp.messages) == 1
    assert waits == [1.5, 3.0]


def test_temporary_refusal_on_the_last_try_is_transient() -> None:
    with SmtpSink(fail_times=5) as smtp, pytest.raises(DeliveryError) as caught:
        send_email(smtp.config(), to="k@example.kr", subject="s", text="t", attempts=2, sleep=lambda _s: None)
    assert caught.value.transient is True
    assert smtp.attempts == 2
    assert smtp.messages == []


def test_permanent_refusal_is_not_retried() -> None:
    with SmtpSink(refuse=True) as smtp, pytest.raises(DeliveryError) as caught:
        send_email(smtp.config(), to="k@example.kr", subject="s", text="t", attempts=3, sleep=lambda _s: None)
    assert caught.value.transient is False
    assert smtp.attempts == 1
    assert "554" in str(caught.value)


def test_no_server_is_a_transient_error_after_the_tries() -> None:
    waits: list[float] = []
    config = SmtpConfig(host="127.0.0.1", port=free_port(), sender="a@example.com", timeout=2)
    with pytest.raises(DeliveryError) as caught:
        send_email(
            config, to="k@example.kr", subject="s", text="t", attempts=2, backoff=1, sleep=waits.append
        )
    assert caught.value.transient is True
    assert waits == [1.0]


def test_a_bad_address_fails_before_connecting() -> None:
    config = SmtpConfig(host="127.0.0.1", port=free_port(), sender="a@example.com")
    with pytest.raises(DeliveryError, match="not an email address"):
        send_email(config, to="nobody", subject="s", text="t")


def test_settings_url_forms() -> None:
    plain = SmtpConfig.from_url("smtp://u%40x:p%2Fw@mail.example.com", sender="f@example.com")
    assert (plain.host, plain.port, plain.username, plain.password, plain.security) == (
        "mail.example.com",
        25,
        "u@x",
        "p/w",
        "auto",
    )
    assert SmtpConfig.from_url("smtps://mail.example.com", sender="f@x").port == 465
    starttls = SmtpConfig.from_url("smtp+starttls://mail.example.com:2525", sender="f@x")
    assert (starttls.port, starttls.security) == (2525, "starttls")
    assert "p/w" not in repr(plain)
    with pytest.raises(ConfigError, match="FRONTDOOR_SMTP_URL"):
        SmtpConfig.from_url("http://mail.example.com", sender="f@x")
