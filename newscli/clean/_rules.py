"""Phrase lists (package data) and the line predicates of the boilerplate classifier.

Nothing here prints or keeps state beyond import-time compiled tables and two bounded caches.
Character sets come from `newscli.chars` (through `_text`).
"""

from __future__ import annotations

import re
from importlib import resources

from newscli import chars
from newscli.chars import TATWEEL
from newscli import gazetteer
from newscli.normalize import normalize
from newscli.clean._text import DIGIT, LETTER, bare_end, fold_line, is_terminal, key, words


def parse_phrase_lines(lines: list[str]) -> tuple[str, ...]:
    """Phrases from a list of file lines: strips, drops blanks and `#` comments."""
    out = []
    for raw in lines:
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        out.append(s)
    return tuple(out)


def _data(name: str) -> tuple[str, ...]:
    text = resources.files("newscli.clean").joinpath("data", name).read_text(encoding="utf-8")
    return parse_phrase_lines(text.split("\n"))


def key_set(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k for k in (key(normalize(p)) for p in phrases) if k)


PHRASES = key_set(_data("phrases.txt"))
BLOCK_HEADERS = key_set(_data("block_headers.txt"))
END_HEADERS = key_set(_data("end_headers.txt"))
SECTIONS = key_set(_data("sections.txt"))
FURNITURE = key_set(_data("furniture.txt"))
PLACES = key_set(gazetteer.places())
_OUTLET_NAMES = gazetteer.outlets() + _data("outlets.txt")  # the shared list, then clean's own
OUTLETS = key_set(_OUTLET_NAMES)
# one spelling per known outlet: "(أ ش أ)", "أ. ش. أ" and "أ ش أ" have one key
CANONICAL_OUTLET: dict[str, str] = {}
for _name in _OUTLET_NAMES:
    CANONICAL_OUTLET.setdefault(key(normalize(_name)).replace(" ", ""), normalize(_name))  # "أش أ" too
CREDITS = key_set(_data("credits.txt"))
NOT_NAMES = key_set(_data("not_names.txt"))  # words never in a person's name (closing sentences)
_OUTLETS_JOINED = frozenset(k.replace(" ", "") for k in OUTLETS)
NOTICE_RE = re.compile(
    r"(?:^| )(?:" + "|".join(re.escape(k) for k in sorted(key_set(_data("notices.txt")), key=len, reverse=True)) + r")(?: |$)"
)
LIST_ITEM_RE = re.compile("^" + DIGIT + r"{1,3}\s*[-–.)]|^[-–•*·▪]\s")
TAIL_PREFIXES = tuple(sorted(key_set(_data("tail_prefixes.txt"))))
HOME = frozenset({"الرييسيه", "الصفحه الرييسيه", "home", "الرئيسيه"})

ALL_WHOLE = PHRASES | BLOCK_HEADERS | END_HEADERS
MAX_KEY_WORDS = max(k.count(" ") + 1 for k in ALL_WHOLE)
MAX_KEY_CHARS = max(len(k) for k in ALL_WHOLE)


def _alternation(items: tuple[str, ...]) -> str:
    folded = sorted({fold_line(normalize(p)) for p in items}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in folded)


_SEP = r"[:\-–—" + TATWEEL + r"|]"  # tatweel: also written as a dash
# prefixes that credit a source: the rest of the line must be short (an outlet, an agency)
CREDIT_PREFIXES = tuple(fold_line(p) for p in ("المصدر", "المصادر", "مصدر الخبر", "مصدر الصورة"))
# Reuters Arabic credit lines at the end: "(إعداد … للنشرة العربية - تحرير …)" and "من <reporters>"
REUTERS_CREDIT_RE = re.compile(r"^\(?\s*اعداد .{2,60} للنشره العربيه")
# anchored prefix followed by a separator (on the folded line)
PREFIX_RE = re.compile(r"^[^\w]*(?:" + _alternation(_data("prefixes.txt")) + r")\s*(?:" + _SEP + "|/)")
# first words of the folded prefixes. PREFIX_RE matches fold_line(line) at 0 only after
# `[^\w]*`; when the folded first token (up to the first space) starts with a word character,
# that run is empty and the token must start with a prefix's first word (which has no space).
_LINK_VERBS = ("شاهد", "اقرا", "إقرا", "طالع", "تابع", "بالفيديو", "بالصور", "فيديو", "انفوجراف", "انفوغراف")
_PREFIX_W1 = tuple(sorted({fold_line(normalize(p)).split()[0] for p in _data("prefixes.txt")} | set(_LINK_VERBS)))
_PREFIX_GATE_OK = all(w[:1].isalnum() or w[:1] == "_" for w in _PREFIX_W1)
_TOKEN_CACHE: dict[str, bool] = {}
_TOKEN_CACHE_MAX = 50_000


