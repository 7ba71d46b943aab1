"""Reply extraction on plain-text bodies: every fixture here is written for this test.

Each shows one trait of real mail clients: where the new text stands (top, bottom, between
quotes), how the client introduces the quote (in many languages), the Outlook header
block, signatures, and forwarded messages.
"""

from __future__ import annotations

import pytest

from frontdoor.integrations.email_reply import Part, extract_reply

# --- where the new text stands ----------------------------------------------------------------


def test_top_posted_reply_keeps_the_text_above_the_quote() -> None:
    body = (
        "Thanks, the export works now.\n"
        "\n"
        "On Fri, Jan 5, 2024 at 3:02 PM Mina Park <mina@growboard.example> wrote:\n"
        "> Could you try the CSV export again?\n"
        ">\n"
        "> Mina\n"
    )
    parts = extract_reply(body)
    assert parts.text == "Thanks, the export works now."
    assert parts.attribution == ("On Fri, Jan 5, 2024 at 3:02 PM Mina Park <mina@growboard.example> wrote:",)
    assert parts.quote == "> Could you try the CSV export again?\n>\n> Mina"


def test_bottom_posted_reply_keeps_the_text_below_the_quote() -> None:
    body = (
        "On 05/01/2024 15:02, Mina Park wrote:\n"
        "> Could you try the CSV export again?\n"
        "\n"
        "I tried twice: it stops at 10,000 rows.\n"
        "Is that a limit of the plan?\n"
    )
    parts = extract_reply(body)
    assert parts.text == "I tried twice: it stops at 10,000 rows.\nIs that a limit of the plan?"


def test_inline_reply_keeps_every_answer_between_the_quotes() -> None:
    body = (
        "Mina Park <mina@growboard.example> wrote:\n"
        "> 1. Which browser do you use?\n"
        "\n"
        "Chrome 120 on Windows.\n"
        "\n"
        "> 2. Does it happen on the old dashboard too?\n"
        "\n"
        "No, only on the new one.\n"
        "\n"
        "-- \n"
        "Jae Kim, Hanbit Shop\n"
    )
    parts = extract_reply(body)
    assert parts.text == "Chrome 120 on Windows.\n\nNo, only on the new one."
    assert parts.signature == "--\nJae Kim, Hanbit Shop"


def test_answers_right_under_short_questions_are_kept_without_blank_lines() -> None:
    parts = extract_reply("> 질문 1\n답변 1\n> 질문 2\n답변 2")
    assert parts.text == "답변 1\n답변 2"


def test_a_quoted_line_wrapped_by_the_client_stays_quote() -> None:
    body = (
        "Here is my answer.\n"
        "\n"
        "On Fri, Jan 5, 2024 at 3:02 PM Mina <mina@growboard.example> wrote:\n"
        "> The new settlement report lists every order with its fee and the payout\n"
        "date.\n"
        "> Please check the link https://growboard.example/reports/settlement?id=\n"
        "42&tab=fees\n"
        "> Thanks\n"
    )
    assert extract_reply(body).text == "Here is my answer."


def test_a_message_with_no_quote_is_kept_whole() -> None:
    body = "Hello,\n\nOur invoices for March are missing.\nCan you resend them?\n\nBest regards,\nJae"
    assert extract_reply(body).text == body


def test_a_sentence_that_merely_mentions_writing_is_not_an_attribution() -> None:
    body = "Last week I wrote:\nthe export is slow.\nOn Monday it was fine."
    assert extract_reply(body).text == body


# --- attribution lines in many languages --------------------------------------------------------

