# ruff: noqa: E501
"""Building blocks of demo conversations, in Korean and English.

Each product area that customers talk about has its own sentences (bugs, requests, questions,
answers, praise); the frames around them (greetings, context, urgency, churn threats, business
goals, agent replies) are shared. The generator composes messages from these parts so that
thousands of conversations read differently while each still says what its tags claim.

Slots filled by the generator: ``{platform}``, ``{product}``, ``{n}``, ``{n2}``, ``{day}``,
``{month}``, ``{agent}``, ``{shop}``, ``{name}``, ``{obj}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Pair = tuple[str, str]  # (한국어, English)


@dataclass(frozen=True)
class AreaText:
    """What customers say about one product area."""

    obj: Pair
    weight: float
    bug: tuple[Pair, ...] = ()
    req: tuple[Pair, ...] = ()
    q: tuple[Pair, ...] = ()
    ans: tuple[Pair, ...] = ()
    praise: tuple[Pair, ...] = ()
    # Types this area produces more often than the generic mix; each mention doubles the weight.
    types: tuple[str, ...] = field(default=())


AREAS: dict[str, AreaText] = {
    "area/templates/detail-page": AreaText(
        ("상세페이지 템플릿", "detail page templates"),
        9,
        bug=(
            (
                "상세페이지 템플릿에서 이미지 영역을 늘리면 아래 문단이 겹쳐서 보여요.",
                "When I enlarge the image block in the detail page template, the paragraph below overlaps it.",
            ),
            (
                "상세페이지를 저장하고 다시 열면 {n}번째 섹션 배경색이 흰색으로 돌아가 있어요.",
                "After saving the detail page and reopening it, section {n} has its background reset to white.",
            ),
            (
                "상세페이지 미리보기랑 실제 적용된 화면의 글자 간격이 달라요.",
                "Letter spacing differs between the detail page preview and the published page.",
            ),
        ),
        req=(
            (
                "{product} 같은 상품은 비교표가 중요한데, 상세페이지 템플릿에 비교표 블록이 있으면 좋겠어요.",
                "For products like {product} a comparison table matters; please add a comparison table block.",
            ),
            (
                "상세페이지 템플릿을 카테고리별로 더 다양하게 만들어 주세요. {segment} 쪽은 고를 게 별로 없어요.",
                "Please add more detail page templates per category; there is little to choose from for our category.",
            ),
            (
                "상세페이지에 GIF나 짧은 영상을 넣을 수 있게 해주세요.",
                "Please let us put GIFs or short videos into detail pages.",
            ),
            (
                "상세페이지 템플릿 길이가 너무 길어요. 섹션을 통째로 접거나 뺄 수 있었으면 해요.",
                "Detail page templates are very long; we would like to collapse or drop whole sections.",
            ),
        ),
        q=(
            (
                "상세페이지 템플릿 하나를 여러 상품에 같이 써도 되나요?",
                "Can I reuse one detail page template for several products?",
            ),
            (
                "상세페이지 가로 폭이 860px로 고정인가요? 스마트스토어 권장 사이즈에 맞추고 싶어서요.",
                "Is the detail page width fixed at 860px? I want to match Smartstore's recommended size.",
            ),
        ),
        ans=(
            (
                "네, 구독 중에는 같은 템플릿을 상품 수 제한 없이 쓰실 수 있어요.",
                "Yes, while subscribed you can reuse a template for any number of products.",
            ),
            (
                "편집 화면 오른쪽 위 '캔버스 설정'에서 폭을 860px, 1000px 중에 고르실 수 있습니다.",
                "Open 'Canvas settings' at the top right of the editor and choose 860px or 1000px width.",
            ),
        ),
        praise=(
            (
                "상세페이지 템플릿 덕분에 외주 안 맡기고 하루 만에 신상품 페이지를 올렸어요.",
                "Thanks to the detail page templates we published a new product page in a day, no agency.",
            ),
        ),
    ),
    "area/templates/banner": AreaText(
        ("배너 템플릿", "banner templates"),
        4,
        bug=(
            (
                "메인 배너 템플릿에서 글자를 바꾸면 글자 크기가 자꾸 원래대로 돌아가요.",
                "In the main banner template the text size keeps resetting when I edit the text.",
            ),
        ),
        req=(
            (
                "띠배너 사이즈 프리셋에 {platform} 모바일 사이즈도 추가해 주세요.",
                "Please add {platform} mobile sizes to the strip banner presets.",
            ),
            (
                "배너를 여러 사이즈로 한 번에 만들어 주는 기능이 있으면 좋겠어요.",
                "It would be great to generate one banner in several sizes at once.",
            ),
        ),
        q=(
            (
                "배너 템플릿도 상업적으로 광고 소재에 써도 되나요?",
                "May we use banner templates in paid ad creatives?",
            ),
        ),
        ans=(
            (
                "네, 유료 플랜에서는 광고 소재로도 쓰실 수 있어요. 다만 템플릿 자체를 재판매하시면 안 됩니다.",
                "Yes, paid plans include ad use; reselling the template itself is not allowed.",
            ),
        ),
    ),
    "area/templates/shop-skin": AreaText(
        ("쇼핑몰 스킨", "shop skins"),
        6,
        bug=(
            (
                "스킨 적용 후에 {platform} 장바구니 버튼이 모바일에서 안 눌려요.",
                "After applying the skin, the cart button on {platform} does not respond on mobile.",
            ),
            (
                "스킨을 바꾼 뒤로 상품 목록이 한 줄에 {n}개가 아니라 1개씩 나와요.",
                "Since switching skins, the product list shows one item per row instead of {n}.",
            ),
        ),
        req=(
            (
                "스킨 메인 화면에 후기 슬라이드 영역이 있었으면 해요.",
                "We would love a review carousel section on the skin's main page.",
            ),
            (
                "쇼핑몰 스킨 색상을 브랜드 컬러로 한 번에 바꾸는 기능이 필요해요.",
                "We need a way to switch the whole skin to our brand colors at once.",
            ),
        ),
        q=(
            (
                "스킨을 바꾸면 기존에 꾸며둔 메인 화면은 없어지나요?",
                "If we switch skins, do we lose the main page we customized?",
            ),
        ),
        ans=(
            (
                "기존 스킨은 '디자인 보관함'에 그대로 남아 있어서 언제든 되돌리실 수 있어요.",
                "Your previous skin stays in the design library, so you can switch back anytime.",
            ),
        ),
        praise=(
            (
                "새 스킨으로 바꾸고 나서 모바일 이탈률이 눈에 띄게 줄었어요.",
                "Our mobile bounce rate dropped noticeably after switching to the new skin.",
            ),
        ),
    ),
    "area/templates/event-page": AreaText(
        ("이벤트 페이지 템플릿", "event page templates"),
        2.5,
        req=(
            (
                "기획전 페이지에 타이머(카운트다운) 블록을 넣고 싶어요.",
                "We want a countdown timer block for promotion pages.",
            ),
            (
                "이벤트 페이지에서 쿠폰 다운로드 버튼을 바로 만들 수 있게 해주세요.",
                "Please let us add a coupon download button right on event pages.",
            ),
        ),
        q=(
            (
                "이벤트 끝나면 페이지를 자동으로 내릴 수 있나요?",
                "Can an event page be unpublished automatically when the event ends?",
            ),
        ),
        ans=(
            (
                "예약 게시 기능에서 종료 일시를 지정하시면 자동으로 비공개 처리됩니다.",
                "Set an end time in scheduled publishing and the page is hidden automatically.",
            ),
        ),
    ),
    "area/templates/thumbnail": AreaText(
        ("썸네일 템플릿", "thumbnail templates"),
        2.5,
        req=(
            (
                "쿠팡 대표 이미지 규정에 맞는 썸네일 템플릿도 만들어 주세요. 흰 배경 규정 때문에 매번 고쳐요.",
                "Please add thumbnails that follow Coupang's main-image rules; we fix the white background every time.",
            ),
        ),
        q=(
            (
                "썸네일에 글자를 넣으면 스마트스토어에서 노출 불이익이 있나요?",
                "Does text on a thumbnail hurt exposure on Smartstore?",
            ),
        ),
        ans=(
            (
                "스마트스토어는 대표 이미지의 과도한 텍스트를 권장하지 않아요. '마켓 규정 체크' 버튼으로 미리 확인하실 수 있어요.",
                "Smartstore discourages heavy text on main images; use the 'marketplace rules check' button first.",
            ),
        ),
    ),
    "area/templates/mobile": AreaText(
        ("모바일 화면", "mobile layout"),
        2.5,
        bug=(
            (
                "PC에서는 괜찮은데 모바일에서 상세페이지 글자가 너무 작게 나와요.",
                "It looks fine on desktop, but on mobile the detail page text is tiny.",
            ),
        ),
        req=(
            (
                "모바일 미리보기를 아이폰, 갤럭시 크기별로 볼 수 있으면 좋겠어요.",
                "We would like mobile previews for both iPhone and Galaxy sizes.",
            ),
        ),
    ),
    "area/templates/seasonal": AreaText(
        ("시즌 템플릿", "seasonal templates"),
        2,
        req=(
            (
                "추석 선물세트 템플릿이 좀 더 일찍 나오면 좋겠어요. 저희는 {n}주 전부터 준비하거든요.",
                "Holiday gift-set templates should come out earlier; we prepare {n} weeks ahead.",
            ),
            (
                "블랙프라이데이 템플릿에 할인율 뱃지 스타일이 더 있었으면 해요.",
                "We would like more discount badge styles in the Black Friday templates.",
            ),
        ),
        praise=(
            (
                "이번 명절 템플릿 정말 예뻐요. 선물세트 판매가 작년보다 잘 나왔어요.",
                "The holiday templates are beautiful; gift sets sold better than last year.",
            ),
        ),
    ),
    "area/templates/license": AreaText(
        ("템플릿 사용권", "template license"),
        1.5,
        q=(
            (
                "구독을 해지하면 이미 올린 상세페이지는 계속 써도 되나요?",
                "If we cancel, may we keep using detail pages we already published?",
            ),
            (
                "템플릿에 들어있는 사진도 상업적으로 써도 되는 건가요?",
                "Are the photos included in templates cleared for commercial use?",
            ),
        ),
        ans=(
            (
                "구독 중에 게시하신 결과물은 해지 후에도 계속 쓰실 수 있어요. 새로 편집하는 것만 제한됩니다.",
                "Anything you published while subscribed stays usable after cancelling; only new edits are blocked.",
            ),
            (
                "기본 제공 사진은 모두 상업용 라이선스가 확보된 이미지예요.",
                "All bundled photos are licensed for commercial use.",
            ),
        ),
        types=("question",),
    ),
    "area/editor/text": AreaText(
        ("텍스트 편집", "text editing"),
        3,
        bug=(
            (
                "텍스트 상자에서 엔터를 치면 커서가 맨 앞으로 가버려요.",
                "Pressing Enter in a text box jumps the cursor to the beginning.",
            ),
            (
                "한글 입력할 때 마지막 글자가 두 번 입력돼요. 크롬 최신 버전이에요.",
                "When typing Korean the last character is entered twice. Latest Chrome.",
            ),
        ),
        req=(
            (
                "글자에 그라데이션이나 외곽선 효과를 줄 수 있으면 좋겠어요.",
                "We would like gradient and outline effects for text.",
            ),
        ),
    ),
    "area/editor/fonts": AreaText(
        ("폰트", "fonts"),
        3,
        bug=(
            (
                "업로드한 폰트가 미리보기에서는 보이는데 저장한 이미지에서는 기본 폰트로 나와요.",
                "An uploaded font shows in preview but the exported image falls back to the default font.",
            ),
        ),
        req=(
            (
                "무료 상업용 한글 폰트를 더 넣어 주세요. 고딕 계열만 너무 많아요.",
                "Please add more free commercial Korean fonts; it is mostly sans-serif now.",
            ),
        ),
        q=(
            (
                "저희가 구매한 폰트 파일을 직접 올려서 써도 되나요?",
                "Can we upload font files we bought ourselves?",
            ),
        ),
        ans=(
            (
                "Growth 플랜부터 브랜드 폰트 업로드를 지원해요. 라이선스는 고객사 보유분 기준입니다.",
                "Growth and above support uploading brand fonts, under your own license.",
            ),
        ),
    ),
    "area/editor/images": AreaText(
        ("이미지 업로드", "image upload"),
        3.5,
        bug=(
            (
                "{n}MB 넘는 사진을 올리면 업로드가 99%에서 멈춰요.",
                "Uploading a photo over {n}MB stalls at 99%.",
            ),
            ("아이폰으로 찍은 HEIC 사진이 업로드가 안 돼요.", "HEIC photos from iPhone fail to upload."),
        ),
        req=(
            (
                "사진을 폴더째로 한 번에 올릴 수 있게 해주세요. 상품이 많아서 하나씩 올리기 힘들어요.",
                "Please allow uploading a whole folder of photos; one by one is painful with many products.",
            ),
        ),
    ),
    "area/editor/autosave": AreaText(
        ("자동 저장", "autosave"),
        2.5,
        bug=(
            (
                "두 시간 작업한 상세페이지가 자동 저장이 안 돼서 다 날아갔어요.",
                "Two hours of work on a detail page was lost because autosave did not run.",
            ),
            (
                "자동 저장됨이라고 떠 있는데 새로고침하면 {n}분 전 상태로 돌아가요.",
                "It says 'saved' but after refresh it is back to {n} minutes earlier.",
            ),
        ),
        types=("bug", "complaint"),
    ),
    "area/editor/export": AreaText(
        ("이미지 내보내기", "image export"),
        3,
        bug=(
            (
                "JPG로 저장하면 색이 탁하게 나와요. 화면에서 보는 색이랑 달라요.",
                "Exported JPGs look dull compared with the colors on screen.",
            ),
            (
                "긴 상세페이지를 PNG로 저장하면 중간에 잘려서 나와요.",
                "Saving a long detail page as PNG cuts it off in the middle.",
            ),
        ),
        req=(
            (
                "상세페이지를 스마트스토어 업로드용으로 {n}장씩 잘라서 저장해 주는 기능이 있으면 좋겠어요.",
                "Please add an option to export a detail page split into {n} images for Smartstore.",
            ),
            (
                "WebP로도 내보낼 수 있게 해주세요. 용량이 훨씬 작아서요.",
                "Please support WebP export; the files are much smaller.",
            ),
        ),
    ),
    "area/editor/ai-copy": AreaText(
        ("AI 카피 생성", "AI copywriting"),
        3,
        bug=(("AI 카피 생성 버튼을 누르면 계속 로딩만 돌아요.", "The AI copy button just keeps spinning."),),
        req=(
            (
                "AI 문구가 너무 과장돼요. 브랜드 톤(담백하게, 발랄하게)을 고를 수 있으면 좋겠어요.",
                "AI copy is too hyped; let us pick a brand tone like calm or playful.",
            ),
            (
                "AI 카피를 영어, 일본어로도 만들어 주면 해외몰에 바로 쓸 수 있을 것 같아요.",
                "If AI copy could be generated in English and Japanese we could use it for our global store.",
            ),
        ),
        praise=(
            (
                "AI 카피 기능 진짜 편해요. {product} 설명 문구 쓰는 시간이 반으로 줄었어요.",
                "AI copy is a real time saver; writing {product} descriptions takes half the time.",
            ),
        ),
        q=(
            (
                "AI 카피는 한 달에 몇 번까지 쓸 수 있나요?",
                "How many AI copy generations do we get per month?",
            ),
        ),
        ans=(
            (
                "Starter는 월 {n}0회, Growth 이상은 무제한이에요.",
                "Starter includes {n}0 per month; Growth and above are unlimited.",
            ),
        ),
    ),
    "area/editor/ai-background": AreaText(
        ("AI 배경 제거", "AI background removal"),
        2,
        bug=(
            (
                "흰색 {product} 사진은 배경 제거하면 상품까지 같이 지워져요.",
                "Background removal erases part of the product on white {product} photos.",
            ),
        ),
        praise=(
            (
                "누끼 따는 시간이 확 줄었어요. 배경 제거 품질 좋네요.",
                "Background removal is great; cutouts take a fraction of the time.",
            ),
        ),
    ),
    "area/editor/performance": AreaText(
        ("에디터 속도", "editor speed"),
        2.5,
        bug=(
            (
                "섹션이 {n}개 넘어가면 에디터가 너무 버벅거려요. 글자 하나 칠 때마다 멈춰요.",
                "Past {n} sections the editor lags badly; it freezes on every keystroke.",
            ),
        ),
        types=("bug", "complaint"),
    ),
    "area/editor/collaboration": AreaText(
        ("공동 편집", "collaboration"),
        1.5,
        req=(
            (
                "디자이너랑 MD가 같은 페이지에 코멘트를 남길 수 있으면 좋겠어요. 지금은 캡처해서 카톡으로 보내요.",
                "Designers and merchandisers need comments on the same page; today we send screenshots on KakaoTalk.",
            ),
        ),
    ),
    "area/publish/smartstore": AreaText(
        ("스마트스토어 적용", "publishing to Smartstore"),
        3.5,
        bug=(
            (
                "스마트에디터로 옮기면 이미지 사이에 흰 줄이 생겨요.",
                "White gaps appear between images after moving into Smart Editor.",
            ),
        ),
        q=(
            (
                "완성한 상세페이지를 스마트스토어에 바로 올릴 수 있나요, 아니면 이미지로 받아서 올려야 하나요?",
                "Can finished detail pages go straight to Smartstore, or do we upload images?",
            ),
        ),
        ans=(
            (
                "스마트스토어 연동 후 '스토어로 보내기'를 누르시면 상품 상세에 바로 반영돼요.",
                "After connecting Smartstore, click 'Send to store' and the product detail updates directly.",
            ),
        ),
    ),
    "area/publish/cafe24": AreaText(
        ("카페24 스킨 적용", "Cafe24 skin install"),
        3,
        bug=(
            (
                "카페24에 스킨을 적용했는데 기존 메뉴가 다 사라졌어요.",
                "After installing the skin on Cafe24 all our menus disappeared.",
            ),
        ),
        q=(
            (
                "카페24 스킨 적용하면 기존 HTML 수정한 부분은 어떻게 되나요?",
                "What happens to our HTML edits when we apply the skin on Cafe24?",
            ),
        ),
        ans=(
            (
                "적용 전에 기존 스킨이 자동 백업되고, 수정하신 HTML은 '사용자 코드' 영역으로 옮겨드려요.",
                "Your current skin is backed up first and custom HTML moves into the 'custom code' area.",
            ),
        ),
    ),
    "area/publish/shopify": AreaText(
        ("Shopify 테마 적용", "publishing to Shopify"),
        2.5,
        bug=(
            (
                "Shopify 테마에 섹션을 내보내면 한글 폰트가 깨져서 나와요.",
                "Korean fonts break when we push sections to our Shopify theme.",
            ),
        ),
        req=(
            (
                "Shopify 2.0 테마의 앱 블록으로도 넣을 수 있게 해주세요.",
                "Please support adding our designs as app blocks in Shopify 2.0 themes.",
            ),
        ),
    ),
    "area/dashboard/sales": AreaText(
        ("매출 대시보드", "the sales dashboard"),
        10,
        bug=(
            (
                "매출 대시보드의 어제 매출이 {platform} 판매자센터보다 {n}만 원 정도 적게 나와요.",
                "Yesterday's revenue on the sales dashboard is about {n}0,000 won lower than in {platform}.",
            ),
            (
                "취소·반품 건이 매출에서 빠지지 않고 그대로 잡혀요.",
                "Cancelled and returned orders are still counted as revenue.",
            ),
            (
                "월별로 보면 {month}월 매출이 두 번 집계된 것 같아요.",
                "In the monthly view, {month} seems to be counted twice.",
            ),
        ),
        req=(
            (
                "채널별 매출을 한 화면에서 합쳐서 보고 싶어요. 스마트스토어랑 자사몰을 따로 보니까 불편해요.",
                "We want every channel's revenue in one view; checking Smartstore and our own mall separately is tedious.",
            ),
            (
                "매출 대시보드에 전년 동기 대비 비교를 넣어주세요.",
                "Please add year-over-year comparison to the sales dashboard.",
            ),
            (
                "매출을 부가세 제외 금액으로도 볼 수 있게 해주세요.",
                "Please let us view revenue excluding VAT.",
            ),
        ),
        q=(
            (
                "매출 대시보드 금액은 결제 완료 기준인가요, 구매 확정 기준인가요?",
                "Are sales dashboard amounts based on payment or on purchase confirmation?",
            ),
            (
                "대시보드 시간 기준이 한국 시간인가요? 자정 근처 주문이 다른 날로 잡혀서요.",
                "Is the dashboard in Korean time? Orders near midnight land on another day.",
            ),
        ),
        ans=(
            (
                "기본은 결제 완료 기준이고, 설정 > 집계 기준에서 구매 확정 기준으로 바꾸실 수 있어요.",
                "The default is payment time; switch to purchase confirmation under Settings > Aggregation.",
            ),
            (
                "워크스페이스 시간대를 따라가요. 설정에서 Asia/Seoul로 되어 있는지 확인 부탁드려요.",
                "It follows the workspace time zone; please check it is set to Asia/Seoul.",
            ),
        ),
        praise=(
            (
                "매출 대시보드 하나로 아침 회의가 10분이면 끝나요. 예전엔 엑셀로 한 시간 걸렸거든요.",
                "With the sales dashboard our morning meeting takes ten minutes instead of an hour in Excel.",
            ),
        ),
    ),
    "area/dashboard/ads": AreaText(
        ("광고 성과 대시보드", "the ad performance dashboard"),
        7,
        bug=(
            (
                "광고 성과에서 메타 광고비가 이틀째 0원으로 나와요.",
                "Meta ad spend has shown 0 won for two days on the ad dashboard.",
            ),
            (
                "네이버 검색광고 클릭 수가 광고 센터랑 {n}배 차이 나요.",
                "Naver search ad clicks differ from the ad center by a factor of {n}.",
            ),
        ),
        req=(
            (
                "광고 소재별 성과도 보고 싶어요. 지금은 캠페인 단위까지만 나와요.",
                "We want performance per creative; right now it stops at campaign level.",
            ),
            (
                "광고비를 상품별로 나눠서 상품별 ROAS를 보여주세요.",
                "Please split ad spend per product and show ROAS per product.",
            ),
        ),
        q=(("광고 성과는 몇 시간마다 갱신되나요?", "How often is ad performance refreshed?"),),
        ans=(
            (
                "광고 데이터는 3시간마다 갱신되고, 전날 데이터는 오전 9시에 한 번 더 보정돼요.",
                "Ad data refreshes every 3 hours and the previous day is corrected again at 9 a.m.",
            ),
        ),
        praise=(
            (
                "광고 성과 화면 보고 안 되는 캠페인 두 개 껐더니 이번 달 광고비가 확 줄었어요.",
                "We turned off two weak campaigns after seeing the ad dashboard and cut spend a lot.",
            ),
        ),
    ),
    "area/dashboard/ads/roas": AreaText(
        ("ROAS 계산", "ROAS calculation"),
        3,
        bug=(
            (
                "ROAS가 {n}00%로 나오는데 실제로는 그렇게 높을 수가 없어요. 계산 기준이 궁금합니다.",
                "ROAS shows {n}00%, which cannot be right; how is it calculated?",
            ),
        ),
        q=(("ROAS 계산할 때 광고비에 부가세가 포함돼 있나요?", "Does ROAS include VAT in ad spend?"),),
        ans=(
            (
                "광고비는 부가세 제외 금액 기준이에요. 설정에서 포함으로 바꾸실 수도 있어요.",
                "Ad spend excludes VAT by default; you can change it in settings.",
            ),
        ),
        types=("question", "bug"),
    ),
    "area/dashboard/repurchase": AreaText(
        ("재구매율 분석", "repurchase analysis"),
        6,
        bug=(
            (
                "재구매율이 지난달 {n}%였는데 갑자기 0%로 떠요.",
                "Repurchase rate was {n}% last month and now shows 0%.",
            ),
        ),
        req=(
            (
                "재구매 주기를 상품별로 보고 싶어요. {product_eun} 보통 {n}주 뒤에 다시 사거든요.",
                "We want repurchase intervals per product; {product} is usually rebought after {n} weeks.",
            ),
            (
                "재구매 고객한테 바로 쿠폰 보낼 수 있게 카카오톡 채널이랑 연결되면 좋겠어요.",
                "Connect repurchase segments to our Kakao channel so we can send coupons directly.",
            ),
        ),
        q=(
            ("재구매율은 주문 기준인가요, 고객 기준인가요?", "Is repurchase rate per order or per customer?"),
        ),
        ans=(
            (
                "고객 기준이에요. 기간 안에 두 번 이상 구매한 고객 비율입니다.",
                "Per customer: the share of customers who bought at least twice in the period.",
            ),
        ),
        praise=(
            (
                "재구매율 분석 보고 정기배송 상품을 새로 만들었는데 반응이 좋아요.",
                "We launched a subscription product after reading the repurchase analysis and it is doing well.",
            ),
        ),
    ),
    "area/dashboard/cohort": AreaText(
        ("코호트 분석", "cohort analysis"),
        2,
        q=(
            (
                "코호트 표에서 색이 진할수록 좋은 건가요? 보는 법을 잘 모르겠어요.",
                "In the cohort table, is darker better? I am not sure how to read it.",
            ),
        ),
        ans=(
            (
                "네, 진할수록 그 달에 첫 구매한 고객이 다시 구매한 비율이 높다는 뜻이에요.",
                "Yes, darker means more customers from that first-purchase month came back.",
            ),
        ),
        req=(
            (
                "코호트를 유입 채널별로 나눠서 볼 수 있으면 좋겠어요.",
                "We would like cohorts split by acquisition channel.",
            ),
        ),
    ),
    "area/dashboard/products": AreaText(
        ("상품별 분석", "product analytics"),
        3,
        req=(
            (
                "옵션(색상, 사이즈)별 판매량도 보여주세요. {product_eun} 옵션이 {n}개라서요.",
                "Please show sales per option (color, size); {product} has {n} options.",
            ),
        ),
        bug=(
            (
                "상품명이 바뀐 상품이 두 개로 나뉘어서 집계돼요.",
                "A renamed product is counted as two products.",
            ),
        ),
    ),
    "area/dashboard/funnel": AreaText(
        ("전환 퍼널", "the conversion funnel"),
        2,
        q=(("장바구니 이탈률은 어떤 기준으로 계산되나요?", "How is cart abandonment calculated?"),),
        ans=(
            (
                "장바구니에 담은 세션 중 24시간 안에 결제하지 않은 비율이에요.",
                "The share of sessions with a cart that did not pay within 24 hours.",
            ),
        ),
    ),
    "area/dashboard/export": AreaText(
        ("엑셀 다운로드", "the Excel export"),
        6,
        bug=(
            (
                "엑셀 다운로드를 누르면 파일이 안 받아지고 '오류가 발생했습니다'만 떠요.",
                "Clicking Excel download shows 'An error occurred' and no file arrives.",
            ),
            (
                "엑셀 다운로드한 파일을 열면 한글이 다 깨져 있어요.",
                "The downloaded Excel file has garbled Korean text.",
            ),
            (
                "3개월 넘는 기간을 엑셀로 받으면 {n}월 데이터가 빠져 있어요.",
                "Exports longer than 3 months are missing {month}'s data.",
            ),
        ),
        req=(
            (
                "엑셀 다운로드할 때 원하는 컬럼만 골라서 받을 수 있게 해주세요.",
                "Let us pick which columns go into the Excel export.",
            ),
            (
                "매주 월요일 아침에 엑셀 파일을 메일로 자동으로 보내주면 좋겠어요.",
                "Please email us the Excel file automatically every Monday morning.",
            ),
        ),
        q=(
            (
                "엑셀 다운로드는 최대 몇 건까지 되나요?",
                "What is the maximum number of rows in an Excel export?",
            ),
        ),
        ans=(
            (
                "한 번에 10만 행까지 받으실 수 있고, 그 이상은 CSV로 나눠서 보내드려요.",
                "Up to 100,000 rows per file; larger exports are split into CSV files.",
            ),
        ),
        types=("bug",),
    ),
    "area/dashboard/export/google-sheets": AreaText(
        ("구글 시트 연동", "Google Sheets sync"),
        1.5,
        req=(
            (
                "대시보드 데이터를 구글 시트로 자동 동기화해 주세요. 대표님이 시트로만 보세요.",
                "Please sync dashboard data to Google Sheets; our CEO only reads Sheets.",
            ),
        ),
    ),
    "area/dashboard/data-sync": AreaText(
        ("데이터 동기화", "data sync"),
        7,
        bug=(
            (
                "오늘 오전부터 {platform} 주문이 대시보드에 안 들어와요.",
                "Since this morning {platform} orders are not showing up on the dashboard.",
            ),
            (
                "마지막 동기화 시간이 {n}시간 전으로 멈춰 있어요.",
                "The last sync time has been stuck {n} hours ago.",
            ),
            ("어제 매출이 아직도 집계 중이라고만 나와요.", "Yesterday's revenue still says 'aggregating'."),
        ),
        q=(("주문 데이터는 몇 분 간격으로 들어오나요?", "How often are orders synced?"),),
        ans=(
            (
                "주문은 15분 간격으로 수집되고, 정산 데이터는 하루 한 번 새벽에 들어와요.",
                "Orders sync every 15 minutes; settlement data arrives once a night.",
            ),
        ),
        types=("bug", "complaint", "complaint"),
    ),
    "area/dashboard/reports": AreaText(
        ("정기 리포트", "scheduled reports"),
        2.5,
        bug=(("주간 리포트 메일이 이번 주에는 안 왔어요.", "This week's report email never arrived."),),
        req=(
            (
                "주간 리포트를 카카오톡으로 받을 수 있으면 좋겠어요. 메일은 잘 안 봐서요.",
                "We would like weekly reports on KakaoTalk; nobody reads email.",
            ),
        ),
        praise=(
            (
                "월요일마다 오는 주간 리포트가 팀 회의 자료가 됐어요.",
                "The Monday weekly report has become our team meeting deck.",
            ),
        ),
    ),
    "area/dashboard/goals": AreaText(
        ("목표 관리", "goals"),
        1.5,
        req=(
            (
                "월 매출 목표를 채널별로 나눠서 설정하고 싶어요.",
                "We want to split the monthly revenue goal per channel.",
            ),
        ),
    ),
    "area/dashboard/margin": AreaText(
        ("마진 계산", "margin"),
        2.5,
        req=(
            (
                "쿠팡 수수료랑 배송비까지 빼서 실제 마진을 보여주세요.",
                "Show real margin after Coupang fees and shipping costs.",
            ),
            (
                "상품 원가를 엑셀로 한 번에 올릴 수 있게 해주세요.",
                "Let us upload product costs in bulk from Excel.",
            ),
        ),
    ),
    "area/dashboard/widgets": AreaText(
        ("커스텀 대시보드", "custom dashboards"),
        2,
        req=(
            ("위젯 크기를 자유롭게 조절하고 싶어요.", "We want to resize widgets freely."),
            (
                "대시보드를 여러 개 만들어서 팀별로 나눠 쓰고 싶어요.",
                "We want several dashboards, one per team.",
            ),
        ),
    ),
    "area/integrations/smartstore": AreaText(
        ("스마트스토어 연동", "the Smartstore integration"),
        5,
        bug=(
            (
                "스마트스토어 연동이 갑자기 끊겼다고 나와요. 다시 연결해도 인증 오류가 떠요.",
                "Smartstore shows as disconnected and reconnecting fails with an auth error.",
            ),
        ),
        q=(
            (
                "스마트스토어 연동하려면 커머스 API 센터에서 뭘 해야 하나요?",
                "What do I need to do in the Commerce API center to connect Smartstore?",
            ),
        ),
        ans=(
            (
                "커머스 API 센터에서 그로우보드 솔루션을 선택하고 판매자 인증만 해주시면 돼요. 가이드 링크 보내드릴게요.",
                "Pick Growboard in the Commerce API center and verify as the seller; I will send the guide link.",
            ),
        ),
    ),
    "area/integrations/cafe24": AreaText(
        ("카페24 연동", "the Cafe24 integration"),
        4,
        bug=(
            ("카페24 연동 후 회원 수가 0명으로 나와요.", "After connecting Cafe24 the member count shows 0."),
        ),
        q=(
            (
                "카페24 멀티쇼핑몰(영문몰)도 같이 연동되나요?",
                "Does the integration cover Cafe24 multi-shop (English mall)?",
            ),
        ),
        ans=(
            (
                "네, 연동 설정에서 쇼핑몰 번호별로 선택하실 수 있어요.",
                "Yes, choose each shop number in the integration settings.",
            ),
        ),
    ),
    "area/integrations/coupang": AreaText(
        ("쿠팡 연동", "a Coupang integration"),
        6,
        req=(
            (
                "대시보드에 쿠팡 연동 추가해주세요. 매출의 절반이 쿠팡이라 지금은 반쪽짜리예요.",
                "Please add Coupang to the dashboard; half our revenue is Coupang so we only see half.",
            ),
            (
                "쿠팡 로켓그로스 판매분도 따로 볼 수 있게 해주세요.",
                "Please show Rocket Growth sales separately.",
            ),
            (
                "쿠팡 윙 정산 데이터를 연동해 주시면 마진 계산이 훨씬 정확해질 것 같아요.",
                "Integrating Coupang Wing settlements would make the margin numbers far more accurate.",
            ),
        ),
        q=(
            (
                "쿠팡 연동은 언제쯤 되나요? 작년에도 곧 된다고 들었어요.",
                "When will the Coupang integration be ready? We heard 'soon' last year too.",
            ),
        ),
        ans=(
            (
                "쿠팡 연동은 현재 베타로 개발 중이에요. 베타 대상에 넣어드릴까요?",
                "The Coupang integration is in beta development; shall I add you to the beta list?",
            ),
        ),
        types=("feature-request",),
    ),
    "area/integrations/shopify": AreaText(
        ("Shopify 연동", "the Shopify integration"),
        4,
        bug=(
            (
                "Shopify 주문 중 환불된 주문이 매출에서 안 빠져요.",
                "Refunded Shopify orders are not removed from revenue.",
            ),
            (
                "Shopify 매출이 달러로만 나오고 원화로 환산이 안 돼요.",
                "Shopify revenue only shows in USD and is never converted to KRW.",
            ),
        ),
        req=(
            (
                "Shopify 여러 스토어를 하나의 대시보드에서 보고 싶어요.",
                "We want several Shopify stores on one dashboard.",
            ),
        ),
    ),
    "area/integrations/naver-ads": AreaText(
        ("네이버 광고 연동", "the Naver Ads integration"),
        3,
        bug=(
            (
                "네이버 GFA 광고비가 안 들어와요. 검색광고만 보여요.",
                "Naver GFA spend is missing; only search ads appear.",
            ),
        ),
        q=(("네이버 검색광고 API 키는 어디서 발급받나요?", "Where do I get a Naver search ads API key?"),),
        ans=(
            (
                "검색광고 관리 > 도구 > API 사용 관리에서 발급받으실 수 있어요.",
                "In the search ads manager under Tools > API management.",
            ),
        ),
    ),
    "area/integrations/meta-ads": AreaText(
        ("메타 광고 연동", "the Meta Ads integration"),
        3,
        bug=(
            (
                "메타 광고 계정 연결이 60일마다 풀려요.",
                "The Meta ad account connection expires every 60 days.",
            ),
        ),
    ),
    "area/integrations/kakao-moment": AreaText(
        ("카카오모먼트 연동", "a Kakao Moment integration"),
        2,
        req=(
            (
                "카카오모먼트 광고도 연동해 주세요. 저희 광고비 {n}0%가 카카오예요.",
                "Please integrate Kakao Moment; {n}0% of our ad spend is on Kakao.",
            ),
        ),
        types=("feature-request",),
    ),
    "area/integrations/ga4": AreaText(
        ("GA4 연동", "the GA4 integration"),
        2,
        q=(
            (
                "GA4 유입 데이터랑 주문 데이터를 어떻게 연결하는 건가요?",
                "How are GA4 sessions linked to orders?",
            ),
        ),
        ans=(
            (
                "주문번호를 GA4 거래 ID로 맞춰서 연결해요. 설정 방법을 안내해 드릴게요.",
                "We match order numbers with GA4 transaction IDs; I will walk you through it.",
            ),
        ),
    ),
    "area/integrations/11st": AreaText(
        ("11번가 연동", "an 11st integration"),
        1.5,
        req=(("11번가도 연동되면 좋겠어요.", "We would like 11st to be supported too."),),
        types=("feature-request",),
    ),
    "area/integrations/erp": AreaText(
        ("사방넷 연동", "an order-management (Sabangnet) integration"),
        1.5,
        req=(
            (
                "사방넷에 모인 주문을 그대로 가져올 수 있으면 채널 연동을 일일이 안 해도 될 것 같아요.",
                "If you could pull orders from Sabangnet we would not need to connect each channel.",
            ),
        ),
        types=("feature-request",),
    ),
    "area/billing/payment/card-declined": AreaText(
        ("카드 결제", "card payment"),
        3,
        bug=(
            (
                "구독료 결제가 실패했다는 메일이 왔는데 카드는 정상이에요.",
                "We got a 'payment failed' email but the card is fine.",
            ),
            (
                "결제 수단을 바꾸려고 하는데 카드 등록 화면에서 계속 실패라고 나와요.",
                "Updating the card keeps failing on the registration screen.",
            ),
        ),
        types=("billing", "bug"),
    ),
    "area/billing/invoice": AreaText(
        ("세금계산서", "tax invoices"),
        5,
        bug=(
            (
                "이번 달 세금계산서가 아직 발행이 안 됐어요.",
                "This month's tax invoice has not been issued yet.",
            ),
            (
                "세금계산서에 사업자번호가 예전 번호로 나와요.",
                "The tax invoice shows our old business number.",
            ),
        ),
        q=(
            (
                "세금계산서 받을 이메일 주소를 바꾸고 싶어요.",
                "We need to change the email that receives tax invoices.",
            ),
            (
                "연간 결제하면 세금계산서는 한 번에 나오나요?",
                "With annual billing, is the tax invoice issued once?",
            ),
        ),
        ans=(
            (
                "설정 > 결제 정보에서 세금계산서 수신 메일을 바꾸실 수 있어요. 이번 건은 제가 재발행해 드릴게요.",
                "Change it under Settings > Billing; I will reissue this one for you.",
            ),
            (
                "네, 결제일 기준으로 한 장 발행되고 필요하시면 월별 분할 발행도 가능해요.",
                "Yes, one invoice on the payment date; monthly split invoices are possible on request.",
            ),
        ),
        types=("billing", "question"),
    ),
    "area/billing/receipt": AreaText(
        ("영수증", "receipts"),
        1.5,
        q=(("카드 영수증은 어디서 출력하나요?", "Where can I print card receipts?"),),
        ans=(
            (
                "설정 > 결제 내역에서 건별로 출력하실 수 있어요.",
                "Under Settings > Payment history, per payment.",
            ),
        ),
        types=("billing", "question"),
    ),
    "area/billing/refund": AreaText(
        ("환불", "refunds"),
        2,
        q=(
            (
                "실수로 연간 결제를 했는데 월간으로 바꾸고 남은 금액 환불되나요?",
                "We paid annually by mistake; can we switch to monthly and get the rest refunded?",
            ),
        ),
        ans=(
            (
                "결제 후 7일 이내라 전액 환불 후 월간으로 다시 결제해 드릴게요.",
                "It is within 7 days, so we will refund in full and recharge monthly.",
            ),
        ),
        types=("billing",),
    ),
    "area/billing/plan-change": AreaText(
        ("플랜 변경", "plan changes"),
        3,
        q=(
            (
                "Growth에서 Pro로 올리면 남은 기간은 어떻게 계산되나요?",
                "If we move from Growth to Pro mid-cycle, how is the rest calculated?",
            ),
        ),
        ans=(
            (
                "남은 기간은 일할 계산해서 차액만 결제돼요.",
                "The remaining period is prorated; you pay only the difference.",
            ),
        ),
        types=("billing", "upgrade"),
    ),
    "area/billing/pricing": AreaText(
        ("요금제", "pricing"),
        3,
        q=(
            ("좌석 하나 추가하면 월 얼마인가요?", "How much is one extra seat per month?"),
            ("비영리나 1인 셀러 할인 같은 건 없나요?", "Do you have discounts for solo sellers?"),
        ),
        ans=(
            ("Pro 플랜 기준 좌석당 월 15,000원이에요.", "On Pro it is 15,000 won per seat per month."),
            (
                "연간 결제 시 20% 할인이 있고, 1인 셀러는 Starter 플랜을 추천드려요.",
                "Annual billing saves 20%; for solo sellers we recommend Starter.",
            ),
        ),
        types=("question", "complaint"),
    ),
    "area/account/login": AreaText(
        ("로그인", "login"),
        2.5,
        bug=(
            (
                "비밀번호 재설정 메일이 안 와요. 스팸함도 봤어요.",
                "The password reset email never arrives; checked spam too.",
            ),
            (
                "로그인하면 다시 로그인 화면으로 돌아가요.",
                "After logging in I am sent back to the login page.",
            ),
        ),
    ),
    "area/account/team": AreaText(
        ("팀원 초대", "team invites"),
        2.5,
        bug=(
            (
                "팀원 초대 메일 링크를 누르면 만료됐다고 나와요.",
                "The invite link says expired when the teammate clicks it.",
            ),
        ),
        q=(
            (
                "외주 디자이너도 팀원으로 초대하면 좌석이 하나 차감되나요?",
                "Does inviting a freelance designer use up a seat?",
            ),
        ),
        ans=(
            (
                "편집 권한 없이 보기만 하는 게스트는 좌석이 차감되지 않아요.",
                "View-only guests do not use seats.",
            ),
        ),
    ),
    "area/account/permissions": AreaText(
        ("권한 설정", "permissions"),
        1.5,
        req=(
            (
                "매출 금액은 대표님만 보고 직원들은 수량만 볼 수 있게 권한을 나눠 주세요.",
                "Let only the owner see revenue amounts while staff see quantities.",
            ),
        ),
    ),
    "area/api/keys": AreaText(
        ("API 키", "API keys"),
        1,
        q=(
            (
                "API 키를 재발급하면 기존 키는 바로 막히나요?",
                "If I regenerate the API key, is the old one revoked at once?",
            ),
        ),
        ans=(
            (
                "기존 키는 24시간 동안 함께 동작하고 그 뒤에 만료돼요.",
                "The old key keeps working for 24 hours, then expires.",
            ),
        ),
    ),
    "area/api/rate-limit": AreaText(
        ("API 호출 제한", "API rate limits"),
        1,
        bug=(
            (
                "API 호출이 분당 {n}0번도 안 됐는데 429가 떠요.",
                "We get 429 errors at fewer than {n}0 calls a minute.",
            ),
        ),
    ),
    "area/mobile-app/ios": AreaText(
        ("iOS 앱", "the iOS app"),
        1.5,
        bug=(("아이폰 앱에서 매출 알림이 안 와요.", "Sales notifications do not arrive on the iPhone app."),),
        req=(
            (
                "아이폰 홈 화면 위젯으로 오늘 매출을 보고 싶어요.",
                "We want today's revenue on an iPhone home-screen widget.",
            ),
        ),
    ),
    "area/performance/page-load": AreaText(
        ("페이지 로딩", "page load"),
        2,
        bug=(
            (
                "대시보드 첫 화면 뜨는 데 {n}0초 넘게 걸려요.",
                "The dashboard takes over {n}0 seconds to load.",
            ),
        ),
        types=("bug", "complaint"),
    ),
    "area/setup/data-import": AreaText(
        ("과거 데이터 가져오기", "historical import"),
        2.5,
        q=(
            (
                "연동 전 과거 매출도 볼 수 있나요? 작년 {month}월 데이터부터 비교하고 싶어요.",
                "Can we see sales from before we connected? We want to compare from last {month}.",
            ),
        ),
        ans=(
            (
                "채널마다 다르지만 스마트스토어, 카페24는 최근 2년까지 불러올 수 있어요.",
                "It depends on the channel; Smartstore and Cafe24 go back two years.",
            ),
        ),
        types=("question", "onboarding"),
    ),
    "area/setup/guide": AreaText(
        ("사용 가이드", "guides"),
        2,
        q=(
            (
                "처음이라 뭘부터 해야 할지 모르겠어요. 대시보드 세팅 순서가 있을까요?",
                "I am new; is there a recommended order to set up the dashboards?",
            ),
        ),
        ans=(
            (
                "연동 → 원가 입력 → 목표 설정 순서로 하시면 돼요. 15분짜리 온보딩 영상도 보내드릴게요.",
                "Connect channels, enter costs, then set goals; I will send a 15-minute onboarding video.",
            ),
        ),
        types=("onboarding", "question"),
    ),
}

# Per-channel openers and closers (customer side).
GREETINGS: tuple[Pair, ...] = (
    ("안녕하세요.", "Hi!"), ("안녕하세요!", "Hello!"), ("수고 많으십니다.", "Hi there."),
    ("안녕하세요, 문의드립니다.", "Hi team!"), ("", ""), ("", ""), ("저기요,", "Hey!"),
)  # fmt: skip
INTROS: tuple[Pair, ...] = (
    ("{shop} 운영하는 {name}입니다.", "This is {name} from {shop}."),
    ("{shop} {title} {name_ieyo}.", "I'm {name}, {title} at {shop}."),
    ("{shop}입니다.", "{shop} here."),
    ("", ""), ("", ""),
)  # fmt: skip
CONTEXTS: tuple[Pair, ...] = (
    ("저희가 {platform}에서 {product} 위주로 팔고 있는데요,", "We mostly sell {product} on {platform}."),
    ("요즘 {product} 신상 준비 중이라 바쁜데,", "We're busy launching a new {product}."),
    ("다른 건 아니고", "Quick one:"),
    ("{platform} 쪽 매출이 커지면서 대시보드를 자주 보는데요,", "Our {platform} sales are growing, so we check the dashboard a lot."),
    ("어제 팀 회의 하다가 나온 얘기인데,", "This came up in our team meeting yesterday."),
    ("", ""), ("", ""), ("", ""),
)  # fmt: skip
URGENCY: tuple[Pair, ...] = (
    ("오늘 오후에 광고비 정산해야 해서 급해요.", "We need this for today's ad spend review, so it's urgent."),
    ("내일 행사 오픈이라 오늘 안에 해결돼야 해요.", "Our sale opens tomorrow, so we need it fixed today."),
    ("월말 마감 때문에 숫자가 꼭 맞아야 해요.", "The numbers must be right for month-end closing."),
    ("", ""), ("", ""), ("", ""),
)  # fmt: skip
CLOSINGS: tuple[Pair, ...] = (
    ("확인 부탁드립니다.", "Please take a look."), ("감사합니다!", "Thanks!"), ("답변 기다릴게요.", "Looking forward to your reply."),
    ("빠른 확인 부탁드려요 ㅠㅠ", "A quick check would be much appreciated."), ("", ""),
)  # fmt: skip
# Customer follow-ups by request type; bugs give details, requests give reasons.
FOLLOWUP_BY_KIND: dict[str, tuple[Pair, ...]] = {
    "feature-request": (
        (
            "지금은 엑셀로 따로 정리하고 있어서 매주 두세 시간씩 걸려요.",
            "Today we do it in Excel, which takes a few hours a week.",
        ),
        ("언제쯤 가능할지 대략이라도 알 수 있을까요?", "Any rough idea of when it might be possible?"),
        ("저희 팀원 {n}명이 다 원하는 기능이에요.", "All {n} people on our team want this."),
    ),
    "question": (
        ("아 그럼 {platform} 쪽도 똑같이 하면 되나요?", "So it works the same way for {platform}?"),
        (
            "설정 메뉴가 어디 있는지 못 찾겠어요. 캡처 좀 보내주실 수 있나요?",
            "I can't find that setting; could you send a screenshot?",
        ),
    ),
    "praise": (
        ("다음에 사례 인터뷰 같은 거 하시면 불러주세요 ㅎㅎ", "If you do customer stories, count us in :)"),
    ),
}
FOLLOWUP_DETAILS: tuple[Pair, ...] = (
    ("스토어 ID는 {shopid}이고, {day}일 오전 {n}시쯤부터 그랬어요.", "Store ID is {shopid}; it started around {n} a.m. on the {day}th."),
    ("크롬이랑 엣지 둘 다 똑같아요. 캐시 삭제도 해봤어요.", "Same in Chrome and Edge; I cleared the cache too."),
    ("스크린샷 첨부합니다.", "Screenshot attached."),
    ("팀원 {n}명 다 같은 증상이에요.", "All {n} people on our team see it."),
    ("{platform} 판매자센터에서는 정상으로 나와요.", "It looks normal in the {platform} seller center."),
)  # fmt: skip
THANKS: tuple[Pair, ...] = (
    ("네 확인했어요. 감사합니다!", "Got it, thank you!"), ("해결됐어요, 빠른 답변 감사해요 :)", "Fixed, thanks for the quick reply :)"),
    ("알겠습니다. 기다릴게요.", "OK, I'll wait."), ("아 그렇군요. 안내 감사합니다.", "I see, thanks for explaining."),
    ("좋아요, 그렇게 해볼게요.", "Great, I'll try that."),
)  # fmt: skip

# Frames around the area sentence, per request type.
COMPLAINT_FRAMES: tuple[Pair, ...] = (
    ("벌써 세 번째 문의인데 아직도 해결이 안 됐네요. 솔직히 많이 실망스럽습니다.",
     "This is my third time asking and it's still not fixed. Honestly, very disappointing."),
    ("매번 이런 식이면 믿고 쓰기가 어렵습니다.", "If it keeps happening we can't rely on it."),
    ("돈 내고 쓰는 서비스인데 이 정도는 기본 아닌가요?", "We pay for this; shouldn't this be basic?"),
    ("답답해서 채팅 남깁니다.", "Writing because I'm frustrated."),
)  # fmt: skip
CHURN_FRAMES: tuple[Pair, ...] = (
    ("이번 달까지 개선 안 되면 다른 솔루션으로 옮기는 것도 검토하고 있어요.",
     "If this isn't improved this month, we're looking at other tools."),
    ("다음 갱신 때 계속 쓸지 내부에서 다시 논의하려고 합니다.", "We'll reconsider at renewal whether to continue."),
    ("솔직히 다른 대시보드 서비스 체험판도 써보고 있어요.", "Honestly we're trialing another dashboard service."),
    ("대표님이 비용 대비 효과가 있냐고 물어보셔서 답을 못 하겠어요.",
     "Our CEO asked whether it's worth the cost and I couldn't answer."),
)  # fmt: skip
PRAISE_FRAMES: tuple[Pair, ...] = (
    ("{obj} 정말 잘 쓰고 있어요.", "We really love {obj}."),
    ("이번에 업데이트된 {obj} 너무 좋네요!", "The update to {obj} is great!"),
    ("{obj} 덕분에 요즘 일이 훨씬 수월해요.", "{obj} has made our days much easier."),
)  # fmt: skip
PRAISE_PREFIX: tuple[Pair, ...] = (
    ("다른 건 아니고 감사 인사 드리려고요.", "Nothing wrong, just wanted to say thanks."),
    ("오늘은 좋은 얘기 하려고 왔어요 :)", "Good news for once :)"),
)  # fmt: skip
PRAISE_CLOSINGS: tuple[Pair, ...] = (
    ("앞으로도 잘 부탁드려요!", "Keep up the great work!"), ("감사합니다!", "Thank you!"), ("", ""),
)  # fmt: skip
GENERIC_BUG: tuple[Pair, ...] = (
    ("{obj}에서 오류가 나요. 화면이 하얗게 나오고 아무것도 안 떠요.", "{obj} errors out: the screen goes blank."),
    ("{obj} 쓰다가 '일시적인 오류가 발생했습니다'가 계속 떠요.", "{obj} keeps showing 'A temporary error occurred'."),
)  # fmt: skip
GENERIC_REQ: tuple[Pair, ...] = (
    ("{obj} 쪽에 기능이 조금 더 있었으면 좋겠어요. 지금은 엑셀로 따로 정리하고 있어요.",
     "We'd like {obj} to do a bit more; we still tidy things up in Excel."),
)  # fmt: skip
GENERIC_Q: tuple[Pair, ...] = (
    ("{obj} 관련해서 궁금한 게 있어요. 어디서 설정하나요?", "Quick question about {obj}: where do I set it up?"),
)  # fmt: skip
GENERIC_ANS: tuple[Pair, ...] = (
    ("도움말 센터의 '{objko}' 가이드에 순서대로 정리돼 있어요. 링크 보내드릴게요.",
     "The help center's guide covers it step by step; here's the link."),
)  # fmt: skip

# Business goals: (goal tag, 한국어, English). Long-term and larger accounts talk about these.
GOALS: tuple[tuple[str, str, str], ...] = (
    ("goal/repurchase", "다음 분기에 재구매율을 높이는 게 목표인데, {obj_eul} 그 관점에서 보고 싶어요.",
     "Our goal next quarter is to raise repurchase rate, and we want to look at {obj} from that angle."),
    ("goal/aov", "올해는 객단가를 {n}만 원대로 올리는 게 목표라 묶음 상품 성과를 따로 보고 싶어요.",
     "This year we want to lift average order value to around {n}0,000 won, so we track bundles separately."),
    ("goal/acquisition", "하반기에 신규 고객을 두 배로 늘려야 해서 유입 채널별 성과가 중요해요.",
     "We must double new customers in the second half, so performance by acquisition channel matters."),
    ("goal/roas", "광고비는 그대로 두고 ROAS를 {n}00%까지 끌어올리는 게 이번 분기 KPI예요.",
     "Our KPI this quarter is {n}00% ROAS on the same ad budget."),
    ("goal/conversion", "상세페이지를 바꿔서 전환율을 1%p 올리는 게 목표예요.",
     "We aim to lift conversion by one point by reworking detail pages."),
    ("goal/efficiency", "운영 인력을 안 늘리고 채널을 늘리려면 리포트가 자동으로 나와야 해요.",
     "To add channels without hiring, reporting has to run by itself."),
    ("goal/global", "내년에 일본 역직구를 시작하려고 해서 해외몰 지표도 같이 보고 싶어요.",
     "We plan to start selling to Japan next year and want overseas metrics too."),
    ("goal/branding", "자사몰 브랜드를 키우는 게 올해 제일 큰 목표라 디자인 일관성이 중요해요.",
     "Building our own-mall brand is this year's main goal, so design consistency matters."),
    ("goal/new-channel", "올해 쿠팡이랑 무신사 입점을 준비하고 있어서 채널별로 비교하고 싶어요.",
     "We are preparing to list on Coupang and Musinsa and want to compare channels."),
    ("goal/margin", "매출은 늘었는데 남는 게 없어서, 이번 분기엔 마진 개선이 목표예요.",
     "Revenue is up but margins are thin, so this quarter is about profitability."),
    ("goal/reporting", "매주 투자사에 지표를 보고해야 해서 숫자가 정확하고 빨리 나와야 해요.",
     "We report metrics to investors weekly, so numbers must be accurate and fast."),
    ("goal/inventory", "재고 부담이 커서 품절 안 나게 발주 타이밍을 잡는 게 목표예요.",
     "Inventory costs are heavy; we want to time reorders so we never stock out."),
)  # fmt: skip

# Agent replies, per type.
AGENT_OPEN: tuple[Pair, ...] = (
    ("안녕하세요, 그로우보드 {agent}입니다.", "Hi, this is {agent} from Growboard."),
    ("안녕하세요 고객님, 그로우보드 CX팀 {agent}입니다.", "Hello, {agent} from the Growboard CX team here."),
    ("안녕하세요, {agent}입니다.", "Hi, {agent} here."),
)  # fmt: skip
AGENT_BUG: tuple[Pair, ...] = (
    ("불편을 드려 죄송합니다. 확인을 위해 발생 시각과 스토어 ID를 알려주시겠어요?",
     "Sorry for the trouble. Could you share when it happened and your store ID?"),
    ("말씀하신 증상 재현해 보고 개발팀에 바로 전달하겠습니다.", "I'll reproduce it and pass it to engineering right away."),
)  # fmt: skip
AGENT_BUG_RESOLVE: tuple[Pair, ...] = (
    ("확인해 보니 저희 쪽 문제였어요. 방금 수정 배포되어 지금은 정상으로 보이실 거예요.",
     "It was on our side; a fix just went out and it should look right now."),
    ("개발팀에서 원인을 찾았고 이번 주 안에 수정될 예정이에요. 처리되면 바로 알려드릴게요.",
     "Engineering found the cause; a fix lands this week and I'll let you know."),
    ("임시로 데이터를 다시 수집해 두었어요. 새로고침 한 번 해보시겠어요?",
     "I've re-collected the data for now; could you refresh once?"),
)  # fmt: skip
AGENT_REQ: tuple[Pair, ...] = (
    ("좋은 제안 감사합니다. 제품팀에 그대로 전달드릴게요.", "Great suggestion, I'll pass it to the product team as is."),
    ("비슷한 요청이 많아서 로드맵에서 검토 중이에요. 진행되면 꼭 먼저 알려드릴게요.",
     "We hear this often and it's under roadmap review; I'll tell you first when it moves."),
    ("지금은 지원되지 않지만 요청 내용을 기록해 두었어요.", "It's not supported yet, but I've logged your request."),
)  # fmt: skip
AGENT_FOLLOWUP_Q: tuple[Pair, ...] = (
    ("안내 링크랑 캡처 같이 보내드렸어요. 확인해 보시고 안 되시면 편하게 말씀 주세요.",
     "I've sent a guide link and a screenshot; tell me if it still doesn't work."),
    ("네, 같은 방법으로 하시면 돼요. 설정 화면 캡처 첨부드릴게요.", "Yes, it works the same way; screenshot attached."),
)  # fmt: skip
AGENT_COMPLAINT: tuple[Pair, ...] = (
    ("여러 번 불편을 드려 정말 죄송합니다. 제가 끝까지 직접 챙기겠습니다.",
     "I'm truly sorry for the repeated trouble; I'll personally see it through."),
    ("말씀 충분히 이해합니다. 담당 매니저와 함께 원인과 일정을 정리해서 다시 연락드릴게요.",
     "I understand. I'll come back with the cause and a timeline together with your account manager."),
)  # fmt: skip
AGENT_PRAISE: tuple[Pair, ...] = (
    ("따뜻한 말씀 감사합니다! 팀에도 꼭 공유할게요.", "Thank you so much! I'll share this with the team."),
    ("이런 피드백이 저희한테 제일 큰 힘이 돼요. 감사합니다 :)", "Feedback like this means a lot to us. Thanks :)"),
)  # fmt: skip
AGENT_GOAL: tuple[Pair, ...] = (
    ("목표 말씀해 주셔서 감사해요. 담당 매니저가 비슷한 규모 고객사 사례를 정리해서 미팅 때 공유드릴게요.",
     "Thanks for sharing the goal; your manager will bring case studies from similar shops to our next meeting."),
    ("그 목표에 맞춰서 매주 보실 지표랑 리포트 구성을 정리해 드릴게요. 세팅도 같이 도와드릴게요.",
     "I'll put together the weekly metrics and reports for that goal, and help you set them up."),
)  # fmt: skip

# Survey comments by score band.
SURVEY_COMMENTS: dict[str, tuple[Pair, ...]] = {
    "high": (
        ("대시보드 덕분에 매출 관리가 편해졌어요.", "The dashboards make revenue tracking easy."),
        ("상담이 빠르고 친절해요.", "Support is fast and kind."),
        ("템플릿 퀄리티가 좋아요.", "Template quality is excellent."),
        ("", ""),
    ),
    "mid": (
        ("쓸 만한데 연동 채널이 더 많았으면 해요.", "Useful, but we need more channel integrations."),
        ("가격이 조금 부담돼요.", "A bit pricey."),
        ("", ""),
    ),
    "low": (
        ("데이터가 자주 늦게 들어와요.", "Data is often late."),
        ("쿠팡 연동이 안 돼서 반쪽짜리예요.", "Without Coupang it's only half useful."),
        ("엑셀 다운로드 오류가 잦아요.", "Excel export fails too often."),
        ("답변이 늦어요.", "Replies are slow."),
    ),
}

# The outage: what customers wrote while dashboard data was delayed.
OUTAGE_LINES: tuple[Pair, ...] = (
    ("어제부터 매출 데이터가 하나도 안 들어와요. 대시보드가 0원이에요.",
     "No sales data since yesterday; the dashboard shows 0 won."),
    ("대시보드 숫자가 이틀째 그대로예요. 장애인가요?", "Dashboard numbers haven't moved in two days. Is there an outage?"),
    ("주말 행사 매출을 봐야 하는데 데이터가 다 비어 있어요.", "We need our weekend sale numbers and the data is empty."),
    ("동기화 중이라는 문구만 몇 시간째 떠 있어요.", "It has said 'syncing' for hours."),
    ("광고 성과랑 매출이 둘 다 멈춰서 오늘 광고를 켜야 할지 판단이 안 돼요.",
     "Both ads and sales are frozen so we can't decide whether to run ads today."),
)  # fmt: skip
OUTAGE_AGENT: tuple[Pair, ...] = (
    ("현재 판매 채널 데이터 수집이 지연되는 장애가 있어 복구 중입니다. 누락 데이터는 복구 후 자동으로 다시 채워집니다.",
     "We have an incident delaying data collection; we're recovering and missing data will backfill automatically."),
    ("장애로 불편을 드려 죄송합니다. 상태 페이지에 진행 상황을 계속 업데이트하고 있어요.",
     "We're sorry for the outage; the status page has live updates."),
)  # fmt: skip


@dataclass(frozen=True)
class Special:
    """A request type with its own lines, not tied to one area's bug/request/question lists."""

    area: str
    customer: tuple[Pair, ...]
    agent: tuple[Pair, ...]
    route: str


