"""Writes the HTML fixture pages in tests/web/pages/ (run: python tests/web/make_pages.py).

The articles are written for this project (no page is copied from a site). Each article is laid
out in three site styles seen in the shared corpora's outlets: a WordPress theme, a news CMS and
an AMP page, each with the furniture real pages carry (cookie banner, menus, breadcrumbs, share
bar, related block, comment thread). `expected.json` holds each page's title, date and body
paragraphs, so tests and bench/web_eval.py can score the extraction line by line.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

HERE = Path(__file__).parent / "pages"

ARTICLES = [
    {
        "slug": "tripoli-water", "outlet": "صحيفة الوسط اليوم", "section": "محلي", "date": "2020-01-08",
        "title": "انقطاع المياه عن أحياء في طرابلس بسبب أعمال صيانة",
        "body": [
            "طرابلس – أعلنت الشركة العامة للمياه والصرف الصحي انقطاع المياه عن عدد من أحياء العاصمة طرابلس ابتداء من صباح الأربعاء 8 آي النار/يناير 2020م بسبب أعمال صيانة في الخط الرئيسي.",
            "وقال مدير إدارة التشغيل في الشركة إن فرق الصيانة باشرت العمل منذ الساعات الأولى، وإن الانقطاع سيستمر نحو ثمانٍ وأربعين ساعة في أحياء سوق الجمعة وتاجوراء وجنزور.",
            "ودعت الشركة المواطنين إلى ترشيد الاستهلاك خلال فترة الصيانة، مشيرة إلى أن صهاريج المياه ستوزع على المستشفيات والمدارس في الأحياء المتضررة.",
            "وأضاف المسؤول أن الخط الرئيسي يعود إنشاؤه إلى أكثر من ثلاثين عاماً، وأن الشركة تعمل على خطة لاستبدال أجزاء منه خلال العام الجاري.",
        ],
    },
    {
        "slug": "riyadh-rain", "outlet": "الوئام", "section": "طقس", "date": "2015-11-17",
        "title": "الأرصاد تتوقع أمطاراً رعدية على الرياض ومكة حتى الخميس",
        "body": [
            "الرياض – توقعت الهيئة العامة للأرصاد وحماية البيئة هطول أمطار رعدية متوسطة إلى غزيرة على مناطق الرياض ومكة المكرمة والباحة اعتباراً من يوم الثلاثاء وحتى يوم الخميس.",
            "وأوضحت الهيئة في تقريرها اليومي أن الرياح السطحية ستكون نشطة ومثيرة للأتربة والغبار على أجزاء من المنطقة الشرقية، مما قد يحد من مدى الرؤية الأفقية.",
            "ودعت المديرية العامة للدفاع المدني السكان إلى الابتعاد عن مجاري السيول والأودية، وعدم المجازفة بعبورها أثناء جريان المياه.",
            "يذكر أن المملكة شهدت خلال الأسبوع الماضي أمطاراً متفرقة تسببت في تعليق الدراسة في عدد من المحافظات.",
        ],
    },
    {
        "slug": "tunis-olive", "outlet": "إذاعة الجوهرة", "section": "اقتصاد", "date": "2016-12-05",
        "title": "صابة الزيتون تتجاوز التوقعات في ولاية صفاقس",
        "body": [
            "أفاد المندوب الجهوي للفلاحة بصفاقس أن صابة الزيتون لهذا الموسم تجاوزت التوقعات الأولية، مع انطلاق عمليات الجني منذ منتصف شهر نوفمبر.",
            "وأضاف أن المعاصر تعمل بطاقتها القصوى، وأن أسعار الزيت عند الإنتاج شهدت ارتفاعاً مقارنة بالموسم الماضي بسبب الطلب القوي في الأسواق الخارجية.",
            "ومن المنتظر أن تتواصل عمليات الجني إلى غاية شهر فيفري القادم، فيما دعت النقابة الجهوية للفلاحين إلى توفير اليد العاملة الكافية.",
        ],
    },
    {
        "slug": "cairo-metro", "outlet": "بوابة الأخبار", "section": "أخبار مصر", "date": "2013-08-28",
        "title": "افتتاح محطتين جديدتين للخط الثالث لمترو القاهرة",
        "body": [
            "القاهرة – افتتح وزير النقل اليوم محطتين جديدتين على الخط الثالث لمترو الأنفاق، ضمن المرحلة الثالثة من المشروع الذي يربط شرق العاصمة بغربها.",
            "وقال رئيس الهيئة القومية للأنفاق إن المحطتين ستخدمان نحو ستين ألف راكب يومياً، وإن أعمال المرحلة التالية ستبدأ مطلع العام المقبل.",
            "وأشار إلى أن تذاكر المترو ستبقى بأسعارها الحالية حتى نهاية العام، وأن الهيئة ستزيد عدد القطارات في ساعات الذروة.",
            "وتفقد الوزير خلال الزيارة غرفة التحكم المركزية، واستمع إلى شرح عن أنظمة الإشارات الجديدة.",
        ],
    },
    {
        "slug": "beirut-power", "outlet": "النهار العربي", "section": "لبنان", "date": "2018-12-03",
        "title": "ساعات تقنين إضافية للكهرباء في بيروت هذا الأسبوع",
        "body": [
            "بيروت – أعلنت مؤسسة كهرباء لبنان زيادة ساعات التقنين في بيروت الإدارية اعتباراً من الإثنين 3 كانون الأول/ديسمبر 2018 بسبب تأخر وصول باخرة محملة بالفيول.",
            "وأوضحت المؤسسة في بيان أن التغذية ستعود إلى وضعها الطبيعي فور تفريغ الشحنة، متوقعة أن يحصل ذلك قبل نهاية الأسبوع.",
            "واشتكى سكان عدد من الأحياء من ارتفاع فواتير المولدات الخاصة التي يلجأون إليها خلال ساعات الانقطاع.",
        ],
    },
    {
        "slug": "rabat-school", "outlet": "هسبريس اليوم", "section": "مجتمع", "date": "2017-09-06",
        "title": "انطلاق الموسم الدراسي وسط نقص في الأطر التربوية",
        "body": [
            "الرباط – انطلق الموسم الدراسي الجديد في مختلف جهات المملكة، وسط شكاوى من نقص الأطر التربوية في عدد من المؤسسات القروية.",
            "وقالت الوزارة الوصية إنها عبأت أكثر من عشرة آلاف أستاذ جديد، وإن عملية التعيين ستستكمل قبل متم شهر شتنبر.",
            "وطالبت جمعيات آباء وأولياء التلاميذ بتحسين ظروف النقل المدرسي في المناطق الجبلية، حيث يقطع بعض التلاميذ مسافات طويلة يومياً.",
        ],
    },
    {
        "slug": "amman-bread", "outlet": "وكالة الرأي الإخبارية", "section": "محليات", "date": "2018-02-01",
        "title": "الحكومة تعلن آلية دعم الخبز الجديدة",
        "body": [
            "عمان – أعلنت الحكومة تفاصيل الآلية الجديدة لدعم الخبز، والتي تقضي بتحويل الدعم نقداً إلى الأسر المستحقة بدلاً من دعم السلعة.",
            "وقال وزير الصناعة والتجارة إن الدعم النقدي سيصرف كل ثلاثة أشهر، وإن نحو مليون أسرة ستستفيد منه.",
            "وأكد أن الوزارة ستراقب أسعار الخبز في المخابز بشكل يومي، وستتخذ إجراءات بحق المخالفين.",
            "وكانت الحكومة قد ناقشت الآلية مع مجلس النواب خلال الأسابيع الماضية.",
        ],
    },
]

MENU = ["الرئيسية", "محلي", "دولي", "اقتصاد", "رياضة", "ثقافة", "منوعات", "اتصل بنا"]
RELATED = ["وزير المالية يعرض موازنة العام الجديد على البرلمان", "افتتاح معرض الكتاب بمشاركة واسعة",
           "منتخب الشباب يتأهل إلى نهائي البطولة العربية"]
COMMENTS = [("أبو محمد", "نتمنى أن تحل المشكلة في أسرع وقت، فقد عانينا كثيراً."),
            ("سارة", "شكراً على المتابعة، الخبر مهم لسكان المنطقة.")]


def esc(s: str) -> str:
    return html.escape(s, quote=True)


def wordpress(a: dict) -> str:
    menu = "".join(f'<li class="menu-item"><a href="/c/{i}">{esc(m)}</a></li>' for i, m in enumerate(MENU))
    body = "".join(f"<p>{esc(p)}</p>" for p in a["body"])
    related = "".join(f'<li><a href="/r/{i}">{esc(r)}</a></li>' for i, r in enumerate(RELATED))
    comments = "".join(
        f'<li class="comment"><div class="comment-author">{esc(n)}</div><div class="comment-meta">'
        f'منذ ساعتين</div><div class="comment-content"><p>{esc(c)}</p></div><a class="comment-reply-link">رد</a></li>'
        for n, c in COMMENTS)
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{esc(a['title'])} | {esc(a['outlet'])}</title>
<meta property="og:title" content="{esc(a['title'])}">
<meta property="og:site_name" content="{esc(a['outlet'])}">
<meta property="article:published_time" content="{a['date']}T09:30:00+02:00">
<link rel="canonical" href="https://example-{a['slug']}.test/{a['slug']}/">
</head><body class="post-template-default single">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div id="cookie-notice"><p>نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا.</p><button>أوافق</button></div>
<header id="masthead"><div class="site-branding"><p class="site-title">{esc(a['outlet'])}</p></div>
<nav id="site-navigation"><ul class="menu">{menu}</ul></nav></header>
<div id="content" class="site-content"><main id="main">
<nav class="breadcrumbs"><a href="/">الرئيسية</a> » <a href="/c/x">{esc(a['section'])}</a> » {esc(a['title'])}</nav>
<article class="post type-post"><header class="entry-header"><span class="cat-links">{esc(a['section'])}</span>
<h1 class="entry-title">{esc(a['title'])}</h1>
<div class="entry-meta"><span class="byline">كتب: المحرر</span> <time class="entry-date published" datetime="{a['date']}T09:30:00+02:00">{a['date']}</time></div></header>
<div class="entry-content">{body}</div>
<div class="sharedaddy"><h3>شارك هذا:</h3><ul><li>فيسبوك</li><li>تويتر</li><li>واتساب</li></ul></div>
</article>
<section class="related-posts"><h3>مقالات ذات صلة</h3><ul>{related}</ul></section>
<div id="comments" class="comments-area"><h2 class="comments-title">تعليقان على "{esc(a['title'])}"</h2>
<ol class="comment-list">{comments}</ol>
<div id="respond"><h3>اترك تعليقاً</h3><form><p>لن يتم نشر عنوان بريدك الإلكتروني.</p><textarea></textarea><input type="submit" value="إرسال التعليق"></form></div></div>
</main></div>
<footer><p>جميع الحقوق محفوظة © {esc(a['outlet'])}</p></footer>
</body></html>
"""