ATTRIBUTIONS = {
    "en-gmail-wrapped": "On Fri, Jan 5, 2024 at 3:02 PM Mina Park <\nmina@growboard.example> wrote:",
    "en-apple": "On Jan 5, 2024, at 15:02, Mina Park <mina@growboard.example> wrote:",
    "ko-gmail": "2024년 1월 5일 (금) 오후 3:02, 홍길동 <gildong@growboard.example>님이 작성:",
    "ko-gmail-wrapped": "2024년 1월 5일 (금) 오후 3:02, 홍길동 <gildong@growboard.example>님이\n작성:",
    "ko-apple": "2024. 1. 5. 오후 3:02, 홍길동 <gildong@growboard.example> 작성:",
    "ja-gmail": "2024年1月5日(金) 15:02 山田太郎 <taro@growboard.example>:",
    "ja-apple": "2024/01/05 15:02、山田太郎 <taro@growboard.example>のメール:",
    "ja-written": "山田太郎 <taro@growboard.example> が書きました:",
    "zh-gmail": "张伟 <wei@growboard.example> 于2024年1月5日周五 15:02写道：",
    "zh-163": '在 2024-01-05 15:02:03，"张伟" <wei@growboard.example> 写道：',
    "de-gmail": "Am Fr., 5. Jan. 2024 um 15:02 Uhr schrieb Hans Müller <hans@growboard.example>:",
    "de-thunderbird": "Am 05.01.2024 um 15:02 schrieb Hans Müller:",
    "de-inbox-wrapped": "Hans Müller <hans@growboard.example> schrieb am Fr., 5.\nJan. 2024 um 15:02 Uhr:",
    "fr-gmail": "Le ven. 5 janv. 2024 à 15:02, Jean Dupont <jean@growboard.example> a écrit :",
    "fr-wrapped": 'Le 5 janv. 2024 15:02, "Jean Dupont"\n<jean@growboard.example>\na écrit :',
    "cs-gmail": "pá 5. 1. 2024 v 15:02 odesílatel Jan Novák <jan@growboard.example> napsal:",
    "cs-thunderbird": "Dne 05. 01. 24 v 15:02 Jan Novák napsal(a):",
    "ru-thunderbird": "05.01.2024 15:02, Иван Петров пишет:",
    "ru-gmail": "пт, 5 янв. 2024 г. в 15:02, Иван Петров <ivan@growboard.example>:",
    "ru-apple": "5 янв. 2024 г., в 15:02, Иван Петров <ivan@growboard.example> написал(а):",
    "uk-gmail": "пт, 5 січ. 2024 р. о 15:02 Іван <ivan@growboard.example> пише:",
    "pl-gmail": "pt., 5 sty 2024 o 15:02 Jan Kowalski <jan@growboard.example> napisał(a):",
    "es-gmail": "El vie, 5 ene 2024 a las 15:02, Juan Pérez (<juan@growboard.example>) escribió:",
    "it-gmail": "Il giorno ven 5 gen 2024 alle ore 15:02 Mario Rossi <mario@growboard.example> ha scritto:",
    "pt-gmail": "Em sex., 5 de jan. de 2024 às 15:02, João Silva <joao@growboard.example> escreveu:",
    "nl-gmail": "Op vr 5 jan 2024 om 15:02 schreef Jan Jansen <jan@growboard.example>:",
    "nl-apple": "Op 5 jan. 2024, om 15:02 heeft Jan Jansen <jan@growboard.example> het volgende geschreven:",
    "sv-gmail": "Den fre 5 jan. 2024 kl 15:02 skrev Sven Svensson <sven@growboard.example>:",
    "da-gmail": "fre. 5. jan. 2024 kl. 15.02 skrev Jens Jensen <jens@growboard.example>:",
    "fi-gmail": "pe 5. tammik. 2024 klo 15.02 Matti Virtanen (matti@growboard.example) kirjoitti:",
    "hu-gmail": "Kovács János <janos@growboard.example> ezt írta (időpont: 2024. jan. 5., P, 15:02):",
    "tr-gmail": "Ali Yılmaz <ali@growboard.example>, 5 Oca 2024 Cum, 15:02 tarihinde şunu yazdı:",
    "vi-gmail": "Vào Th 6, 5 thg 1, 2024 vào lúc 15:02 Nguyễn An <an@growboard.example> đã viết:",
    "zoho-dashed": "---- On Fri, 05 Jan 2024 15:02:03 +0900 Mina <mina@growboard.example> wrote ----",
}


@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_attribution_above_a_quote_is_dropped_in_every_language(attribution: str) -> None:
    parts = extract_reply(f"New answer here.\n\n{attribution}\n> the old message\n> second line\n")
    assert parts.text == "New answer here."
    assert parts.attribution == (attribution,)


@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_attribution_above_an_unquoted_copy_ends_the_new_text(attribution: str) -> None:
    parts = extract_reply(f"New answer here.\n\n{attribution}\n\nthe old message, not quoted\n")
    assert parts.text == "New answer here."
    assert "the old message, not quoted" in parts.quote


def test_the_new_text_is_not_lost_when_it_touches_the_attribution() -> None:
    body = "Merci, c'est réglé.\nLe 5 janv. 2024 à 15:02, Jean <jean@growboard.example> a écrit :\n> Bonjour"
    assert extract_reply(body).text == "Merci, c'est réglé."