SPECIALS: dict[str, Special] = {
    "sales-inquiry": Special(
        "area/billing/pricing",
        (
            (
                "도입 검토 중인데 팀원 {n}명이 쓰면 견적이 어떻게 되나요?",
                "We're evaluating Growboard; what would it cost for {n} people?",
            ),
            (
                "스마트스토어랑 자사몰 매출을 같이 보려고 하는데 데모 미팅 가능할까요?",
                "We want Smartstore and our own mall in one place; could we book a demo?",
            ),
            (
                "지금 엑셀로 매출 정리하고 있는데, 그로우보드로 바꾸면 어떤 게 달라지는지 궁금해요.",
                "We track revenue in Excel today; what would change with Growboard?",
            ),
        ),
        (
            (
                "관심 가져 주셔서 감사합니다. 30분 데모 일정 잡아드릴게요. 편하신 시간 알려주세요.",
                "Thanks for your interest! Let's book a 30-minute demo; what times work?",
            ),
            (
                "규모에 맞는 견적서 메일로 보내드릴게요. 14일 무료 체험도 바로 시작하실 수 있어요.",
                "I'll email a quote for your size; you can also start a 14-day free trial now.",
            ),
        ),
        "sales",
    ),
    "partnership": Special(
        "area/templates/marketplace",
        (
            (
                "저희는 쇼핑몰 디자인 에이전시인데 템플릿 마켓에 입점하고 싶어요. 수수료 구조가 궁금합니다.",
                "We're a shop design agency and want to sell on your template marketplace; how do fees work?",
            ),
            (
                "고객사 {n}0곳을 관리하는 대행사인데 파트너 요금제가 있을까요?",
                "We're an agency managing {n}0 shops; do you have a partner plan?",
            ),
        ),
        (
            (
                "제휴 담당자가 이번 주 안에 파트너 프로그램 안내 자료와 함께 연락드릴게요.",
                "Our partnerships lead will contact you this week with the partner program deck.",
            ),
        ),
        "partnership",
    ),
    "security-review": Special(
        "area/security/contract",
        (
            (
                "도입 전에 보안 점검 체크리스트 작성을 요청드립니다. 개인정보 처리 위탁 계약서도 함께 부탁드려요.",
                "Before signing we need your security checklist filled in, plus the data processing agreement.",
            ),
            (
                "저희 법무팀에서 데이터 보관 위치와 암호화 여부를 확인해 달라고 합니다.",
                "Our legal team asks where data is stored and whether it is encrypted.",
            ),
        ),
        (
            (
                "보안 점검 답변서와 위탁 계약서 초안 첨부드립니다. 추가 항목 있으시면 말씀 주세요.",
                "Attached are our security answers and a draft DPA; tell us if anything is missing.",
            ),
        ),
        "sales",
    ),
    "renewal": Special(
        "area/billing/plan-change",
        (
            (
                "다음 달 계약 갱신 관련해서 좌석을 {n}개 늘리고 싶은데 단가 조정이 가능할까요?",
                "For next month's renewal we'd like {n} more seats; is there room on the price?",
            ),
            (
                "갱신 전에 올해 사용 현황이랑 성과를 한번 정리해서 대표님께 보고드려야 해요.",
                "Before renewing I need to summarize this year's usage and results for our CEO.",
            ),
        ),
        (
            (
                "갱신 조건 정리해서 담당 AM이 미팅 요청드릴게요. 사용 현황 리포트도 같이 준비하겠습니다.",
                "Your AM will set up a meeting with renewal terms and a usage report.",
            ),
        ),
        "account-management",
    ),
    "training": Special(
        "area/setup/guide",
        (
            (
                "신입 MD {n}명이 들어와서 사용 교육을 한 번 받을 수 있을까요?",
                "We hired {n} new merchandisers; could you run a training session?",
            ),
            (
                "팀 전체 대상으로 대시보드 활용 웨비나 같은 게 있으면 참석하고 싶어요.",
                "If you run dashboard webinars, our whole team would join.",
            ),
        ),
        (
            (
                "다음 주 화요일 오후 2시 온라인 교육 어떠세요? 녹화본도 공유드려요.",
                "How about an online session next Tuesday at 2 p.m.? We'll share the recording.",
            ),
        ),
        "support",
    ),
    "cancellation": Special(
        "area/billing/payment/auto-renewal",
        (
            (
                "이번 달까지만 쓰고 해지하려고 해요. 자동 결제 꺼주세요.",
                "We'll stop at the end of this month; please turn off auto-renewal.",
            ),
            (
                "가게를 정리하게 돼서 구독 해지 부탁드립니다.",
                "We're closing the shop, please cancel our subscription.",
            ),
            (
                "당분간 판매를 쉬려고 해서 해지하려고요. 데이터는 남아 있나요?",
                "We're pausing sales for a while and want to cancel; will our data be kept?",
            ),
        ),
        (
            (
                "해지 예약 처리해 드렸어요. 데이터는 90일간 보관되니 언제든 다시 오세요.",
                "Cancellation is scheduled; your data is kept for 90 days if you come back.",
            ),
        ),
        "support",
    ),
    "data-request": Special(
        "area/dashboard/export",
        (
            (
                "작년 주문 원본 데이터를 통째로 받을 수 있을까요? 회계 감사 때문에요.",
                "Could we get all of last year's raw order data? It's for an audit.",
            ),
        ),
        (
            (
                "원본 데이터 추출해서 보안 링크로 보내드릴게요. 링크는 7일간 유효해요.",
                "I'll extract the raw data and send a secure link valid for 7 days.",
            ),
        ),
        "support",
    ),
    "upgrade": Special(
        "area/billing/plan-change",
        (
            (
                "팀원이 늘어서 Pro로 올리려고 해요. 바로 적용되나요?",
                "Our team grew and we want to move to Pro; does it apply immediately?",
            ),
            ("좌석 {n}개 추가하고 싶어요.", "We'd like to add {n} seats."),
        ),
        (
            (
                "바로 적용해 드렸어요. 차액은 일할 계산되어 다음 결제에 반영됩니다.",
                "Done, effective now; the prorated difference is on your next bill.",
            ),
        ),
        "account-management",
    ),
}