def news_cms(a: dict) -> str:
    menu = " | ".join(f'<a href="/s/{i}">{esc(m)}</a>' for i, m in enumerate(MENU))
    body = "".join(f'<p class="text">{esc(p)}</p>' for p in a["body"])
    related = "".join(f'<div class="item"><a href="/n/{i}"><h4>{esc(r)}</h4></a></div>' for i, r in enumerate(RELATED))
    d = a["date"]
    return f"""<!DOCTYPE html>
<html lang="ar"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(a['outlet'])} - {esc(a['title'])}</title>
<meta name="description" content="{esc(a['body'][0][:120])}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":{json.dumps(a['title'], ensure_ascii=False)},"datePublished":"{d}T12:00:00Z","publisher":{{"@type":"Organization","name":{json.dumps(a['outlet'], ensure_ascii=False)}}}}}</script>
</head><body>
<div class="top-bar"><span>{d}</span> <a href="/login">تسجيل الدخول</a> <a href="/en">English</a></div>
<div class="main-menu">{menu}</div>
<div class="breaking"><b>عاجل:</b> <a href="/n/99">انطلاق فعاليات المؤتمر الاقتصادي السنوي</a></div>
<div class="container"><div class="col-main">
<div class="article-header"><div class="section-name">{esc(a['section'])}</div><h1>{esc(a['title'])}</h1>
<div class="date">نشر في: {d} - آخر تحديث: {d}</div></div>
<div class="share"><a>فيسبوك</a> <a>تويتر</a> <a>طباعة</a> <a>إرسال لصديق</a></div>
<div class="article-body">{body}</div>
<div class="tags">الكلمات المفتاحية: <a>أخبار</a> <a>{esc(a['section'])}</a></div>
<div class="related"><div class="title">أخبار ذات صلة</div>{related}</div>
</div><div class="col-side"><div class="most-read"><h3>الأكثر قراءة</h3>{related}</div>
<div class="newsletter">اشترك في النشرة البريدية ليصلك كل جديد</div></div></div>
<div class="footer">جميع الحقوق محفوظة لـ {esc(a['outlet'])} 2024 | سياسة الخصوصية | من نحن</div>
</body></html>
"""