def test_a_reply_glued_to_its_attribution_keeps_the_reply() -> None:
    body = "Works for me. On Fri, Jan 5, 2024 at 3:02 PM, mina@growboard.example wrote:\n> Can we meet?"
    assert extract_reply(body).text == "Works for me."


# --- Outlook header blocks and separators ---------------------------------------------------------

HEADER_BLOCKS = {
    "en-outlook": "________________________________\nFrom: Mina Park <mina@growboard.example>\n"
    "Sent: Friday, January 5, 2024 3:02 PM\nTo: Jae Kim <jae@hanbit.example>\nSubject: RE: Export",
    "en-original": "-----Original Message-----\nFrom: Mina Park [mailto:mina@growboard.example]\n"
    "Sent: Friday, January 5, 2024 3:02 PM\nTo: Jae Kim\nSubject: Export",
    "en-bold": "*From:* Mina Park <mina@growboard.example>\n*Sent:* Friday, January 5, 2024 3:02 PM\n"
    "*To:* Jae Kim\n*Subject:* Export",
    "en-wrapped-from": "From: Growboard Billing\n<billing-notifications@growboard.example>\n"
    "Sent: Friday, January 5, 2024 3:02 PM\nTo: Jae Kim",
    "de": "Von: Hans Müller <hans@growboard.example>\nGesendet: Freitag, 5. Januar 2024 15:02\n"
    "An: Jae Kim\nBetreff: AW: Export",
    "de-original": "-----Ursprüngliche Nachricht-----\nVon: Hans Müller\n"
    "Gesendet: Freitag, 5. Januar 2024 15:02",
    "fr": "De : Jean Dupont <jean@growboard.example>\nEnvoyé : vendredi 5 janvier 2024 15:02\n"
    "À : Jae Kim\nObjet : RE: Export",
    "fr-owa": "De : Jean Dupont\nEnvoyé le : vendredi 5 janvier 2024 15:02\nÀ : Jae Kim\nObjet : Export",
    "ko-outlook": "보낸 사람: 김상담 <kim@growboard.example>\n보낸 날짜: 2024년 1월 5일 금요일 오후 3:02\n"
    "받는 사람: 이재 <jae@hanbit.example>\n제목: RE: 세금계산서 문의",
    "ko-original": '-----원본 메시지-----\n보낸 사람: "김상담"<kim@growboard.example>\n'
    "받는 사람: <jae@hanbit.example>\n날짜: 2024-01-05 (금) 15:02:03\n제목: 세금계산서 문의",
    "ko-naver": '-----Original Message-----\nFrom: "김상담"<kim@growboard.example>\n'
    "To: <jae@hanbit.example>;\nCc:\nSent: 2024-01-05 (금) 15:02:03\nSubject: 세금계산서 문의",
    "ja-outlook": "差出人: 山田太郎 <taro@growboard.example>\n送信日時: 2024年1月5日 15:02\n"
    "宛先: Jae Kim\n件名: RE: 見積",
    "zh-outlook": "发件人: 张伟 <wei@growboard.example>\n发送时间: 2024年1月5日 15:02\n"
    "收件人: Jae Kim\n主题: 回复: 报价",
    "nl-outlook": "Van: Jan Jansen <jan@growboard.example>\nVerzonden: vrijdag 5 januari 2024 15:02\n"
    "Aan: Jae Kim\nOnderwerp: RE: Export",
    "es-outlook": "De: Juan Pérez <juan@growboard.example>\nEnviado el: viernes, 5 de enero de 2024 15:02\n"
    "Para: Jae Kim\nAsunto: RE: Export",
    "pl-outlook": "Od: Jan Kowalski <jan@growboard.example>\nWysłano: piątek, 5 stycznia 2024 15:02\n"
    "Do: Jae Kim\nTemat: RE: Export",
    "zimbra-fr": '----- Mail original -----\nDe: "Jean Dupont" <jean@growboard.example>\nÀ: "Jae"\n'
    "Envoyé: Vendredi 5 Janvier 2024 15:02:03\nObjet: Export",
    "date-first": "Date: Fri, 5 Jan 2024 15:02:03 +0900\nFrom: mina@growboard.example\nSubject: Export",
}


@pytest.mark.parametrize("header", HEADER_BLOCKS.values(), ids=HEADER_BLOCKS.keys())
def test_outlook_header_block_starts_the_history(header: str) -> None:
    parts = extract_reply(f"Thanks, received.\n\n{header}\n\nThe original message.\n\n> even older\n")
    assert parts.text == "Thanks, received."
    assert parts.attribution == (header,)
    assert parts.quote == "The original message.\n\n> even older"