SENTIMENT_ADDONS: dict[str, tuple[Pair, ...]] = {
    "negative": (
        ("솔직히 좀 답답하네요.", "Honestly this is frustrating."),
        ("이것 때문에 오늘 업무가 다 멈췄어요.", "This stopped our work today."),
        ("지난번에도 비슷한 일이 있었는데 또 이러네요.", "The same thing happened last time."),
    ),
    "positive": (
        ("늘 잘 쓰고 있어요!", "We use it every day and love it!"),
        ("덕분에 일이 많이 편해졌어요.", "It has made our work much easier."),
    ),
}

# Calls: transcripts with speaker turns.
CALL_AGENT_OPEN: tuple[Pair, ...] = (
    ("네, 그로우보드 {agent}입니다. 통화 가능하세요?", "Hi, {agent} from Growboard. Is now a good time?"),
    ("안녕하세요, 예약하신 통화 시간이라 연락드렸어요. 그로우보드 {agent}입니다.",
     "Hi, calling for our scheduled chat. {agent} from Growboard."),
)  # fmt: skip
CALL_CUSTOMER_OPEN: tuple[Pair, ...] = (
    ("네네, 안녕하세요. 기다리고 있었어요.", "Yes, hi, I was expecting your call."),
    ("아 네, 지금 괜찮아요.", "Sure, now works."),
)  # fmt: skip
# (agent question, customer answer) pairs, so a call's turns follow each other.
# Only asked about problems (bugs, complaints):
CALL_PROBES_PROBLEM: tuple[tuple[Pair, Pair], ...] = (
    (("아 그러셨구나. 혹시 그게 언제부터였는지 기억나세요?", "I see. Do you remember when that started?"),
     ("음, 한 {n}일 전쯤부터였던 것 같아요.", "Hmm, maybe {n} days ago.")),
    (("혹시 다른 팀원분들도 같은 걸 겪으셨어요?", "Has anyone else on your team run into it?"),
     ("네, 팀원 {n}명 다 그렇다고 하더라고요.", "Yes, all {n} of us have.")),
)  # fmt: skip
CALL_PROBES: tuple[tuple[Pair, Pair], ...] = (
    (("팀에서는 그 화면을 주로 누가 보세요?", "Who on your team mostly uses that screen?"),
     ("주로 저랑 마케터 한 명이 매일 아침에 봐요.", "Mostly me and one marketer, every morning.")),
    (("요즘 제일 신경 쓰시는 지표가 뭐예요?", "Which metric do you watch most these days?"),
     ("아무래도 {platform} 매출이랑 광고비죠. 그게 제일 커요.", "{platform} revenue and ad spend, those are the big ones.")),
    (("그럼 지금은 그 부분을 어떻게 처리하고 계세요?", "How are you handling that today?"),
     ("그냥 엑셀로 따로 정리하고 있어요. 그게 좀 번거롭죠.", "We keep a separate Excel sheet, which is a hassle.")),
    (("요즘 {product} 판매는 좀 어떠세요?", "How are {product} sales these days?"),
     ("지난달보다 조금 늘었어요. 그래서 데이터를 더 자주 봐요.", "A bit up on last month, so we watch the data more often.")),
)  # fmt: skip
CALL_AGENT_WRAP: tuple[Pair, ...] = (
    ("오늘 말씀 주신 내용 정리해서 메일로 보내드릴게요. 다음 주에 한 번 더 체크하겠습니다.",
     "I'll email a summary of today and check in again next week."),
    ("네, 그럼 제품팀에 전달하고 진행 상황 공유드릴게요. 시간 내주셔서 감사합니다.",
     "I'll pass this to product and keep you posted. Thanks for your time."),
)  # fmt: skip
CALL_CUSTOMER_BYE: tuple[Pair, ...] = (
    ("네, 감사합니다. 들어가세요.", "Great, thank you. Bye."),
    ("좋아요, 연락 기다릴게요.", "Sounds good, talk soon."),
)  # fmt: skip

