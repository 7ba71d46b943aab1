# ruff: noqa: E501
"""The demo taxonomy: five dimensions, 150+ tags with Korean and English names.

Rows are written as ``path | 한국어 이름 | English name | 한국어 키워드 | English keywords |
설명`` so the table stays readable; :func:`taxonomy` parses it into :class:`TagSpec`.
Tags marked with ``*`` after the path carry a regular expression (used by the demo's rule
assignments); the others are matched only by people and the learned tagger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DimensionSpec:
    """A taxonomy dimension."""

    key: str
    name_ko: str
    name_en: str
    multi_label: bool
    position: int


@dataclass(frozen=True)
class TagSpec:
    """One tag of the demo taxonomy (examples are filled in by the generator)."""

    path: str
    dimension: str
    name_ko: str
    name_en: str
    description: str
    keywords: tuple[str, ...]
    patterns: tuple[str, ...] = field(default=())

    @property
    def parent_path(self) -> str | None:
        """Path of the parent tag, or ``None`` for a top-level tag of its dimension."""
        head, _, _ = self.path.rpartition("/")
        return head if head.count("/") >= 1 else None


DIMENSIONS: tuple[DimensionSpec, ...] = (
    DimensionSpec("area", "제품 영역", "Product area", True, 0),
    DimensionSpec("type", "요청 유형", "Request type", True, 1),
    DimensionSpec("sentiment", "감정", "Sentiment", False, 2),
    DimensionSpec("goal", "비즈니스 목표", "Business goal", True, 3),
    DimensionSpec("journey", "고객 여정", "Customer journey", False, 4),
)

_TABLE = """
area/templates | 템플릿 | Templates | 템플릿,디자인 템플릿 | template,templates | 그로우보드가 판매하는 디자인 템플릿 전반
area/templates/detail-page* | 상세페이지 템플릿 | Detail page templates | 상세페이지,상세 페이지,상페 | detail page,product page | 상품 상세페이지 템플릿의 구성, 품질, 종류
area/templates/banner | 배너 템플릿 | Banner templates | 배너,메인 배너,띠배너 | banner,hero banner | 메인·띠배너 등 배너 템플릿
area/templates/shop-skin* | 쇼핑몰 스킨 | Shop skins | 스킨,쇼핑몰 스킨,디자인 스킨 | skin,theme,shop theme | 카페24·고도몰·아임웹용 쇼핑몰 스킨
area/templates/event-page | 이벤트 페이지 | Event pages | 이벤트 페이지,기획전 | event page,promotion page | 기획전·이벤트 랜딩 페이지 템플릿
area/templates/thumbnail | 썸네일 템플릿 | Thumbnail templates | 썸네일,대표 이미지 | thumbnail,main image | 상품 대표 이미지·썸네일 템플릿
area/templates/popup | 팝업 템플릿 | Popup templates | 팝업,레이어 팝업 | popup,modal | 쇼핑몰 팝업·쿠폰 팝업 템플릿
area/templates/mobile | 모바일 최적화 | Mobile layouts | 모바일,모바일 화면,반응형 | mobile,responsive | 템플릿의 모바일 화면 대응
area/templates/seasonal | 시즌 템플릿 | Seasonal templates | 시즌,명절,추석,블랙프라이데이 | seasonal,holiday,black friday | 명절·블프·연말 등 시즌 템플릿
area/templates/license | 템플릿 사용권 | Template licensing | 사용권,라이선스,저작권 | license,copyright | 템플릿과 이미지·폰트의 상업적 사용 범위
area/templates/marketplace | 템플릿 마켓 | Template marketplace | 템플릿 마켓,디자이너 템플릿 | marketplace,creator templates | 외부 디자이너가 올린 템플릿 마켓
area/editor | 디자인 에디터 | Design editor | 에디터,편집기 | editor | 템플릿을 고치는 웹 에디터 전반
area/editor/text | 텍스트 편집 | Text editing | 글자,텍스트,문구 | text,copy | 에디터의 텍스트 입력·줄바꿈·정렬
area/editor/fonts | 폰트 | Fonts | 폰트,글꼴 | font,typeface | 에디터에서 쓰는 폰트와 라이선스
area/editor/images | 이미지 업로드 | Image upload | 이미지 업로드,사진 업로드 | image upload,photo | 상품 사진 업로드와 용량 제한
area/editor/layers | 레이어 | Layers | 레이어,그룹 | layer,group | 레이어 순서·그룹·잠금
area/editor/autosave | 자동 저장 | Autosave | 자동 저장,저장 안됨 | autosave,not saved | 작업 중 자동 저장과 유실
area/editor/export | 이미지 내보내기 | Image export | 내보내기,jpg 저장,png | export image,jpg,png | 완성한 디자인을 이미지로 저장
area/editor/ai-copy | AI 카피 생성 | AI copywriting | AI 문구,카피 생성,AI 카피 | ai copy,copywriting | 상품 설명 문구를 AI로 만드는 기능
area/editor/ai-background | AI 배경 제거 | AI background removal | 배경 제거,누끼 | background removal,cutout | 상품 사진 배경 자동 제거
area/editor/collaboration | 공동 편집 | Collaboration | 공동 편집,코멘트,피드백 | collaboration,comments | 팀원과 함께 편집하고 코멘트
area/editor/version-history | 버전 기록 | Version history | 버전 기록,이전 버전,되돌리기 | version history,restore | 이전 버전 보기와 복원
area/editor/brand-kit | 브랜드 키트 | Brand kit | 브랜드 키트,브랜드 컬러,로고 | brand kit,brand colors | 로고·컬러·폰트를 한 번에 적용
area/editor/performance | 에디터 속도 | Editor speed | 에디터 느림,버벅 | editor slow,lag | 에디터의 로딩과 반응 속도
area/publish | 적용·배포 | Publishing | 적용,배포,업로드 | publish,apply | 만든 디자인을 쇼핑몰에 적용
area/publish/smartstore | 스마트스토어 적용 | Publish to Smartstore | 스마트스토어 적용,스마트에디터 | publish smartstore | 상세페이지를 스마트스토어에 올리기
area/publish/cafe24 | 카페24 스킨 적용 | Publish to Cafe24 | 카페24 적용,스킨 적용 | cafe24 skin install | 카페24 쇼핑몰에 스킨 적용
area/publish/shopify | Shopify 테마 적용 | Publish to Shopify | 쇼피파이 테마 | shopify theme | Shopify 스토어에 테마·섹션 적용
area/publish/html | HTML 내보내기 | HTML export | HTML,소스 코드 | html,source code | 디자인을 HTML 코드로 받기
area/dashboard | 대시보드 | Dashboards | 대시보드 | dashboard | 그로우보드의 성장 대시보드 전반
area/dashboard/sales* | 매출 대시보드 | Sales dashboard | 매출,매출 대시보드,일매출 | sales,revenue | 채널별·일별 매출 집계
area/dashboard/ads* | 광고 성과 | Ad performance | 광고 성과,광고비,ROAS | ad performance,ad spend,roas | 광고 채널별 성과 대시보드
area/dashboard/ads/roas | ROAS 계산 | ROAS calculation | ROAS,광고 수익률 | roas,return on ad spend | 광고 수익률 계산 기준
area/dashboard/ads/attribution | 광고 기여 분석 | Attribution | 기여도,어트리뷰션 | attribution | 어떤 광고가 주문에 기여했는지
area/dashboard/repurchase* | 재구매율 분석 | Repurchase analysis | 재구매율,재구매,리텐션 | repurchase,retention,repeat purchase | 재구매율·재구매 주기 분석
area/dashboard/cohort | 코호트 분석 | Cohort analysis | 코호트,월별 코호트 | cohort | 가입·첫 구매 월별 코호트
area/dashboard/products | 상품별 분석 | Product analytics | 상품별,베스트 상품 | product analytics,best sellers | 상품별 매출·전환 분석
area/dashboard/customers | 고객 분석 | Customer analytics | 고객 분석,RFM,VIP 고객 | customer analytics,rfm | 고객 세그먼트와 RFM
area/dashboard/funnel | 전환 퍼널 | Conversion funnel | 퍼널,전환율,장바구니 이탈 | funnel,conversion,cart abandonment | 유입부터 구매까지 전환 단계
area/dashboard/export* | 엑셀 다운로드 | Export | 엑셀 다운로드,엑셀,다운로드 | excel,export,download | 대시보드 데이터 내보내기
area/dashboard/export/excel | 엑셀 파일 | Excel file | 엑셀 파일,xlsx | excel,xlsx | 엑셀 파일 형식과 깨짐
area/dashboard/export/csv | CSV 파일 | CSV file | CSV | csv | CSV 형식·인코딩
area/dashboard/export/google-sheets | 구글 시트 연동 | Google Sheets sync | 구글 시트,스프레드시트 | google sheets | 구글 시트로 자동 내보내기
area/dashboard/data-sync* | 데이터 동기화 | Data sync | 동기화,데이터 지연,데이터 안 들어와,집계 지연 | sync,data delay,missing data | 판매 채널 데이터 수집·갱신 주기와 지연
area/dashboard/widgets | 위젯·커스텀 보드 | Widgets | 위젯,커스텀 대시보드 | widget,custom dashboard | 위젯 추가와 보드 구성
area/dashboard/reports | 정기 리포트 | Scheduled reports | 리포트,주간 리포트,메일 리포트 | report,weekly report | 이메일·카톡으로 받는 정기 리포트
area/dashboard/goals | 목표 관리 | Goals | 목표,월 목표,달성률 | goal,target | 월 매출 목표와 달성률
area/dashboard/alerts | 이상 알림 | Anomaly alerts | 이상 알림,급감 알림 | anomaly alert | 매출 급감·급증 알림
area/dashboard/margin | 마진 계산 | Margin | 마진,원가,수수료 | margin,cost,fees | 원가·수수료를 뺀 실제 마진
area/dashboard/inventory | 재고 | Inventory | 재고,품절 | inventory,stock | 재고·품절 예측
area/dashboard/sharing | 대시보드 공유 | Dashboard sharing | 공유 링크,공유 | share link,sharing | 외부 공유 링크와 권한
area/dashboard/mobile | 모바일 대시보드 | Mobile dashboard | 모바일 대시보드 | mobile dashboard | 모바일에서 보는 대시보드
area/integrations | 연동 | Integrations | 연동,연결 | integration,connect | 판매 채널·광고 채널 연동 전반
area/integrations/smartstore* | 스마트스토어 연동 | Smartstore integration | 스마트스토어,스스,네이버 커머스 | smartstore,naver commerce | 네이버 스마트스토어 커머스 API 연동
area/integrations/cafe24* | 카페24 연동 | Cafe24 integration | 카페24 | cafe24 | 카페24 쇼핑몰 API 연동
area/integrations/coupang* | 쿠팡 연동 | Coupang integration | 쿠팡,윙,로켓그로스 | coupang,wing,rocket growth | 쿠팡 윙·로켓그로스 연동
area/integrations/shopify* | Shopify 연동 | Shopify integration | 쇼피파이 | shopify | Shopify 스토어 연동
area/integrations/godomall | 고도몰 연동 | Godomall integration | 고도몰 | godomall | 고도몰 연동
area/integrations/imweb | 아임웹 연동 | imweb integration | 아임웹 | imweb | 아임웹 연동
area/integrations/11st | 11번가 연동 | 11st integration | 11번가 | 11st | 11번가 연동
area/integrations/gmarket | G마켓·옥션 연동 | Gmarket integration | G마켓,지마켓,옥션,ESM | gmarket,auction,esm | G마켓·옥션(ESM) 연동
area/integrations/naver-ads | 네이버 광고 연동 | Naver Ads integration | 네이버 광고,검색광고,GFA | naver ads,search ads | 네이버 검색광고·GFA 연동
area/integrations/kakao-moment | 카카오모먼트 연동 | Kakao Moment integration | 카카오모먼트,카카오 광고 | kakao moment,kakao ads | 카카오모먼트 광고 연동
area/integrations/meta-ads | 메타 광고 연동 | Meta Ads integration | 메타 광고,페이스북 광고,인스타 광고 | meta ads,facebook ads,instagram ads | 메타(페이스북·인스타그램) 광고 연동
area/integrations/google-ads | 구글 광고 연동 | Google Ads integration | 구글 광고,구글애즈 | google ads | 구글 광고 연동
area/integrations/ga4 | GA4 연동 | GA4 integration | GA4,구글 애널리틱스 | ga4,google analytics | GA4 유입 데이터 연동
area/integrations/kakao-channel | 카카오톡 채널 연동 | Kakao channel integration | 카카오톡 채널,플친 | kakao channel | 카카오톡 채널 친구·메시지 성과
area/integrations/erp | 사방넷·ERP 연동 | ERP integration | 사방넷,ERP,이지어드민 | erp,order management | 주문 통합관리·ERP 연동
area/billing | 결제·청구 | Billing | 결제,청구,요금 | billing,payment | 구독 결제와 청구 전반
area/billing/payment* | 결제 | Payment | 결제,결제 오류,결제 실패 | payment,payment failed | 구독료 결제 처리
area/billing/payment/card-declined | 카드 결제 실패 | Card declined | 카드 승인 거절,한도 초과 | card declined | 카드 승인 거절과 재시도
area/billing/payment/auto-renewal | 자동 갱신 | Auto-renewal | 자동 갱신,자동 결제 | auto renewal,recurring | 정기 결제 자동 갱신
area/billing/invoice* | 세금계산서 | Tax invoice | 세금계산서,계산서,사업자등록증 | tax invoice,invoice | 세금계산서 발행·수정 발행
area/billing/receipt | 영수증 | Receipt | 영수증,카드 전표,거래명세서 | receipt | 영수증·거래명세서 발급
area/billing/refund | 환불 | Refund | 환불,부분 환불 | refund | 환불 요청과 기준
area/billing/plan-change | 플랜 변경 | Plan change | 플랜 변경,업그레이드,다운그레이드 | plan change,upgrade,downgrade | 요금제 변경과 일할 계산
area/billing/pricing | 요금제 | Pricing | 가격,요금제,비싸 | pricing,price,expensive | 가격 정책과 요금제 구성
area/billing/discount | 할인·프로모션 | Discounts | 할인,쿠폰,연간 결제 할인 | discount,coupon,annual plan | 할인 코드·연간 결제 할인
area/account | 계정 | Account | 계정,아이디 | account | 로그인·팀·권한 등 계정 전반
area/account/login | 로그인 | Login | 로그인,비밀번호 | login,password | 로그인 실패와 비밀번호 재설정
area/account/sso | 소셜 로그인 | Social login | 네이버 로그인,카카오 로그인,구글 로그인 | social login,sso | 네이버·카카오·구글 계정 로그인
area/account/team | 팀원 초대 | Team members | 팀원 초대,팀원,좌석 | invite,team,seats | 팀원 초대와 좌석 수
area/account/permissions | 권한 | Permissions | 권한,열람 권한 | permissions,roles | 팀원별 권한 설정
area/account/2fa | 2단계 인증 | Two-factor auth | 2단계 인증,OTP | 2fa,two-factor,otp | 2단계 인증 설정
area/account/deletion | 탈퇴·데이터 삭제 | Account deletion | 탈퇴,데이터 삭제 | delete account,data deletion | 계정 해지 후 데이터 처리
area/api | API | API | API,오픈 API | api | 그로우보드 오픈 API
area/api/keys | API 키 | API keys | API 키,토큰 | api key,token | API 키 발급·재발급
area/api/rate-limit | API 호출 제한 | Rate limits | 호출 제한,429 | rate limit,429 | 분당 호출 한도
area/api/webhooks | 웹훅 | Webhooks | 웹훅 | webhook | 주문·매출 이벤트 웹훅
area/api/docs | API 문서 | API docs | API 문서,개발 문서 | api docs,documentation | 개발 문서와 예제
area/notifications | 알림 | Notifications | 알림,알람 | notification | 그로우보드가 보내는 알림
area/notifications/email | 이메일 알림 | Email notifications | 메일 알림,이메일 | email notification | 이메일 알림 수신·차단
area/notifications/kakao | 알림톡 | Kakao AlimTalk | 알림톡,카톡 알림 | alimtalk,kakao notification | 카카오 알림톡으로 받는 알림
area/mobile-app | 모바일 앱 | Mobile app | 앱,모바일 앱 | app,mobile app | 그로우보드 모바일 앱
area/mobile-app/ios | iOS 앱 | iOS app | 아이폰,iOS | iphone,ios | iOS 앱
area/mobile-app/android | 안드로이드 앱 | Android app | 안드로이드,갤럭시 | android | 안드로이드 앱
area/performance | 속도·안정성 | Performance | 느림,속도,안정성 | slow,performance | 서비스 전반의 속도와 안정성
area/performance/page-load | 페이지 로딩 | Page load | 로딩,로딩 느림 | loading,page load | 화면 로딩 속도
area/performance/outage | 장애 | Outage | 장애,접속 안됨,서버 오류 | outage,down,server error | 서비스 장애와 공지
area/setup | 초기 설정 | Setup | 초기 설정,세팅 | setup | 가입 후 첫 설정
area/setup/data-import | 과거 데이터 가져오기 | Historical import | 과거 데이터,이전 데이터 | historical data,backfill | 연동 전 과거 매출 불러오기
area/setup/guide | 가이드·튜토리얼 | Guides | 가이드,사용법,튜토리얼 | guide,tutorial,how to | 도움말과 튜토리얼
area/support | 상담 경험 | Support experience | 상담,문의 | support | 그로우보드 상담 자체에 대한 의견
area/support/response-time | 응답 속도 | Response time | 답변 늦음,응답 속도 | slow reply,response time | 상담 응답 속도
area/support/agent | 상담원 응대 | Agent quality | 상담원,친절 | agent,helpful | 상담원의 응대 품질
area/security | 보안·개인정보 | Security & privacy | 보안,개인정보 | security,privacy | 보안과 개인정보 처리
area/security/privacy | 개인정보 처리 | Privacy | 개인정보,위탁,처리방침 | privacy,personal data | 고객 개인정보 처리와 위탁
area/security/contract | 보안 점검 | Security review | 보안 점검,보안 서약,ISMS | security review,isms | 도입 전 보안 점검과 계약 서류
type/bug | 버그 | Bug | 오류,에러,안 돼요,버그 | error,bug,broken | 제품이 의도대로 동작하지 않음
type/bug/data | 데이터 오류 | Data bug | 숫자가 달라요,데이터 틀림 | wrong numbers,data mismatch | 집계 숫자가 원천 데이터와 다름
type/bug/ui | 화면 오류 | UI bug | 화면 깨짐,버튼 안 눌림 | ui broken,button | 화면 표시·조작 오류
type/feature-request | 기능 요청 | Feature request | 추가해주세요,기능 요청,있으면 좋겠 | feature request,please add,would love | 없는 기능을 원함
type/feature-request/integration | 연동 요청 | Integration request | 연동해주세요,연동 추가 | integration request | 새 채널 연동을 원함
type/feature-request/improvement | 개선 요청 | Improvement | 개선,불편해요 | improvement,inconvenient | 있는 기능을 더 낫게
type/question | 문의 | Question | 궁금,문의,어떻게 | question,how do i | 사용 방법이나 정책 문의
type/question/how-to | 사용법 문의 | How-to | 사용법,방법 | how to | 기능 사용 방법
type/question/pricing | 요금 문의 | Pricing question | 가격 문의,견적 | pricing question,quote | 요금·견적 문의
type/complaint | 불만 | Complaint | 불편,실망,화가,답답 | complaint,frustrated,disappointed | 서비스에 대한 불만 표현
type/praise | 칭찬 | Praise | 감사,좋아요,최고 | thanks,love,great | 만족과 칭찬
type/billing | 청구 문의 | Billing inquiry | 결제,청구,환불 | billing,charge,refund | 결제·청구 관련 처리 요청
type/churn-risk | 이탈 위험 | Churn risk | 해지,다른 서비스,그만 쓸,옮길 | cancel,switch,competitor | 해지·이탈을 암시
type/cancellation | 해지 요청 | Cancellation | 해지 요청,구독 취소 | cancel subscription | 해지 의사를 밝힘
type/onboarding | 온보딩 | Onboarding | 처음,시작,세팅 | getting started,setup | 도입 초기 설정과 교육
type/training | 교육 요청 | Training | 교육,사용 교육,웨비나 | training,webinar | 팀 교육·웨비나 요청
type/sales-inquiry | 도입 문의 | Sales inquiry | 도입,견적,데모 | demo,quote,evaluate | 도입·견적 문의(세일즈 리드)
type/upgrade | 업그레이드 | Upgrade | 업그레이드,상위 플랜 | upgrade | 상위 플랜·좌석 추가
type/downgrade | 다운그레이드 | Downgrade | 다운그레이드,하위 플랜 | downgrade | 하위 플랜으로 변경
type/renewal | 갱신 협의 | Renewal | 갱신,재계약 | renewal | 연간 계약 갱신 협의
type/partnership | 제휴 | Partnership | 제휴,파트너,에이전시 | partnership,agency | 에이전시·제휴 제안
type/data-request | 데이터 요청 | Data request | 데이터 추출,원본 데이터 | data request,raw data | 원본 데이터 추출 요청
type/security-review | 보안 검토 | Security review | 보안 검토,보안 서류 | security questionnaire | 도입 전 보안 검토 요청
type/incident-report | 장애 제보 | Incident report | 장애,먹통,안 들어가져요 | outage,down | 서비스 장애 제보
type/escalation | 에스컬레이션 | Escalation | 담당자 연결,책임자 | escalate,manager | 상위 담당자를 요구
type/feedback | 일반 의견 | Feedback | 의견,제안 | feedback,suggestion | 요청이 아닌 일반 의견
sentiment/positive | 긍정 | Positive | 좋아요,감사,만족 | great,thanks,happy | 긍정적인 감정
sentiment/neutral | 중립 | Neutral | 문의,확인 | question,check | 중립적인 감정
sentiment/negative | 부정 | Negative | 불편,실망,화나 | frustrated,angry,disappointed | 부정적인 감정
goal/repurchase | 재구매율 향상 | Increase repurchase | 재구매율,단골,리텐션 | repurchase,retention,loyalty | 재구매율·단골 고객 늘리기
goal/aov | 객단가 향상 | Raise AOV | 객단가,묶음 판매 | aov,basket size | 주문당 금액 높이기
goal/acquisition | 신규 고객 확보 | Acquire customers | 신규 고객,유입 | new customers,acquisition | 신규 고객 유입 늘리기
goal/roas | 광고 효율 개선 | Improve ROAS | 광고 효율,ROAS,광고비 | roas,ad efficiency | 같은 광고비로 더 많은 매출
goal/conversion | 전환율 개선 | Improve conversion | 전환율,구매 전환 | conversion rate | 방문 대비 구매 늘리기
goal/efficiency | 운영 효율화 | Operational efficiency | 업무 시간,자동화,인력 | efficiency,automation | 적은 인력으로 운영
goal/global | 해외 진출 | Go global | 해외,일본,미국,역직구 | global,cross-border | 해외 판매 확대
goal/branding | 브랜드 강화 | Build the brand | 브랜드,브랜딩 | brand,branding | 자사몰 브랜드 강화
goal/new-channel | 판매 채널 확장 | New sales channels | 채널 확장,입점 | new channel,marketplace | 새 판매 채널 입점
goal/inventory | 재고 최적화 | Optimize inventory | 재고 회전,품절 | inventory turnover,stockout | 재고 부담 줄이기
goal/margin | 수익성 개선 | Improve margins | 마진,수익성 | margin,profitability | 수수료·원가를 넘는 수익
goal/reporting | 경영 보고 | Reporting to leadership | 보고,투자자,주간 회의 | reporting,investors,board | 경영진·투자자 보고용 지표
journey/trial | 체험 | Trial | 무료 체험,체험판 | trial | 무료 체험 중인 고객
journey/onboarding | 온보딩 | Onboarding | 도입 초기 | onboarding | 가입 후 첫 달
journey/adoption | 활용 | Adoption | 활용,사용 중 | adoption,active use | 꾸준히 쓰는 단계
journey/expansion | 확장 | Expansion | 확장,추가 도입 | expansion | 좌석·플랜을 늘리는 단계
journey/renewal | 갱신 | Renewal | 갱신 | renewal | 계약 갱신을 앞둔 단계
journey/at-risk | 이탈 위험 | At risk | 이탈 위험 | at risk | 이탈 신호가 있는 단계
journey/churned | 이탈 | Churned | 해지 완료 | churned | 해지한 고객
journey/advocacy | 추천 | Advocacy | 추천,사례,후기 | advocacy,referral,case study | 추천·사례 인터뷰에 응하는 고객
"""


def _patterns(keywords: tuple[str, ...]) -> tuple[str, ...]:
    # One case-insensitive alternation of the literal keywords: a simple, safe rule.
    return ("(?i)(" + "|".join(re.escape(k) for k in keywords) + ")",)


def taxonomy() -> list[TagSpec]:
    """Parse the table into tags, parents first (the table is written in that order)."""
    tags: list[TagSpec] = []
    for line in _TABLE.strip().splitlines():
        cells = [c.strip() for c in line.split("|")]
        path, name_ko, name_en, kw_ko, kw_en, desc = cells
        ruled = path.endswith("*")
        path = path.rstrip("*")
        keywords = tuple(k.strip() for k in (kw_ko + "," + kw_en).split(",") if k.strip())
        tags.append(
            TagSpec(
                path=path,
                dimension=path.split("/", 1)[0],
                name_ko=name_ko,
                name_en=name_en,
                description=f"{desc}. ({name_en})",
                keywords=keywords,
                patterns=_patterns(keywords) if ruled else (),
            )
        )
    return tags