def may_be_prefixed(line: str) -> bool:
    """False only when PREFIX_RE cannot match fold_line(line) (a cached test on the first token)."""
    sp = line.find(" ")
    token = line if sp < 0 else line[:sp]
    r = _TOKEN_CACHE.get(token)
    if r is None:
        ft = fold_line(token)
        r = not _PREFIX_GATE_OK or not (ft[:1].isalnum() or ft[:1] == "_") or ft.startswith(_PREFIX_W1)
        if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
            _TOKEN_CACHE.clear()
        _TOKEN_CACHE[token] = r
    return r


# byline verb + at most 6 more words, optional separator, optional final colon
# (كتب/كتبت/بقلم need no separator; the other verbs, such as حوار or ترجمة, need one or a final colon)
_STRONG_BYLINE = ("كتب", "كتبت", "كتبه", "بقلم")
BYLINE_RE = re.compile(
    r"^[^\w]*(?:(?:" + _alternation(_STRONG_BYLINE) + r")(?:\s*" + _SEP + r"+\s*|\s+)(\S+(?:\s+\S+){0,5})\s*:?"
    r"|(?:" + _alternation(_data("bylines.txt")) + r")(?:\s*" + _SEP + r"+\s*(\S+(?:\s+\S+){0,5})\s*:?"
    r"|\s+(\S+(?:\s+\S+){0,5})\s*:))$"
)
RELTIME_RE = re.compile(
    r"^(?:منذ|قبل)\s+(?:" + DIGIT + r"+\s+)?(?:ثانيه|ثوان|ثواني|ثوانٍ|دقيقه|دقيقتين|دقايق|دقائق|ساعه|ساعتين|ساعات|"
    r"يوم|يومين|ايام|اسبوع|اسبوعين|اسابيع|شهر|شهرين|اشهر|سنه|سنتين|سنوات|عام|عامين|اعوام)$"
)
CLICK_RE = re.compile(r"اضغط\s+هنا|انقر\s+هنا|click\s+here|من\s+هنا$")
# a click-here line is an invitation: it starts with one of these (on the key)
CLICK_START = ("ل", "اضغط", "انقر", "يمكنك", "click", "للمزيد", "تابع", "شاهد")
LINK_RE = re.compile(r"^(?:https?://|www\.)\S+$|^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$", re.I)
MENU_SPLIT = re.compile(r"\s*[|•·/\\]\s*|\s+[»›><‹«]\s+")
_MENU_GATE = re.compile(r"[|•·/\\»›><‹«]")  # MENU_SPLIT needs one of these (a fast class scan)
COPYRIGHT_KEY_RE = re.compile(r"^(?:جميع )?(?:ال)?حقوق (?:(?:النشر|الطبع|التاليف|الملكيه) )?محفوظه|^copyright")
# A side of a dateline is 2-40 characters; the diacritics on them are not counted (a fold may
# delete them, and a side must not change length under a fold: clean stays idempotent).
_SIDE_MARK = chars.char_class(chars.DIACRITICS)
_NOT_SIDE = r"[^\-–—" + TATWEEL + r":|/.،,!؟?«»\"" + DIGIT[1:-1] + _SIDE_MARK[1:-1] + r"]"
_SIDE = _SIDE_MARK + "*(?:" + _NOT_SIDE + _SIDE_MARK + "*)"
DATELINE_RE = re.compile(r"^(" + _SIDE + r"{2,40}?)\s*[-–—" + TATWEEL + r"]+\s*(" + _SIDE + r"{2,40}?)\s*:?$")
NAV_PREFIX_RE = re.compile(r"^(?:Next\s+Previous|Previous\s+Next)\s+(?=\S)")
TAG_TRAILER_RE = re.compile(r"(?<=[.!؟?…»”\"])\s*((?:سمات|الوسوم\s*:|وسوم\s*:)\s+[^.!؟?…:«»]{1,300}?)\s*$")