BOT_GREETING: Pair = (
    "안녕하세요! 그로우보드입니다. 무엇을 도와드릴까요? 상담원 연결까지 잠시만 기다려 주세요.",
    "Hi! This is Growboard. How can we help? An agent will join shortly.",
)
INTERNAL_NOTES: tuple[str, ...] = (
    "개발팀 #cx-escalation 채널에 공유함. 재현됨.",
    "같은 증상 이번 주 3건째. 지라 티켓에 링크 추가.",
    "대표님 직접 문의 — AM에게 공유 필요.",
)

ROADMAP: tuple[tuple[str, str, str, str | None, float, tuple[str, ...], int | None], ...] = (
    # (title, description, status, external tracker URL, strategic weight, tags, shipped N weeks before end)
    ("쿠팡 윙 연동", "쿠팡 윙·로켓그로스 주문과 정산 데이터를 매출 대시보드에 연동", "building",
     "https://linear.app/growboard/issue/GRW-231", 3.0,
     ("area/integrations/coupang", "type/feature-request/integration"), None),
    ("카카오모먼트 광고 연동", "카카오모먼트 광고비와 전환을 광고 성과에 포함", "planned",
     "https://linear.app/growboard/issue/GRW-244", 1.5, ("area/integrations/kakao-moment",), None),
    ("엑셀 다운로드 안정화", "대용량 엑셀 다운로드 비동기 처리, 한글 인코딩 수정", "shipped",
     "https://github.com/growboard/app/issues/412", 2.0,
     ("area/dashboard/export", "area/dashboard/export/excel", "type/bug"), 9),
    ("다운로드 컬럼 선택", "엑셀·CSV 내보내기에서 컬럼을 골라 받기", "planned",
     "https://github.com/growboard/app/issues/455", 1.0, ("area/dashboard/export",), None),
    ("구글 시트 자동 동기화", "대시보드 데이터를 구글 시트로 매일 동기화", "idea", None, 1.0,
     ("area/dashboard/export/google-sheets",), None),
    ("데이터 수집 파이프라인 이중화", "장애 시 수집 지연을 줄이는 큐 이중화와 자동 재수집", "building",
     "https://growboard.atlassian.net/browse/DATA-88", 2.5,
     ("area/dashboard/data-sync", "area/performance/outage"), None),
    ("상품별 ROAS", "광고비를 상품 단위로 배분해 상품별 ROAS 제공", "planned",
     "https://linear.app/growboard/issue/GRW-219", 2.0, ("area/dashboard/ads", "area/dashboard/ads/roas"), None),
    ("광고 소재별 성과", "메타·네이버 광고 소재 단위 성과", "idea", None, 1.2, ("area/dashboard/ads",), None),
    ("상품별 재구매 주기", "상품·옵션별 재구매 주기와 알림", "planned",
     "https://linear.app/growboard/issue/GRW-260", 2.0, ("area/dashboard/repurchase", "goal/repurchase"), None),
    ("실제 마진 계산", "채널 수수료·배송비·원가를 반영한 마진", "building",
     "https://github.com/growboard/app/issues/430", 1.8, ("area/dashboard/margin", "goal/margin"), None),
    ("채널 통합 매출 뷰", "모든 판매 채널 매출을 한 화면에", "shipped",
     "https://linear.app/growboard/issue/GRW-180", 2.2, ("area/dashboard/sales",), 15),
    ("카카오톡 주간 리포트", "주간 리포트를 알림톡으로 받기", "shipped",
     "https://linear.app/growboard/issue/GRW-201", 1.0, ("area/dashboard/reports", "area/notifications/kakao"), 5),
    ("상세페이지 비교표 블록", "상세페이지 템플릿에 비교표 블록 추가", "planned",
     "https://github.com/growboard/templates/issues/88", 1.2, ("area/templates/detail-page",), None),
    ("상세페이지 영상·GIF 블록", "상세페이지에 짧은 영상과 GIF 넣기", "idea", None, 0.8,
     ("area/templates/detail-page", "area/editor/images"), None),
    ("자동 저장 개선", "편집 중 유실을 막는 로컬 백업과 충돌 해결", "shipped",
     "https://github.com/growboard/editor/issues/301", 2.0, ("area/editor/autosave",), 12),
    ("에디터 성능 개선", "긴 상세페이지에서 에디터 지연 해소", "building",
     "https://github.com/growboard/editor/issues/317", 1.5, ("area/editor/performance",), None),
    ("AI 카피 브랜드 톤", "AI 카피에 브랜드 톤 선택과 다국어 생성", "planned",
     "https://linear.app/growboard/issue/GRW-266", 1.3, ("area/editor/ai-copy",), None),
    ("WebP·분할 내보내기", "WebP 저장과 스마트스토어용 분할 저장", "idea", None, 0.7, ("area/editor/export",), None),
    ("Shopify 다중 스토어", "여러 Shopify 스토어를 하나의 대시보드에서", "idea", None, 0.9,
     ("area/integrations/shopify", "goal/global"), None),
    ("권한 세분화", "금액 열람 권한을 역할별로 분리", "planned",
     "https://growboard.atlassian.net/browse/ACC-41", 1.1, ("area/account/permissions",), None),
    ("세금계산서 자동 재발행", "사업자 정보 변경 시 세금계산서 자동 수정 발행", "shipped",
     "https://growboard.atlassian.net/browse/BILL-17", 0.8, ("area/billing/invoice",), 20),
)  # fmt: skip
