"""What mail clients write around a reply, in the languages we meet, as line predicates.

Every pattern here is matched against ONE line (or a join of at most three) and no group
that may repeat more than once holds a quantifier (optional ``(...)?`` groups at most), so no
pattern backtracks catastrophically; lines longer than :data:`MAX_MARKER_LINE` are never
markers and are not matched at all. Frames of rule characters ("-----") are cut off with
``str.strip`` before a phrase is matched. That keeps reply extraction linear in the input,
whatever the input is.

The tables are written from the clients' own formats (Gmail, Outlook desktop and web,
Apple Mail, Thunderbird, Yahoo, Naver/Daum, mobile apps) in each language; adding a language
is adding words to a table.
"""

from __future__ import annotations

import re

# A longer line is text, never an attribution, header, separator or signature line.
MAX_MARKER_LINE = 400

_WS = r"[ \t\u00a0\u3000]"

# --- quoting ------------------------------------------------------------------------------

# "> text", ">> text", " > text" (some clients indent the marker).
QUOTE_RE = re.compile(r"^[ \t]{0,3}>")

# --- attribution lines ("On <date>, <name> wrote:") -----------------------------------------

# The verb of an attribution line, as clients write it, by language.
_VERBS = [
    r"wrote",
    r"writes",
    r"has written",
    r"schrieb",  # de
    r"schreef",  # nl
    r"het volgende geschreven",  # nl, Apple Mail: "Op ... heeft X het volgende geschreven:"
    r"geschreven",
    r"skrev",  # sv, da, no
    r"skriver",
    r"a [ée]crit",  # fr
    r"[ée]crit",
    r"escribi[óo]",  # es
    r"ha scritto",  # it
    r"scrive",
    r"escreveu",  # pt
    r"napisa[łl]\(a\)",  # pl
    r"napisa[łl]a?",
    r"pisze",
    r"napsal\(a\)",  # cs
    r"napsala?",
    r"nap[íi]sal\(a\)",  # sk
    r"nap[íi]sala?",
    r"написал\(а\)",  # ru
    r"написала?",
    r"пишет",
    r"написав",  # uk
    r"пише",
    r"kirjoitti",  # fi
    r"[íi]rta",  # hu
    r"yazd[ıi]",  # tr
    r"έγραψε",  # el
    r"a scris",  # ro
    r"va escriure",  # ca
    r"ha escrit",
    r"đã viết",  # vi
    r"viết",
    r"kirjutas",  # et
    r"rašė",  # lt
    r"rakstīja",  # lv
    r"je napisal",  # sl
    r"napisao je",  # hr, sr
    r"написа",  # bg
    r"כתב\S{0,2}",  # he
    r"كتب",  # ar
]
_VERB = "(?:" + "|".join(_VERBS) + ")"

# The verb closing the line: "... wrote:", "... a écrit :", "... napisał(a):".
VERB_END_RE = re.compile(r"(?:^|[\s,)>\]])" + _VERB + _WS + r"?[:：]$", re.IGNORECASE)
# Korean, Japanese and Chinese forms close the line without a word boundary before them:
# "...<a@b.kr>님이 작성:", "... 작성:", "...のメール:", "...が書きました:", "...写道：".
CJK_END_RE = re.compile(
    r"(?:작성|のメール|のメッセージ|が書きました|写道|寫道)" + _WS + r"?[:：]$|(?:が書きました|写道|寫道)$"
)
# The verb inside a line that ends with the name: "Am ... schrieb Hans <h@x.de>:",
# "Den ... skrev Sven:", "Kovács <k@x.hu> ezt írta (időpont: ...):".
VERB_INSIDE_RE = re.compile(r"(?:^|\s)" + _VERB + r"(?:\s|$)", re.IGNORECASE)
# Zoho, Android and some webmails: "---- On Mon, ... <a@b> wrote ----" (the caller strips the
# dashes with str.strip, not a regex: a lazy group before a dash run would backtrack).
VERB_BARE_END_RE = re.compile(r"(?:^|\s)" + _VERB + r"$", re.IGNORECASE)