def amp(a: dict) -> str:
    body = "".join(f"<p>{esc(p)}</p>" for p in a["body"])
    return f"""<!doctype html>
<html ⚡ lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{esc(a['title'])}</title>
<link rel="canonical" href="https://example-{a['slug']}.test/news/{a['slug']}">
<meta name="viewport" content="width=device-width,minimum-scale=1">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<meta property="og:site_name" content="{esc(a['outlet'])}">
<meta name="pubdate" content="{a['date']}">
<style amp-custom>body{{font-family:sans-serif}}</style>
</head><body>
<amp-user-notification layout="nodisplay" id="consent"><p>يستخدم هذا الموقع ملفات تعريف الارتباط.</p><button on="tap:consent.dismiss">موافق</button></amp-user-notification>
<header class="amp-header"><a href="/">{esc(a['outlet'])}</a> <a href="/menu">القائمة</a></header>
<amp-sidebar id="sidebar" layout="nodisplay"><ul>{''.join(f'<li>{esc(m)}</li>' for m in MENU)}</ul></amp-sidebar>
<article><div class="category">{esc(a['section'])}</div><h1 class="headline">{esc(a['title'])}</h1>
<div class="byline">{esc(a['outlet'])} | {a['date']}</div>
<amp-img src="/img/{a['slug']}.jpg" width="600" height="400" layout="responsive" alt="صورة أرشيفية"></amp-img>
<div class="article-text">{body}</div></article>
<amp-social-share type="facebook"></amp-social-share><amp-social-share type="twitter"></amp-social-share>
<div class="read-more"><h3>اقرأ أيضاً</h3><ul>{''.join(f'<li>{esc(r)}</li>' for r in RELATED)}</ul></div>
<footer>© {esc(a['outlet'])} - جميع الحقوق محفوظة</footer>
</body></html>
"""