# --- inline lines (issue 13) -------------------------------------------------------------------
# "شاهد.. …", "اقرأ.. …", "شاهد بالفيديو: …": a reading/watching verb, then "..", "…", ":" or "|"
# and a headline (on the folded line).
LINK_LINE_RE = re.compile(
    r"^[^\w]*(?:شاهد|شاهدي|شاهدوا|اقرا|إقرا|اقراي|طالع|تابع|تابعي|بالفيديو|بالصور|فيديو|انفوجراف|انفوغراف)"
    r"(?:\s+(?:ايضا|كذلك|بالفيديو|بالصور|الفيديو|الصور))?\s*(?:\.{2,}|…|:|\|)\s*\S"
)
# per-outlet trailers glued to the end of an article ("رابط الخبر بصحيفة الوئام: <title>")
TRAILER_RE = re.compile(
    r"(?:^|(?<=[.!؟?…»”\"'\s]))\s*((?:رابط الخبر (?:ب|في |على )?(?:صحيف[ةه]|موقع|جريد[ةه]) [^:]{2,30}:"
    r"|مقالات أخرى للكاتب|مقالات اخرى للكاتب).*)$"
)
# a promotion speaks to the reader: "يمكنكم تسلم إشعارات … تطبيق …", "حمّل تطبيق …"
_PROMO_WORDS = ("يمكنكم", "يمكنك ", "حملوا", "حمل تطبيق", "حمّل تطبيق", "نزل تطبيق", "نزّل تطبيق", "لتحميل تطبيق",
                "تسلم إشعارات", "تسلم اشعارات", "استلام إشعارات", "استلام اشعارات", "download our app", "get our app")