# How an attribution line starts: "On ...", "Le ...", "Am ...", "W dniu ...".
OPENER_WORD_RE = re.compile(
    r"^(?:On|Le|Am|El|Il|Em|Op|Den|På|W dniu|Dnia|Dne|Dňa|Dana|В|У|Vào|Στις|În|Il giorno|在"
    r"|Quoting|Zitat von|Citando|Citat)\s",
    re.IGNORECASE,
)
# An attribution that a client glued to the end of the reply's last line ("reply On ... wrote:").
MIDLINE_OPENER_RE = re.compile(r"(?:\s|-{2,}\s?)(?:On|Le|Am|El|Il|Em|Op|Den|W dniu)\s")
# ... or with its date: "2024년 1월 5일", "2014-03-20 8:48", "пт, 5 янв.", "fre. 5. jan.".
OPENER_DATE_RE = re.compile(r"^\d|^\S{1,12}\s{1,2}\d")
# A time or a year: what makes "... <a@b>:" an attribution rather than a sentence.
DATE_PART_RE = re.compile(r"\d{1,2}[:.h]\d{2}|\d{4}")
# An e-mail address, or its closing bracket, just before the final colon: Gmail's verbless
# forms ("пт, 5 янв. 2024 г. в 15:02, Иван <ivan@x.ru>:", "2014-03-20 8:48 GMT+01:00 Name <a@b>:").
ADDRESS_END_RE = re.compile(r"@[\w.-]{1,255}[>)\]]{0,2}" + _WS + r"?[:：]$")
# Only the verb on the line (the client wrapped the attribution before it).
VERB_ONLY_RE = re.compile(r"^" + _VERB + _WS + r"?[:：]$", re.IGNORECASE)
CJK_ONLY_RE = re.compile(r"^(?:님이" + _WS + r"?)?작성" + _WS + r"?[:：]$")

# --- separators -----------------------------------------------------------------------------