def test_a_from_line_in_the_users_own_text_is_not_a_header() -> None:
    body = "I will be away.\nFrom: Monday\nTo: Friday\nPlease write to support in the meantime."
    assert extract_reply(body).text == body


# --- signatures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signature",
    [
        "Sent from my iPhone",
        "Sent from my iPad",
        "Sent from my Galaxy",
        "갤럭시에서 보냄",
        "iPhone에서 보냄",
        "Samsung Galaxy 스마트폰에서 보냈습니다.",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPhone",
        "Enviado desde mi iPhone",
        "iPhoneから送信",
        "发自我的iPhone",
        "Get Outlook for iOS<https://aka.ms/o0ukef>",
        "Sent from Outlook for Android",
    ],
)
def test_mobile_signature_is_set_apart(signature: str) -> None:
    attribution = "On Fri, Jan 5, 2024 at 3:02 PM Mina <mina@x.example> wrote:"
    body = f"Yes, please go ahead.\n\n{signature}\n\n{attribution}\n> ok?"
    parts = extract_reply(body)
    assert parts.text == "Yes, please go ahead."
    assert parts.signature == signature
    assert parts.text_with_signature == f"Yes, please go ahead.\n\n{signature}"


def test_dash_dash_signature_runs_to_the_quote() -> None:
    body = "See attached.\n\n-- \nJae Kim | Hanbit Shop\n+82 2 555 0100\n\n> older text\n\nOne more thing."
    parts = extract_reply(body)
    assert parts.text == "See attached.\n\nOne more thing."
    assert parts.signature == "--\nJae Kim | Hanbit Shop\n+82 2 555 0100"


def test_sign_offs_are_the_senders_words_and_stay() -> None:
    body = (
        "The report is fine now.\n\nBest regards,\nJae\n\nOn Fri, Jan 5, 2024 Mina <m@x.example> wrote:\n> ?"
    )
    assert extract_reply(body).text == "The report is fine now.\n\nBest regards,\nJae"


def test_a_sentence_starting_like_a_mobile_signature_stays() -> None:
    body = "Here is the file.\n\nSent from my desk, which is easier than from my phone."
    assert extract_reply(body).text == body


def test_mailing_list_footer_and_dash_name_are_signature() -> None:
    body = (
        "How do I clear a bucket?\n\n-Jae\n\n"
        "_______________________________________________\nusers mailing list\nusers@lists.example\n"
    )
    parts = extract_reply(body)
    assert parts.text == "How do I clear a bucket?"
    assert "users mailing list" in parts.signature


def test_a_list_item_at_the_end_is_not_a_dash_signature() -> None:
    body = "Two things fail:\n-Export\n-Login"
    assert extract_reply(body).text == body


# --- forwarded messages ----------------------------------------------------------------------------


def test_gmail_forward_comes_back_as_its_own_message_with_sender_and_date() -> None:
    body = (
        "FYI, a customer's complaint below.\n"
        "\n"
        "---------- Forwarded message ---------\n"
        "From: Jae Kim <jae@hanbit.example>\n"
        "Date: Fri, Jan 5, 2024 at 3:02 PM\n"
        "Subject: Settlement report is wrong\n"
        "To: <support@growboard.example>\n"
        "\n"
        "\n"
        "The March settlement misses two orders.\n"
        "\n"
        "On Thu, Jan 4, 2024 at 9:00 AM Mina <mina@growboard.example> wrote:\n"
        "> Here is your report.\n"
    )
    parts = extract_reply(body)
    assert parts.text == "FYI, a customer's complaint below."
    (fwd,) = parts.forwarded
    assert fwd.sender == "Jae Kim <jae@hanbit.example>"
    assert fwd.date == "Fri, Jan 5, 2024 at 3:02 PM"
    assert fwd.subject == "Settlement report is wrong"
    assert fwd.to == "<support@growboard.example>"
    assert fwd.text == "The March settlement misses two orders."
    assert (
        fwd.body.startswith("The March settlement misses two orders.")
        and "> Here is your report." in fwd.body
    )
    assert [s.part for s in parts.segments][-1] is Part.FORWARD_HEADER


