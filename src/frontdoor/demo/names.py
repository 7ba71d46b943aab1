# ruff: noqa: E501
"""Names for the demo: people, shops, products, the vendor's own team.

Every Korean name carries a romanization so emails and domains look like real ones.
Domains end in ``.example`` (reserved, RFC 2606) so no demo email can ever reach a real
mailbox, even when a demo instance is configured with SMTP.
"""

from __future__ import annotations

WORKSPACE_SLUG = "demo"
WORKSPACE_NAME = "그로우보드 Growboard (데모)"

# (한글, romanization)
SURNAMES: tuple[tuple[str, str], ...] = (
    ("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"),
    ("강", "kang"), ("조", "cho"), ("윤", "yoon"), ("장", "jang"), ("임", "lim"),
    ("한", "han"), ("오", "oh"), ("서", "seo"), ("신", "shin"), ("권", "kwon"),
    ("황", "hwang"), ("안", "ahn"), ("송", "song"), ("류", "ryu"), ("홍", "hong"),
    ("전", "jeon"), ("고", "ko"), ("문", "moon"), ("양", "yang"), ("배", "bae"),
)  # fmt: skip

GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("민지", "minji"), ("서연", "seoyeon"), ("지훈", "jihoon"), ("도윤", "doyoon"),
    ("하은", "haeun"), ("수빈", "subin"), ("예린", "yerin"), ("현우", "hyunwoo"),
    ("지민", "jimin"), ("유진", "yujin"), ("은지", "eunji"), ("민준", "minjun"),
    ("서준", "seojun"), ("다은", "daeun"), ("채원", "chaewon"), ("지아", "jia"),
    ("승민", "seungmin"), ("혜진", "hyejin"), ("준영", "junyoung"), ("소희", "sohee"),
    ("태윤", "taeyoon"), ("가은", "gaeun"), ("동현", "donghyun"), ("보람", "boram"),
    ("상우", "sangwoo"), ("나연", "nayeon"), ("재희", "jaehee"), ("윤서", "yoonseo"),
    ("정훈", "junghoon"), ("아름", "areum"), ("성호", "sungho"), ("미정", "mijung"),
    ("경민", "kyungmin"), ("수아", "sua"), ("한결", "hangyeol"), ("진우", "jinwoo"),
)  # fmt: skip

EN_FIRST: tuple[str, ...] = (
    "Emily", "Daniel", "Grace", "Jason", "Sophie", "Kevin", "Olivia", "Ryan", "Chloe", "Brian",
    "Hannah", "Eric", "Julia", "Sean", "Mia", "Andrew", "Lauren", "Justin", "Amy", "Chris",
)  # fmt: skip
EN_LAST: tuple[str, ...] = (
    "Kim", "Park", "Lee", "Choi", "Miller", "Nguyen", "Tanaka", "Smith", "Garcia", "Jung",
    "Brown", "Cho", "Wilson", "Yoon", "Clark",
)  # fmt: skip

# First half of a shop name: (한글, romanization).
SHOP_HEADS: tuple[tuple[str, str], ...] = (
    ("달빛", "dalbit"), ("하루", "haru"), ("소소", "soso"), ("모리", "mori"), ("봄날", "bomnal"),
    ("온새", "onsae"), ("해담", "haedam"), ("누리", "nuri"), ("바른", "bareun"), ("숲속", "supsok"),
    ("라온", "raon"), ("다온", "daon"), ("마루", "maru"), ("초록", "chorok"), ("별빛", "byeolbit"),
    ("구름", "gureum"), ("담다", "damda"), ("청담", "cheongdam"), ("어반", "urban"), ("데일리", "daily"),
    ("모던", "modern"), ("리틀", "little"), ("코지", "cozy"), ("블룸", "bloom"), ("노바", "nova"),
    ("루미", "lumi"), ("오롯", "orot"), ("나린", "narin"), ("윤슬", "yunseul"), ("가온", "gaon"),
    ("단비", "danbi"), ("새벽", "saebyeok"), ("한올", "hanol"), ("여름", "yeoreum"), ("미소", "miso"),
    ("포근", "pogeun"), ("제주", "jeju"), ("한빛", "hanbit"), ("이음", "ieum"), ("다정", "dajeong"),
)  # fmt: skip