def legacy(a: dict) -> str:
    """An older CMS: no date in the markup, furniture inside the article's own container."""
    paras = [f"<p>{esc(p)}</p>" for p in a["body"]]
    paras.insert(2, f'<p><strong>اقرأ أيضاً:</strong> <a href="/n/7">{esc(RELATED[0])}</a></p>')
    body = "".join(paras)
    return f"""<html><head><meta charset="utf-8"><title>{esc(a['title'])}</title></head><body>
<table width="100%"><tr><td class="menu">{' - '.join(esc(m) for m in MENU)}</td></tr></table>
<div id="news-body"><div class="sec">{esc(a['section'])}</div><h2>{esc(a['title'])}</h2>
{body}
<p>تابعونا على فيسبوك وتويتر</p>
<p>شارك الخبر عبر: فيسبوك | تويتر | واتساب</p>
<div class="comments-form"><p>اترك تعليقاً</p><p>لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *</p></div>
</div><div class="copy">جميع الحقوق محفوظة</div></body></html>
"""


ENGLISH = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>City council approves new bus routes</title>
<meta property="og:site_name" content="Example Daily"></head><body><nav>Home | News | Sport | Contact</nav>
<article><h1>City council approves new bus routes</h1>
<p>The city council voted on Tuesday to approve three new bus routes connecting the northern suburbs with the city centre.</p>
<p>Officials said the routes would start running next spring, after drivers complete their training and new stops are built.</p>
<p>Residents had asked for better connections for years, pointing to long journeys and crowded buses at peak hours.</p>
</article><footer>All rights reserved</footer></body></html>
"""

STYLES = {"wp": wordpress, "cms": news_cms, "amp": amp, "legacy": legacy}
# furniture lines the legacy pages put inside the article container (not body)
LEGACY_FURNITURE = 4


def main() -> None:
    HERE.mkdir(exist_ok=True)
    expected = {}
    for a in ARTICLES:
        for style, make in STYLES.items():
            name = f"{a['slug']}-{style}.html"
            (HERE / name).write_text(make(a), encoding="utf-8")
            legacy_page = style == "legacy"
            expected[name] = {"title": a["title"], "date": None if legacy_page else a["date"],
                              "outlet": None if legacy_page else a["outlet"], "body": a["body"], "arabic": True}
    (HERE / "english-news.html").write_text(ENGLISH, encoding="utf-8")
    expected["english-news.html"] = {"title": "City council approves new bus routes", "date": None,
                                     "outlet": "Example Daily", "body": None, "arabic": False}
    (HERE.parent / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(expected)} pages in {HERE}")


if __name__ == "__main__":
    main()