_CONTACT_WORDS = ("تواصل", "رسال", "بريد", "ايميل", "إيميل", "الكاتب", "واتساب", "تويتر")
CONTACT_RE = re.compile(r"\bsms\b|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
# pieces of an SMS contact block broken over several lines (Saudi columns): the code and the
# carriers ("تبدأ بالرمز 158 ثم مسافة ثم الرسالة", "88591 - Stc", "635031 - Mobily")
_CARRIERS = ("stc", "mobily", "zain", "موبايلي", "زين", "الاتصالات")
SMS_PIECE_RE = re.compile(r"بالرمز|مسافه ثم|ثم الرساله|ثم نص الرساله")
CARRIER_RE = re.compile(DIGIT + r"{4,12}.{0,6}(?:stc|mobily|zain|موبايلي|زين|الاتصالات)|(?:stc|mobily|zain|موبايلي|زين|الاتصالات).{0,6}" + DIGIT + "{4}", re.I)
HANDLE_RE = re.compile(
    r"^(?:تويتر|twitter|فيسبوك|فيس بوك|facebook|يوتيوب|youtube|انستغرام|أنستغرام|انستقرام|instagram|سناب شات|snapchat)"
    r"\s*[:：]\s*(?:@?\w{2,}|https?://\S+|www\.\S+)$|^(?:تويتر|twitter)\s*@\w{2,}$", re.I)
# a phone line of a press contact ("الهاتف: +971 (4) 305 0332")
PHONE_LINE_RE = re.compile(r"^(?:الهاتف|هاتف|تليفون|جوال|فاكس|الفاكس|tel|phone|fax)\s*[:：]\s*\+?[\d\s()\-]{6,}$", re.I)
# the press-contact block of a press release: everything after it is names and phone numbers
PRESS_CONTACT_RE = re.compile(r"^(?:ل|ول)(?:استفسارات|لاستفسارات) (?:الصحافه|الصحفيه|الاعلاميه|وسائل الاعلام)|^للتواصل الاعلامي")
# an invitation to a web address ("لمزيد من المعلومات يرجى زيارة الموقع: http://…")
URL_INVITE_RE = re.compile(r"^(?:ل|ول)(?:مزيد|لمزيد|معرفه|لاطلاع|مشاهده|متابعه|تحميل)\b.*(?:https?://|www\.)\S+")
# a clock time standing alone ("11:03 ت م", "9:12 ص")
CLOCK_RE = re.compile(r"^" + DIGIT + r"{1,2}\s*:\s*" + DIGIT + r"{2}(?:\s*(?:ت\s*م|ت\s*غ|ص|م|am|pm|gmt|بتوقيت\s+\S+))?$", re.I)
# disclaimers of opinion pieces and unverified media (CNN, BBC)
DISCLAIMER_RE = re.compile(r"(?:لا|ولا) (?:تعكس|يعكس|تعبر|يعبر) بالضروره|لا يمكنها التاكد من صحه|لا يمكن التحقق من صحه")
_CAPTION_START = ("صوره من", "صوره ل", "الصوره", "جانب من", "لقطه من", "من اليمين", "من اليسار", "ارشيفيه")
_CAPTION_ANY = ("الصوره توضيحيه", "صوره توضيحيه", "صوره ارشيفيه")
_CAPTION_END_RE = re.compile(r"(?:[(\-–—" + TATWEEL + r"]\s*(?:صوره\s+)?(?:ارشيفيه|ارشيف|ارشيفي)\s*\)?|\(\s*(?:صوره|تصوير)[^)]*\))$")
# comment thread pieces
COMMENT_COUNT_RE = re.compile(
    r"^\(?" + DIGIT + r"*\)?\s*(?:تعليق|تعليقان|تعليقين|تعليقات|comments?|responses?)\s*\(?" + DIGIT + r"*\)?$", re.I
)
REPLY_KEYS = frozenset({"رد", "الرد", "reply", "رد على التعليق"})
TIMESTAMP_RE = re.compile(
    DIGIT + r"{1,2}\s*[:٫]\s*" + DIGIT + r"{2}\s*(?:ص|م|am|pm)?|" + DIGIT + r"{1,2}[/.-]" + DIGIT + r"{1,2}[/.-]" + DIGIT
    + r"{2,4}|(?:الساعه|في)\s+" + DIGIT, re.I
)


def link_line(folded: str) -> bool:
    """'شاهد.. لحظة سقوط الطائرة' (an inline link to another story)."""
    return LINK_LINE_RE.match(folded) is not None


_PROMO_ACTS = ("إشعار", "اشعار", "تحميل", "متجر", "store", "play", "مجانا", "مجاناً", "الآن", "نسخة")


def promo(line: str) -> bool:
    """App promotion: an app (تطبيق/app), the reader addressed (يمكنكم, حمّل تطبيق …) and a
    download, store or notification word ("يمكنك أيضا استخدام التطبيقات الأمنية" stays)."""
    if "تطبيق" not in line and "app" not in line.lower():
        return False
    low = line.lower()
    return any(w in low for w in _PROMO_WORDS) and any(w in low for w in _PROMO_ACTS)


_CONTACT_START = ("للتواصل", "تواصل", "راسل", "البريد", "بريد", "الايميل", "ايميل", "email", "e-mail", "للاتصال",
                  "للاشتراك", "ارسل", "للمشاركه", "sms")


def contact(line: str) -> bool:
    """A contact line: an SMS or e-mail address and a contact word, in a line that starts as a
    contact line or is short (a sentence that mentions an address stays)."""
    if CONTACT_RE.search(line) is None or not any(w in line for w in _CONTACT_WORDS):
        return False
    return words(line) <= 12 or fold_line(line).lstrip("*-–— ").startswith(_CONTACT_START)


def contact_piece(line: str, f: str) -> bool:
    """A piece of an SMS contact block, a carrier number or a social handle line."""
    if ("رمز" in f or "مساف" in f or "رسال" in f) and SMS_PIECE_RE.search(f):
        return True
    if ":" in line and (HANDLE_RE.match(line) or PHONE_LINE_RE.match(line)):
        return True
    low = f.lower()
    return any(c in low for c in _CARRIERS) and CARRIER_RE.search(f) is not None


_OUTLET_SPLIT = re.compile(r"\s*[/|،,\-–—]\s*")


def outlets_only(line: str) -> bool:
    """'فرانس24/ أ ف ب': every part a known outlet or credit word."""
    parts = [key(p) for p in _OUTLET_SPLIT.split(line) if p.strip()]
    return len(parts) >= 2 and all(p and (p in OUTLETS or p in CREDITS or p.replace(" ", "") in _OUTLETS_JOINED) for p in parts)


def caption(line: str, k: str, f: str) -> bool:
    """Photo caption: 'صورة من …', 'جانب من …', '… (أرشيفية)' (short, no sentence end); f is
    the line's fold_line()."""
    if is_terminal(line) and not bare_end(line).endswith(")"):
        return False
    if k.startswith(_CAPTION_START):
        return True
    if "ارشيف" not in f and "صور" not in f and "تصوير" not in f:
        return False
    return any(c in k for c in _CAPTION_ANY) or _CAPTION_END_RE.search(f) is not None


def comment_count(line: str) -> bool:
    return COMMENT_COUNT_RE.match(fold_line(line)) is not None


def is_menu(line: str) -> bool:
    """Breadcrumb or menu: 'الرئيسية » أخبار » محلي' or >= 3 short items between separators."""
    if not _MENU_GATE.search(line) or not MENU_SPLIT.search(line):
        return False
    parts = [p for p in MENU_SPLIT.split(line) if words(p)]  # (a part of marks only: none)
    if len(parts) >= 2 and key(parts[0]) in HOME:
        return True
    return len(parts) >= 3 and all(
        words(p) <= 3 and LETTER.search(p) and not any(c in p for c in ":.،,؟?!") for p in parts
    )


_DASH_SPLIT = re.compile(r"\s+[-–—]\s+")


def is_home_menu(line: str) -> bool:
    """Breadcrumb starting at the home page: 'الرئيسية » أخبار'; or a menu of short items between
    dashes that starts at the home page: '| الرئيسية - محلي - دولي - اقتصاد |'."""
    if _MENU_GATE.search(line) and MENU_SPLIT.search(line):
        parts = [p for p in MENU_SPLIT.split(line) if words(p.strip())]
        if len(parts) >= 2 and key(parts[0]) in HOME:
            return True
        parts = [q for p in parts for q in _DASH_SPLIT.split(p) if words(q.strip())]
    elif _DASH_SPLIT.search(line):
        parts = [q for q in _DASH_SPLIT.split(line) if words(q.strip())]
    else:
        return False
    return len(parts) >= 3 and key(parts[0]) in HOME and all(
        words(p) <= 3 and not any(c in p for c in ":.،,؟?!") for p in parts)


# "تابعونا على فيسبوك وتويتر", "شارك الخبر عبر: فيسبوك | تويتر | واتساب": an invitation to follow or
# share that names a social network (on the folded line; the verb opens the line)
SOCIAL_RE = re.compile(
    r"^[^\w]*(?:تابعونا|تابعوا|تابعنا|تابعني|شارك|شاركوا|شاركي|انشر|انشروا|اشترك|اشتركوا)"
    r"(?:\s+(?:الخبر|المقال|الموضوع|هذا الخبر|هذا المقال|الفيديو|صفحتنا|صفحاتنا|قناتنا|حسابنا|حساباتنا))?"
    r"\s*(?:على|عبر|من خلال|في صفحتنا على|:)"
)
_NETWORKS = ("فيسبوك", "فيس بوك", "تويتر", "واتساب", "واتس اب", "انستغرام", "انستجرام", "انستقرام", "يوتيوب",
             "تلغرام", "تيليجرام", "تليجرام", "سناب شات", "تيك توك", "لينكد", "facebook", "twitter", "whatsapp",
             "instagram", "youtube", "telegram", "tiktok")


def social(f: str) -> bool:
    """A follow/share line (f: the folded line)."""
    return bool(SOCIAL_RE.match(f)) and any(n in f for n in _NETWORKS)