# Segment -> second half of a shop name, and typical products.
SEGMENTS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "패션": {
        "tails": (("옷장", "closet"), ("스튜디오", "studio"), ("부티크", "boutique"), ("웨어", "wear"),
                  ("슈즈", "shoes"), ("데님", "denim"), ("니트", "knit")),
        "products": (("린넨 셔츠", "linen shirt"), ("와이드 슬랙스", "wide slacks"), ("가디건", "cardigan"),
                     ("원피스", "dress"), ("로퍼", "loafers"), ("트렌치코트", "trench coat")),
    },
    "뷰티": {
        "tails": (("코스메틱", "cosmetic"), ("뷰티", "beauty"), ("스킨", "skin"), ("랩", "lab"),
                  ("향수공방", "perfume")),
        "products": (("비타민C 세럼", "vitamin C serum"), ("선크림", "sunscreen"), ("클렌징 오일", "cleansing oil"),
                     ("립틴트", "lip tint"), ("수분 크림", "moisturizer"), ("핸드크림", "hand cream")),
    },
    "식품": {
        "tails": (("푸드", "food"), ("농원", "farm"), ("베이커리", "bakery"), ("식탁", "table"),
                  ("상회", "market"), ("찻집", "teahouse")),
        "products": (("유기농 쌀", "organic rice"), ("수제 그래놀라", "granola"), ("한우 선물세트", "hanwoo gift set"),
                     ("제주 감귤", "jeju tangerines"), ("콤부차", "kombucha"), ("김치", "kimchi")),
    },
    "리빙": {
        "tails": (("리빙", "living"), ("하우스", "house"), ("홈", "home"), ("공방", "craft"),
                  ("가구", "furniture"), ("키친", "kitchen")),
        "products": (("원목 도마", "wooden cutting board"), ("차렵이불", "comforter"), ("디퓨저", "diffuser"),
                     ("수납장", "storage cabinet"), ("머그컵", "mug"), ("러그", "rug")),
    },
    "디지털": {
        "tails": (("테크", "tech"), ("디지털", "digital"), ("기어", "gear"), ("모바일", "mobile")),
        "products": (("무선 충전기", "wireless charger"), ("폰케이스", "phone case"), ("블루투스 이어폰", "earbuds"),
                     ("키보드", "keyboard"), ("보조배터리", "power bank")),
    },
    "반려동물": {
        "tails": (("펫", "pet"), ("멍냥", "petshop"), ("펫푸드", "petfood")),
        "products": (("강아지 간식", "dog treats"), ("고양이 모래", "cat litter"), ("펫 방석", "pet cushion"),
                     ("하네스", "harness")),
    },
}  # fmt: skip

SEGMENT_WEIGHTS: dict[str, int] = {"패션": 30, "뷰티": 22, "식품": 18, "리빙": 15, "디지털": 9, "반려동물": 6}

# Names of English-speaking shops (mostly Shopify sellers selling K-products abroad).
EN_SHOP_HEADS: tuple[str, ...] = (
    "Seoul", "Hanok", "Kimchi Lab", "Glow", "Dawn", "Maple", "Bamboo", "Cloud", "Jeju", "Moonlit",
    "Han River", "Pine", "Lotus", "Gangnam", "Mochi",
)  # fmt: skip
EN_SHOP_TAILS: dict[str, tuple[str, ...]] = {
    "패션": ("Apparel", "Threads", "Closet"),
    "뷰티": ("Beauty", "Skin Co.", "Glow Lab"),
    "식품": ("Pantry", "Snacks", "Foods"),
    "리빙": ("Home", "Goods", "Living"),
    "디지털": ("Gadgets", "Tech"),
    "반려동물": ("Pets",),
}

CORP_FORMS: tuple[str, ...] = ("", "", "", "(주)", "주식회사 ")

PRACTITIONER_TITLES: tuple[tuple[str, str], ...] = (
    ("마케터", "Marketer"), ("퍼포먼스 마케터", "Performance Marketer"), ("MD", "Merchandiser"),
    ("운영 담당", "Operations"), ("CS 매니저", "CS Manager"), ("디자이너", "Designer"),
    ("데이터 분석 담당", "Data Analyst"), ("콘텐츠 마케터", "Content Marketer"),
)  # fmt: skip
DECISION_TITLES: tuple[tuple[str, str], ...] = (
    ("대표", "CEO"), ("이사", "Director"), ("마케팅 팀장", "Head of Marketing"),
    ("운영 본부장", "Head of Operations"), ("이커머스 팀장", "Head of E-commerce"),
)  # fmt: skip

# The vendor's own team: (email local part, 이름, role, product area, language).
TEAM: tuple[tuple[str, str, str, str | None], ...] = (
    ("seoyeon.park", "박서연", "cx", None),
    ("junho.lee", "이준호", "cx", None),
    ("yujin.choi", "최유진", "cx", None),
    ("haneul.jung", "정하늘", "cx", None),
    ("jimin.han", "한지민", "cx", None),
    ("jaewon.yoon", "윤재원", "product", "area/dashboard"),
    ("minseo.kang", "강민서", "product", "area/templates"),
    ("sehun.oh", "오세훈", "engineer", "area/dashboard"),
    ("sua.lim", "임수아", "engineer", "area/editor"),
    ("taeyang.kwon", "권태양", "engineer", "area/integrations"),
)
TEAM_DOMAIN = "growboard.example"
ADMIN_EMAIL = "demo@frontdoor.local"
ADMIN_NAME = "김도현"
# Printed by ``frontdoor demo``; the demo is local sample data, so a fixed password is fine.
DEMO_PASSWORD = "frontdoor-demo"  # noqa: S105