_ORIGINAL_PHRASES = [
    r"original message",
    r"original e-?mail",
    r"mail original",
    r"mail d'origine",
    r"ursprüngliche mail",
    r"původní e-?mail",
    r"원본 이메일",
    r"reply message",
    r"ursprüngliche nachricht",
    r"originalnachricht",
    r"message d'origine",
    r"message original",
    r"mensaje original",
    r"messaggio originale",
    r"mensagem original",
    r"oorspronkelijk bericht",
    r"origineel bericht",
    r"oprindelig meddelelse",
    r"oprindelig besked",
    r"opprinnelig melding",
    r"ursprungligt meddelande",
    r"originalmeddelande",
    r"alkuperäinen viesti",
    r"původní zpráva",
    r"pôvodná správa",
    r"oryginalna wiadomość",
    r"wiadomość oryginalna",
    r"исходное сообщение",
    r"оригинальное сообщение",
    r"исходное письмо",
    r"вихідне повідомлення",
    r"оригінальне повідомлення",
    r"eredeti üzenet",
    r"orijinal mesaj",
    r"αρχικό μήνυμα",
    r"mesaj original",
    r"mesajul original",
    r"missatge original",
    r"izvorna poruka",
    r"originalna poruka",
    r"izvirno sporočilo",
    r"tin nhắn gốc",
    r"thư gốc",
    r"원본 메시지",
    r"원본메시지",
    r"원본 메일",
    r"원본메일",
    r"원래 메시지",
    r"元のメッセージ",
    r"元のメール",
    r"原始邮件",
    r"原始郵件",
    r"原邮件",
    r"原郵件",
    r"original",
]
_FORWARD_PHRASES = [
    r"forwarded message",
    r"forwarded by",
    r"forwarded e-?mail",
    r"weitergeleitete nachricht",
    r"weitergeleitete mail",
    r"message transf[ée]r[ée]",
    r"message r[ée]exp[ée]di[ée]",
    r"mensaje reenviado",
    r"messaggio inoltrato",
    r"mensagem encaminhada",
    r"mensagem reencaminhada",
    r"doorgestuurd bericht",
    r"vidarebefordrat meddelande",
    r"videresendt meddelelse",
    r"videresendt besked",
    r"videresendt melding",
    r"välitetty viesti",
    r"přeposlaná zpráva",
    r"preposlaná správa",
    r"przekazana wiadomość",
    r"wiadomość przekazana dalej",
    r"пересылаемое сообщение",
    r"пересланное сообщение",
    r"переслане повідомлення",
    r"továbbított üzenet",
    r"iletilen mesaj",
    r"προωθημένο μήνυμα",
    r"mesaj redirecționat",
    r"missatge reenviat",
    r"proslijeđena poruka",
    r"tin nhắn đã chuyển tiếp",
    r"전달된 메시지",
    r"전달된 메일",
    r"전달 메시지",
    r"전달한 메시지",
    r"転送されたメッセージ",
    r"転送メッセージ",
    r"转发的邮件",
    r"轉寄的郵件",
    r"已转发邮件",
    r"转发邮件",
]
# Separators are framed by rule characters ("----- Original Message -----"); the caller cuts
# the frame off with str.strip and matches the phrase alone (a regex running a rule-character
# run before an alternation would backtrack over the whole run for every phrase).
RULE_CHARS = "-=_*~"
ORIGINAL_PHRASE_RE = re.compile(r"^(?:" + "|".join(_ORIGINAL_PHRASES) + r")$", re.IGNORECASE)
# Forward separators: framed ("---------- Forwarded message ---------", "----- Forwarded by
# John/ACME on 01/05/2024 -----": the phrase starts the frame's text) ...
FORWARD_PHRASE_RE = re.compile(r"^(?:" + "|".join(_FORWARD_PHRASES) + r")", re.IGNORECASE)
# ... or a sentence (Apple Mail "Begin forwarded message:").
FORWARD_SENTENCE_RE = re.compile(
    r"^(?:begin forwarded message|anfang der weitergeleiteten nachricht"
    r"|d[ée]but du message r[ée]exp[ée]di[ée]|inicio del mensaje reenviado|inizio messaggio inoltrato"
    r"|in[íi]cio da mensagem reencaminhada|begin doorgestuurd bericht|vidarebefordrat meddelande"
    r"|videresendt meddelelse|videresendt melding|начало переадресованного сообщения"
    r"|początek przekazywanej wiadomości|začátek přeposílané zprávy|välitetty viesti alkaa"
    r"|전달된 메시지|전달된 메일|転送されたメッセージ|以下是转发的邮件)" + _WS + r"?[:：]?$",
    re.IGNORECASE,
)
# A horizontal rule standing alone (Outlook's "________________________________" above a header).
RULE_LINE_RE = re.compile(r"^[-_=*]{5,}$")

