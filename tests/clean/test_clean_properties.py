"""Property tests: clean is idempotent; under the default normalization a kept body line loses
nothing but whitespace and control characters."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings, strategies as st

from newscli.clean import CleanOptions, clean_record, clean_text
from newscli.normalize import normalize

# realistic building blocks: sentences of our own, boilerplate lines, noise characters
SENTENCES = [
    "أعلنت الحكومة عن خطة جديدة لتطوير شبكة الطرق في المناطق الريفية خلال العامين المقبلين.",
    "وقال المتحدث باسم الوزارة إن المشروع سيوفر آلاف فرص العمل للشباب.",
    "وأكد أن التمويل مؤمَّن بالكامل من الموازنة العامة، دون اللجوء إلى الاقتراض الخارجي!",
    "هل تنجح الخطة في تقليص الفجوة بين المدن والأرياف؟",
    "شارك في الاجتماع ممثلون عن البلديات والغرف التجارية والنقابات المهنية.",
    "وتشهد البلاد منذ أشهر نقاشا واسعا حول أولويات الإنفاق العام وسبل ترشيده…",
    "عروض الشباب",
    "المرحلة الثانية",
    "وبلغت نسبة الإنجاز ٪٤٥ حتى نهاية الربع الثالث من العام الجاري، وفق تقرير رسمي.",
    "قال: «سنبدأ التنفيذ فور اكتمال الدراسات الفنية».",
]
BOILER = ["الوسوم", "شارك", "إغلاق", "زر الذهاب إلى الأعلى", "اقرأ أيضاً", "أخبار متعلقة:", "التعليقات",
          "المصدر: وكالات", "منذ ساعتين", "-----", "عين اليوم – الرياض", "سارة العتيبي – عين اليوم",
          "كتب - محمد علي:", "محلي", "سمات اقتصاد طرق", "www.example.com", "Next Previous", "مريم الشامي"]
NOISE = ["\u0640", "\u200f", "\u200b", "\ufeff", "\u00a0", "  ", "\t", "\u00ad", "\u202b", "\u2066", "\u2069"]

line = st.one_of(st.sampled_from(SENTENCES), st.sampled_from(BOILER))


@st.composite
def noisy(draw, base):
    s = draw(base)
    chars = list(s)
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(chars)))
        chars.insert(pos, draw(st.sampled_from(NOISE)))
    return "".join(chars)


article = st.lists(noisy(line), min_size=1, max_size=14).map(
    lambda ls: "\n".join(ls)
) | st.lists(noisy(line), min_size=1, max_size=10).map(lambda ls: "\n\n".join(ls))

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _record(text, title=None):
    return {"id": "x", "source": "t", "section": None, "title": title, "dateline": None, "outlet": None,
            "place": None, "text": text, "date": None, "dates": [], "removed": [], "dup": None}


@SETTINGS
@given(article, st.sampled_from([None, "عنوان الخبر"]), st.booleans())
def test_clean_record_idempotent(text, title, explain):
    opts = CleanOptions(explain=explain)
    once = clean_record(_record(text, title), opts)
    assert clean_record(once, opts) == once


@SETTINGS
@given(article)
def test_clean_record_idempotent_with_folds(text):
    opts = CleanOptions(folds=("search",))
    once = clean_record(_record(text), opts)
    assert clean_record(once, opts) == once


_DROPPABLE = re.compile(r"[\s\u0640\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u00ad\u061c]")


def _skeleton(s: str) -> str:
    return _DROPPABLE.sub("", unicodedata.normalize("NFC", s))


@SETTINGS
@given(article)
def test_body_line_loses_only_whitespace_and_controls(text):
    """Each kept line is one input line minus whitespace, tatweel and invisible controls."""
    res = clean_text(text)
    inputs = {_skeleton(x) for x in text.split("\n")}
    for b in res.body:
        assert _skeleton(b) in inputs
        assert normalize(b) == b


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهوية ىأإآؤئ.،:؟!«»\n-–ـ\u064e\u0651\u200f\ufefb&;#0123456789amp")), max_size=300))
def test_clean_never_crashes_and_is_idempotent_on_arbitrary_text(text):
    once = clean_record(_record(text))
    assert clean_record(once) == once