def test_korean_forward_header_is_parsed() -> None:
    body = (
        "----- 전달된 메시지 -----\n"
        "보낸 사람: 이재 <jae@hanbit.example>\n"
        "날짜: 2024년 1월 5일 (금) 오후 3:02\n"
        "제목: 정산 문의\n"
        "\n"
        "정산 금액이 맞지 않습니다.\n"
    )
    parts = extract_reply(body)
    assert parts.text == ""
    (fwd,) = parts.forwarded
    assert (fwd.sender, fwd.date, fwd.subject) == (
        "이재 <jae@hanbit.example>",
        "2024년 1월 5일 (금) 오후 3:02",
        "정산 문의",
    )
    assert fwd.text == "정산 금액이 맞지 않습니다."


def test_apple_mail_forward_with_quoted_header() -> None:
    body = (
        "Begin forwarded message:\n"
        "\n"
        "> From: Hans Müller <hans@growboard.example>\n"
        "> Subject: Rechnung\n"
        "> Date: January 5, 2024 at 15:02:03 GMT+1\n"
        "> To: support@growboard.example\n"
        ">\n"
        "> Die Rechnung fehlt.\n"
    )
    (fwd,) = extract_reply(body).forwarded
    assert fwd.sender == "Hans Müller <hans@growboard.example>"
    assert fwd.date == "January 5, 2024 at 15:02:03 GMT+1"
    assert fwd.text == "Die Rechnung fehlt."


def test_thunderbird_german_forward() -> None:
    body = (
        "Bitte ansehen.\n\n-------- Weitergeleitete Nachricht --------\nBetreff: \tRechnung\n"
        "Datum: \tFri, 5 Jan 2024 15:02:03 +0100\nVon: \tHans <hans@growboard.example>\nAn: \tsupport\n\n"
        "Die Rechnung fehlt.\n"
    )
    parts = extract_reply(body)
    assert parts.text == "Bitte ansehen."
    assert parts.forwarded[0].sender == "Hans <hans@growboard.example>"
    assert parts.forwarded[0].subject == "Rechnung"


def test_outlook_forward_is_told_by_the_subject() -> None:
    body = (
        "Please handle this one.\n\n________________________________\nFrom: Jae Kim <jae@hanbit.example>\n"
        "Sent: Friday, January 5, 2024 3:02 PM\nTo: Mina\nSubject: Export broken\n\nThe export is broken.\n"
    )
    as_reply = extract_reply(body, subject="RE: Export broken")
    assert as_reply.forwarded == () and "The export is broken." in as_reply.quote
    as_forward = extract_reply(body, subject="FW: Export broken")
    assert as_forward.text == "Please handle this one."
    assert as_forward.forwarded[0].sender == "Jae Kim <jae@hanbit.example>"
    assert as_forward.forwarded[0].text == "The export is broken."
    assert extract_reply(body, subject="전달: Export broken").forwarded[0].subject == "Export broken"


def test_a_body_that_starts_with_a_header_block_is_a_forward_without_comment() -> None:
    body = (
        "From: Jae Kim <jae@hanbit.example>\nSent: Friday, January 5, 2024 3:02 PM\nSubject: Export\n\nOops."
    )
    parts = extract_reply(body)
    assert parts.text == ""
    assert parts.forwarded[0].text == "Oops."
    assert extract_reply(body, subject="Re: Export").forwarded == ()


def test_forwards_inside_forwards_are_all_returned() -> None:
    inner = "---------- Forwarded message ---------\nFrom: A <a@x.example>\nDate: Fri, Jan 5, 2024\n\n"
    body = "see below\n\n" + inner + "first\n\n" + inner.replace("A <a", "B <b") + "second\n"
    parts = extract_reply(body)
    assert [f.sender for f in parts.forwarded] == ["A <a@x.example>", "B <b@x.example>"]
    assert [f.text for f in parts.forwarded] == ["first", "second"]


# --- other quote markers ----------------------------------------------------------------------------


def test_pipe_quotes_under_a_colonless_gmail_attribution() -> None:
    body = (
        "Yes, that fixed it.\n\n2013/7/20 Mina via Growboard <mina@growboard.example>\n\n"
        "| Could you clear the cache?\n|\n| Mina\n"
    )
    parts = extract_reply(body)
    assert parts.text == "Yes, that fixed it."
    assert parts.attribution == ("2013/7/20 Mina via Growboard <mina@growboard.example>",)


def test_a_markdown_table_is_not_a_pipe_quote() -> None:
    body = "Our plans:\n| plan | price |\n| basic | 10 |\n| pro | 30 |"
    assert extract_reply(body).text == body


def test_a_decorated_line_is_not_a_quote() -> None:
    body = "Visit us:\n>>> https://growboard.example <<<\nSee you."
    assert extract_reply(body).text == body