# --- header blocks ("From: / Sent: / To: / Subject:") ------------------------------------------

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "from": (
        "from", "von", "de", "da", "van", "od", "från", "fra", "frá", "lähettäjä", "feladó",
        "от", "від", "kimden", "από", "expeditor", "remitente", "afzender", "nadawca",
        "odesílatel", "odosielateľ", "pošiljatelj", "보낸 사람", "보낸사람", "발신", "差出人", "发件人",
        "發件人", "寄件者", "người gửi", "sender",
    ),
    "date": (
        "sent", "date", "datum", "gesendet", "gesendet am", "envoyé", "envoyé le", "envoye", "enviado",
        "enviado el", "enviado em", "enviada", "enviada em", "fecha",
        "data", "inviato", "verzonden", "verstuurd", "wysłano", "wysłane", "skickat", "sendt",
        "lähetetty", "päivämäärä", "elküldve", "dátum", "отправлено", "дата", "надіслано",
        "gönderildi", "tarih", "στάλθηκε", "ημερομηνία", "trimis", "odesláno", "odoslané",
        "poslano", "보낸 날짜", "보낸날짜", "날짜", "送信日時", "日付", "发送时间", "發送時間",
        "日期", "时间", "時間", "寄件日期", "đã gửi", "ngày", "sent at",
    ),
    "to": (
        "to", "an", "à", "a", "para", "aan", "do", "till", "til", "vastaanottaja", "címzett",
        "кому", "kime", "προς", "către", "komu", "prima", "받는 사람", "받는사람", "수신", "宛先",
        "收件人", "收件者", "người nhận",
    ),
    "cc": (
        "cc", "kopie", "copie à", "copia", "kopia", "копия", "копія", "참조", "抄送", "副本", "bcc",
        "reply-to", "antwort an", "répondre à", "responder a", "rispondi a", "antwoord aan",
    ),
    "subject": (
        "subject", "betreff", "objet", "asunto", "oggetto", "assunto", "onderwerp", "temat",
        "ämne", "emne", "aihe", "tárgy", "тема", "konu", "θέμα", "subiect", "předmět", "predmet", "sujet",
        "제목", "件名", "主题", "主旨", "主題", "tiêu đề", "assumpte",
    ),
}  # fmt: skip
_FIELD_ALTERNATION = "|".join(
    re.escape(name)
    for name in sorted({n for names in FIELD_NAMES.values() for n in names}, key=len, reverse=True)
)
# "From: x", "*From:* x" (bold in a plain-text rendering of HTML), "De : x", "发件人：x".
FIELD_RE = re.compile(
    r"^[ \t]{0,4}\*{0,2}(" + _FIELD_ALTERNATION + r")\*{0,2}" + _WS + r"?[:：]\*{0,2}", re.IGNORECASE
)
FIELD_KIND = {name: kind for kind, names in FIELD_NAMES.items() for name in names}

# Subject prefixes that say the message is a forward (for Outlook forwards, which look like replies).
FORWARD_SUBJECT_RE = re.compile(
    # Fwd/FW, WG (de), TR (fr), RV (es), ENC (pt), Doorst (nl), VL (fi), PD (pl), I (it), ...
    # ("VS:" is left out: a forward in Norwegian and Danish, a reply in Finnish.)
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:fwd?|fw|wg|tr|rv|enc|doorst|vl|pd|i|továbbítás|"
    r"пересл|전달|転送|转发|轉寄)\s*(?:\[\d+\])?\s*[:：]",
    re.IGNORECASE,
)

REPLY_SUBJECT_RE = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|aw|sv|odp|res|rif|r|ynt|antw|отв|回复|回覆|答复|답장|회신|返信)"
    r"\s*(?:\[\d+\])?\s*[:：]",
    re.IGNORECASE,
)

# --- signatures -----------------------------------------------------------------------------

# RFC 3676 "-- " (many clients trim the space), and the underscore rule of mailing-list footers
# (an underscore rule above a reply header is the history instead; that is checked first).
SIG_DELIMITER_RE = re.compile(r"^(?:--|_{2,})$")
# What mobile and desktop apps append: "Sent from my iPhone", "갤럭시에서 보냄", ...
MOBILE_SIG_RE = re.compile(
    r"^(?:sent (?:from|with|via|using|on) |get \[?outlook for |download \[?outlook for |"
    r"diese nachricht wurde von meinem |"
    r"von meinem .{1,40} gesendet|gesendet (?:von|mit|vom) |envoy[ée] (?:de|depuis|avec|à partir) |"
    r"enviado (?:desde|do|de|con|com|a partir) |inviato da |verzonden (?:met|vanaf|van) |"
    r"verstuurd (?:met|vanaf|van) |skickat från |sendt fra |wysłane (?:z|ze) |odesláno z |"
    r"odoslané z |lähetetty |отправлено (?:с|из|со) |надіслано з |iphone'?dan gönderildi|"
    r"[^\n]{1,40}에서 보냄|[^\n]{1,40}에서 보냈습니다|[^\n]{1,40}から送信|发自我的|寄自我的|"
    r"从我的[^\n]{1,30}发送|從我的[^\n]{1,30}傳送)",
    re.IGNORECASE,
)
MAX_MOBILE_SIG = 90
