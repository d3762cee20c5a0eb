"""Arabic news texts written for the dedupe tests (not corpus text) and small helpers."""

from __future__ import annotations

from newscli.dedupe import DedupeOptions, DedupeStats, dedupe_records

ARTICLE = (
    "أعلنت وزارة الصحة السعودية اليوم الأحد عن افتتاح مستشفى جديد في مدينة أبها بسعة ثلاثمائة سرير، "
    "وذلك ضمن خطة الوزارة لتوسيع الخدمات الصحية في منطقة عسير.\n"
    "وقال المتحدث الرسمي باسم الوزارة إن المستشفى يضم أقساماً متخصصة في أمراض القلب والأورام "
    "وطب الأطفال، إضافة إلى وحدة للعناية المركزة مجهزة بأحدث الأجهزة الطبية.\n"
    "وأضاف أن تكلفة المشروع بلغت نحو 450 مليون ريال، وأن المستشفى سيبدأ استقبال المرضى مطلع الشهر المقبل "
    "بعد اكتمال تجهيز الكوادر الطبية والتمريضية.\n"
    "وأشار إلى أن الوزارة تعمل على إنشاء 12 مستشفى آخر في مختلف مناطق المملكة خلال العامين المقبلين، "
    "بهدف رفع الطاقة الاستيعابية وتقليص فترات الانتظار التي يشكو منها المراجعون."
)
OTHER = (
    "شهدت العاصمة الأردنية عمّان مساء أمس افتتاح الدورة الجديدة من مهرجان الأغنية العربية بمشاركة "
    "فنانين من عشر دول، وسط حضور جماهيري كبير ملأ مدرجات المسرح الروماني.\n"
    "وقدمت الفرقة الوطنية للموسيقى عرضاً افتتاحياً استعادت فيه أغاني التراث الشعبي، فيما كرّمت إدارة "
    "المهرجان عدداً من الرواد الذين أسهموا في تطوير الأغنية خلال العقود الماضية.\n"
    "ويستمر المهرجان أسبوعاً كاملاً تتخلله ندوات نقدية وورش عمل للمواهب الشابة في التلحين والغناء."
)


def market(day: str, idx: str, change: str, volume: str, value: str, up: str, down: str, top: str) -> str:
    return (
        f"أغلق مؤشر السوق المالية السعودية الرئيسي (تاسي) تعاملات اليوم {day} مرتفعاً {change} نقطة "
        f"ليصل إلى مستوى {idx} نقطة.\n"
        f"وبلغت كمية الأسهم المتداولة {volume} مليون سهم بقيمة إجمالية بلغت {value} مليار ريال، "
        f"وسجلت أسهم {up} شركة ارتفاعاً في قيمتها، فيما أغلقت أسهم {down} شركة على تراجع.\n"
        f"وكانت أسهم شركات {top} الأكثر نشاطاً بالكمية والقيمة."
    )


MARKET_A = market("الأحد", "8945.32", "45.17", "213", "5.82", "98", "61", "الإنماء وزين السعودية ودار الأركان")
MARKET_B = market("الاثنين", "8871.06", "12.44", "187", "4.96", "57", "104", "الإنماء وزين السعودية ودار الأركان")


def ortho_noise(t: str) -> str:
    t = t.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه").replace("ى", "ي")
    t = t.replace("الصحة", "الصِّحَّة").replace("مستشفى", "مستشـــفى").replace("450", "٤٥٠")
    return t


def variants() -> dict[str, str]:
    ps = ARTICLE.split("\n")
    words = ARTICLE.split(" ")
    edited = list(words)
    for k in range(5, len(edited), 17):  # ~6% word edits
        edited[k] = "كما"
    return {
        "ortho": ortho_noise(ARTICLE),
        "boiler": "أبها - واس\n" + ARTICLE + "\nتابعونا على تويتر لمعرفة آخر الأخبار العاجلة",
        "swap": "\n".join([ps[1], ps[0], *ps[2:]]),
        "edits": " ".join(edited),
        "truncated": ARTICLE[: int(len(ARTICLE) * 0.85)],
        "spaces": ARTICLE.replace(" ", "  ").replace("\n", "\n\n"),
    }


def rec(i, text, date=None, **kw):
    return {"id": f"r{i}", "source": f"test:{i}", "text": text, "date": date, "dup": None, **kw}


def run(records, chunk=3, **opts):
    st = DedupeStats()
    o = DedupeOptions(**{"emit": "all", **opts})
    chunks = [(records[i : i + chunk], None) for i in range(0, len(records), chunk)]
    return list(dedupe_records(chunks, o, st)), st


def cable(country: str, occasion: str = "ذكرى استقلال بلاده") -> str:
    """A royal congratulation cable: one template, the country and occasion are its slots."""
    return (
        f"بعث خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود برقية تهنئة لرئيس جمهورية {country} "
        f"بمناسبة {occasion}.\n"
        "وأعرب الملك المفدى في البرقية عن أصدق التهاني وأطيب التمنيات بموفور الصحة والسعادة لفخامته، "
        f"ولحكومة وشعب {country} الصديق المزيد من التقدم والازدهار."
    )


def weather(day: str, date: str, hi: str, lo: str) -> str:
    """A weather bulletin: the day, the date and the temperatures are its slots."""
    return (
        f"توقعت الرئاسة العامة للأرصاد وحماية البيئة في تقريرها عن حالة الطقس ليوم {day} {date} "
        "أن تكون الأجواء حارة إلى شديدة الحرارة على معظم مناطق المملكة، مع فرصة لتكون سحب رعدية "
        "ممطرة على مرتفعات جازان وعسير والباحة.\n"
        f"وأوضحت أن درجة الحرارة العظمى في الرياض ستبلغ {hi} درجة مئوية والصغرى {lo} درجة، "
        "وأن الرياح السطحية شمالية غربية تنشط أحيانا مثيرة للأتربة والغبار على المناطق الشرقية."
    )


UPDATE = "\nوفي تحديث لاحق، أكد وكيل الوزارة أن أعمال التجهيز تسير وفق الجدول المحدد."
