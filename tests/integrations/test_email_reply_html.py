"""Reply extraction on HTML bodies, as each client marks its quoted history (fixtures written here)."""

from __future__ import annotations

from frontdoor.integrations.email_reply import extract_reply


def test_gmail_quote_attribution_and_signature() -> None:
    html = (
        '<div dir="ltr">Thanks, it works now.<div><br></div><div>One more question: can we export PDF?</div>'
        '<div><br clear="all"><div><br></div>-- <br><div dir="ltr" class="gmail_signature" '
        'data-smartmail="gmail_signature">Jae Kim<br>Hanbit Shop</div></div></div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Fri, Jan 5, 2024 at 3:02 PM Mina Park '
        "&lt;mina@growboard.example&gt; wrote:<br></div>"
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
        'rgb(204,204,204);padding-left:1ex"><div dir="ltr">Could you try again?</div></blockquote></div>'
    )
    parts = extract_reply(html, html=True)
    assert parts.text == "Thanks, it works now.\n\nOne more question: can we export PDF?"
    assert parts.signature == "--\nJae Kim\nHanbit Shop"
    assert parts.attribution == ("On Fri, Jan 5, 2024 at 3:02 PM Mina Park <mina@growboard.example> wrote:",)
    assert parts.quote == "Could you try again?"


def test_gmail_indent_is_the_senders_own_text() -> None:
    html = (
        '<div dir="ltr">Steps:<blockquote style="margin:0 0 0 40px;border:none;padding:0px">'
        "<div>1. open the report</div><div>2. press export</div></blockquote></div>"
    )
    assert extract_reply(html, html=True).text == "Steps:\n1. open the report\n2. press export"


def test_outlook_desktop_border_top_separator() -> None:
    html = (
        '<html><head><style>p.MsoNormal{margin:0cm}</style></head><body><div class="WordSection1">'
        '<p class="MsoNormal">Danke für die schnelle Antwort.<o:p></o:p></p>'
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        '<p class="MsoNormal"><b>Von:</b> Hans Müller &lt;hans@growboard.example&gt; <br><b>Gesendet:</b> '
        "Freitag, 5. Januar 2024 15:02<br><b>An:</b> Jae Kim<br><b>Betreff:</b> Rechnung</p></div>"
        '<p class="MsoNormal">Die Rechnung ist unterwegs.</p></div></body></html>'
    )
    parts = extract_reply(html, html=True)
    assert parts.text == "Danke für die schnelle Antwort."
    assert parts.attribution[0].startswith("Von: Hans Müller")
    assert "Die Rechnung ist unterwegs." in parts.quote


def test_outlook_web_divrplyfwdmsg_in_korean() -> None:
    html = (
        '<div dir="ltr"><div>확인했습니다. 감사합니다.</div></div><div id="appendonsend"></div>'
        '<hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>보낸 사람:</b> 김상담 '
        "&lt;kim@growboard.example&gt;<br><b>보낸 날짜:</b> 2024년 1월 5일 금요일 오후 3:02<br>"
        "<b>받는 사람:</b> 이재<br><b>제목:</b> 세금계산서</font><div>&nbsp;</div></div>"
        "<div>세금계산서를 다시 발행했습니다.</div>"
    )
    parts = extract_reply(html, html=True)
    assert parts.text == "확인했습니다. 감사합니다."
    assert "세금계산서를 다시 발행했습니다." in parts.quote


def test_apple_mail_blockquote_type_cite() -> None:
    html = (
        "<html><body><div>Oui, merci.</div><div><br></div><div>Envoyé de mon iPhone</div><div><br>"
        '<blockquote type="cite">Le 5 janv. 2024 à 15:02, Jean &lt;jean@growboard.example&gt; '
        "a écrit&nbsp;:<br><br></blockquote></div>"
        '<blockquote type="cite"><div>C\'est bon pour vous ?</div></blockquote></body></html>'
    )
    parts = extract_reply(html, html=True)
    assert parts.text == "Oui, merci."
    assert parts.signature == "Envoyé de mon iPhone"
    assert "C'est bon pour vous ?" in parts.quote


def test_thunderbird_cite_prefix_and_signature() -> None:
    html = (
        "<html><body><p>Das passt.</p>"
        '<div class="moz-cite-prefix">Am 05.01.24 um 15:02 schrieb Hans:<br></div>'
        '<blockquote type="cite" cite="mid:1@growboard.example">Passt Dienstag?</blockquote>'
        "<p>Bis dann.</p>"
        '<pre class="moz-signature" cols="72">-- \nJae Kim\nHanbit Shop</pre></body></html>'
    )
    parts = extract_reply(html, html=True)
    assert parts.text == "Das passt.\nBis dann."
    assert parts.attribution == ("Am 05.01.24 um 15:02 schrieb Hans:",)
    assert parts.signature == "--\nJae Kim\nHanbit Shop"


def test_yahoo_quoted_history() -> None:
    html = (
        '<html><body><div class="ydp1"><div>Sounds good.</div></div>'
        '<div id="yahoo_quoted_123" class="yahoo_quoted"><div>On Friday, January 5, 2024, 03:02:11 PM GMT+9, '
        "Mina &lt;mina@growboard.example&gt; wrote:</div><div><br></div>"
        '<div class="y_msg_container">Shall we meet?</div></div></body></html>'
    )
    parts = extract_reply(html, html=True)
    assert parts.text == "Sounds good."
    assert "Shall we meet?" in parts.quote


def test_gmail_html_forward_keeps_the_forwarded_message() -> None:
    html = (
        '<div dir="ltr">See below.<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        '---------- Forwarded message ---------<br>From: <b class="gmail_sendername">Jae Kim</b> '
        "<span>&lt;jae@hanbit.example&gt;</span><br>Date: Fri, Jan 5, 2024 at 3:02 PM<br>"
        "Subject: Export<br>To: &lt;support@growboard.example&gt;<br></div><br><br>"
        '<div dir="ltr">The export is broken.</div></div></div>'
    )
    parts = extract_reply(html, html=True)
    assert parts.text == "See below."
    (fwd,) = parts.forwarded
    assert fwd.sender == "Jae Kim <jae@hanbit.example>"
    assert fwd.date == "Fri, Jan 5, 2024 at 3:02 PM"
    assert fwd.text == "The export is broken."


def test_scripts_styles_and_entities() -> None:
    html = "<style>.x{}</style><script>alert(1)</script><p>A &amp; B &lt;ok&gt;</p>"
    assert extract_reply(html, html=True).text == "A & B <ok>"


def test_an_unclosed_head_does_not_hide_the_body() -> None:
    assert extract_reply("<html><head><title>t</title><body><p>Hello</p>", html=True).text == "Hello"
