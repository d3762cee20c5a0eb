"""Builds tests/clean/cases/page_*.json (run: python tests/clean/make_page_cases.py): whole pages written in the style of the corpora's sites.

Line markers: "S|" section, "T|" title, "D|outlet|place|line" dateline, "-|" removed (furniture),
"" a blank line, anything else body. Expected values come from the markers, not from the tool.
"""
import json
from newscli.normalize import normalize
from pathlib import Path

OUT = Path(__file__).resolve().parent / "cases"

P = {
    "eco1": "أعلن البنك المركزي، اليوم الأحد، رفع سعر الفائدة على الودائع بمقدار نصف نقطة مئوية، في خطوة تهدف إلى كبح التضخم الذي سجل أعلى مستوياته منذ خمس سنوات.",
    "eco2": "وقال محافظ البنك في مؤتمر صحفي إن القرار جاء بعد دراسة مؤشرات الأسعار خلال الربع الأخير، مؤكدا أن اللجنة ستراجع الوضع مرة أخرى في اجتماعها المقبل.",
    "eco3": "وأضاف أن القطاع المصرفي يتمتع بسيولة كافية لتمويل المشروعات الإنتاجية، وأن البنوك مطالبة بتوجيه جزء أكبر من محافظها الائتمانية إلى الشركات الصغيرة.",
    "eco4": "ويتوقع خبراء أن ينعكس القرار على أسعار القروض العقارية خلال الأسابيع المقبلة، بينما رحب ممثلو الغرف التجارية بالخطوة واعتبروها ضرورية لاستقرار السوق.",
    "sp1": "تأهل المنتخب الوطني إلى الدور نصف النهائي من البطولة العربية بعد فوزه على نظيره بهدفين دون رد في المباراة التي أقيمت مساء أمس على ملعب المدينة الرياضية.",
    "sp2": "وسجل هدفي اللقاء لاعب الوسط في الدقيقة العشرين والمهاجم البديل قبل نهاية الوقت الأصلي بخمس دقائق، وسط حضور جماهيري كبير ملأ مدرجات الملعب.",
    "sp3": "وأشاد المدير الفني بأداء لاعبيه، مشيرا إلى أن الفريق سيخوض حصة تدريبية خفيفة غدا قبل السفر إلى مدينة المباراة المقبلة لمواجهة متصدر المجموعة الثانية.",
    "cr1": "ألقت الأجهزة الأمنية القبض على شخص متهم بسرقة الهواتف المحمولة من المحلات التجارية في وسط المدينة، بعد تلقي عدة بلاغات من أصحاب المحلات خلال الأسبوع الماضي.",
    "cr2": "وتبين من التحريات أن المتهم كان يستغل ازدحام الأسواق في ساعات المساء لارتكاب جرائمه، وعثر بحوزته على سبعة هواتف ومبلغ مالي من حصيلة البيع.",
    "pol1": "بحث وزير الخارجية مع نظيره الأوروبي، في اتصال هاتفي اليوم، تطورات الأوضاع في المنطقة وسبل دعم جهود التسوية السياسية ووقف التصعيد العسكري.",
    "pol2": "وأكد الوزيران خلال الاتصال أهمية استمرار التنسيق بين البلدين في المحافل الدولية، واتفقا على عقد اجتماع للجنة المشتركة قبل نهاية العام الجاري.",
    "pol3": "وتأتي المباحثات في وقت تتزايد فيه الدعوات الدولية إلى عقد مؤتمر موسع يضم الأطراف المعنية كافة، بهدف التوصل إلى اتفاق شامل ينهي الأزمة.",
    "hl1": "حذرت وزارة الصحة من ارتفاع درجات الحرارة خلال الأيام المقبلة، ودعت المواطنين إلى تجنب التعرض المباشر لأشعة الشمس في ساعات الظهيرة وشرب كميات كافية من الماء.",
    "hl2": "وأوضحت الوزارة في بيان أن المستشفيات رفعت درجة الاستعداد لاستقبال حالات الإجهاد الحراري، وأن فرق الإسعاف منتشرة في الطرق الرئيسية والمناطق السياحية.",
    "ed1": "أعلنت وزارة التعليم موعد بدء العام الدراسي الجديد، مؤكدة اكتمال استعدادات المدارس وتوزيع الكتب على الطلاب قبل أسبوع من انطلاق الدراسة.",
    "ed2": "وقال المتحدث باسم الوزارة إن عدد الطلاب المسجلين هذا العام تجاوز مليوني طالب وطالبة، وإن الوزارة عينت أكثر من ثلاثة آلاف معلم جديد لسد العجز.",
    "sc1": "نجحت وكالة الفضاء في إطلاق صاروخ يحمل قمرا صناعيا للاتصالات من قاعدة الإطلاق، بعد تأجيل استمر يومين بسبب سوء الأحوال الجوية.",
    "sc2": "وقال مسؤولون في الوكالة إن القمر انفصل عن الصاروخ بعد نحو ثلاثين دقيقة من الإطلاق، وإن الإشارات الأولى منه وصلت إلى محطة المراقبة الأرضية بنجاح.",
    "cu1": "افتتح وزير الثقافة مساء أمس معرض الكتاب الدولي في دورته الجديدة، بمشاركة أكثر من ثمانمائة دار نشر من ثلاثين دولة عربية وأجنبية.",
    "cu2": "ويتضمن برنامج المعرض ندوات فكرية وأمسيات شعرية وورش عمل للأطفال، إضافة إلى حفلات توقيع لعدد من الكتاب الشباب الذين صدرت أعمالهم الأولى هذا العام.",
    "tn1": "قررت الهيئة الجهوية للصحة بولاية صفاقس تعزيز المستشفى الجامعي بوحدة جديدة للعناية المركزة، تضم عشرين سريرا مجهزة بأحدث المعدات الطبية.",
    "tn2": "وأفاد المدير الجهوي للصحة في تصريح لإذاعة محلية أن الوحدة ستدخل حيز الاستغلال مطلع الشهر القادم، بعد استكمال انتداب الإطارات الطبية وشبه الطبية.",
    "col1": "ليس من السهل أن تكتب عن مدينة عشت فيها نصف عمرك، فكل شارع فيها يحمل ذكرى، وكل زاوية تذكرك بوجه غاب أو صوت لم يعد يسمع.",
    "col2": "لكن المدن تتغير كما يتغير الناس، والذين يطالبون بأن تبقى المدينة كما كانت ينسون أن الجمود موت بطيء، وأن التجديد سنة الحياة.",
    "col3": "ولعل أجمل ما في مدننا أنها ما زالت قادرة على احتضان الجميع، القادم من القرية والعائد من الغربة، دون أن تسأل أحدا من أين جاء.",
}

PAGES = []


def page(name, lines, options=None, record_title=None, expect=None):
    PAGES.append((name, lines, options or {}, record_title, expect))


# 1 youm7-style page: skip link, cookie banner, menu run, breadcrumb, section, title, byline,
#   relative time, share bar, body, comment thread with count line
page("youm7-style page head and a comment thread with a count line", [
    "-|تخطي إلى المحتوى", "-|يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربتك، باستخدامك الموقع فإنك توافق على ذلك.", "-|أوافق", "",
    "-|الرئيسية", "-|أخبار", "-|سياسة", "-|رياضة", "-|فن", "",
    "-|الرئيسية » اقتصاد", "S|اقتصاد", "T|المركزي يرفع الفائدة نصف نقطة لمواجهة التضخم", "-|كتب: محمد السيد", "-|منذ ساعتين",
    "-|شارك", "-|فيسبوك", "-|تويتر", "", P["eco1"], "", P["eco2"], "", P["eco3"], "",
    "-|3 تعليقات", "-|أحمد علي", "-|14 أكتوبر 2023 الساعة 9:12 ص", "-|قرار متأخر جدا والأسعار ارتفعت بالفعل", "-|رد",
    "-|سامي", "-|14 أكتوبر 2023 الساعة 10:40 ص", "-|نتمنى أن ينعكس على الأسعار", "-|رد",
])
# 2 Latin skip link, Latin menu, agency dateline (SPA style)
page("Latin skip link and Home | News | Sport menu; agency line with both calendars", [
    "-|Skip to content", "-|Home | News | Sport | Weather", "",
    "T|أمير المنطقة الشرقية يدشن مشروعات صحية جديدة", "",
    "D|واس|الدمام|الدمام 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس", P["hl1"], P["hl2"],
])
# 3 comment thread without a count line, reply form
page("comment thread without a count line: name, time, text, رد; then the reply form", [
    "S|محليات", "T|افتتاح معرض الكتاب الدولي بمشاركة ثمانمائة دار نشر", "", P["cu1"], "", P["cu2"], "",
    "-|خالد المصري", "-|14 التمور/أكتوبر 2023 الساعة 9:12 ص", "-|معرض رائع وننتظره كل عام", "-|رد",
    "-|اترك رداً", "-|لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *", "-|التعليق", "-|الاسم",
])
# 4 agency line "وارسو / أ ش أ /"
page("agency line: وارسو / أ ش أ /", [
    "T|وزيرا الخارجية يبحثان الأزمة في اتصال هاتفي", "", "D|أ ش أ|وارسو|وارسو / أ ش أ /", P["pol1"], P["pol2"], P["pol3"],
])
# 5 speaker labels in a vox pop (trap: not datelines, not bylines)
page("trap: vox-pop speaker labels are not datelines", [
    "T|ماذا يقول الفنانون عن مهرجان الدراما", "", P["cu1"],
    "معتز التلا - ممثل سوري", "المهرجان فرصة حقيقية للقاء الجمهور، ونتمنى أن يستمر كل عام بالمستوى نفسه.",
    "ريم الخطيب - مخرجة", "ما يميز هذه الدورة هو حضور الشباب بأعمال جريئة ومختلفة عن السائد.",
])
# 6 "I ـ" and "الإعلامي-يسري فودة" (trap)
page("trap: a roman numeral with a dash and a joined title-name are not datelines", [
    "T|حوار مفتوح حول مستقبل الصحافة المطبوعة", "", "I ـ الصحافة في زمن الشاشات",
    P["col1"], "الإعلامي-يسري فودة", P["col2"],
])
# 7 outlet – place with a two-word place
page("عين اليوم – كيب كنافيرال is a dateline (outlet first), not a byline", [
    "T|إطلاق قمر صناعي للاتصالات بعد تأجيل يومين", "", "D|عين اليوم|كيب كنافيرال|عين اليوم – كيب كنافيرال", P["sc1"], P["sc2"],
])
# 8 alweeam trailer glued to the last paragraph (record)
page("alweeam record: trailer glued to the last paragraph", [P["hl1"], P["hl2"] + " +|رابط الخبر بصحيفة الوئام: الصحة تحذر من ارتفاع درجات الحرارة"],
     record_title="الصحة تحذر من ارتفاع درجات الحرارة")
# 9 alweeam trailer on its own line
page("alweeam trailer on its own line", [P["ed1"], P["ed2"], "-|رابط الخبر بصحيفة الوئام: موعد بدء العام الدراسي الجديد"],
     record_title="موعد بدء العام الدراسي الجديد")
# 10 inline link lines
page("inline link lines شاهد.. and اقرأ.. between paragraphs", [
    P["sp1"], "-|شاهد.. لحظة وصول المنتخب إلى المطار", P["sp2"], "-|اقرأ.. المدرب يعلن قائمة المباراة المقبلة", P["sp3"],
], record_title="المنتخب في نصف النهائي")
# 11 app promo
page("app-notification promo inside the body", [
    P["cr1"], "-|يمكنكم تسلم إشعارات بأهم الأخبار عبر تطبيق الموقع على أندرويد وآيفون", P["cr2"],
], record_title="القبض على لص الهواتف")
# 12 SMS contact line of a columnist (okaz/alwatan style)
page("columnist's SMS contact line at the end", [
    P["col1"], P["col2"], P["col3"],
    "-|للتواصل أرسل رسالة SMS تبدأ بالرمز 276 ثم مسافة ثم الرسالة إلى 88548 الاتصالات أو 626250 موبايلي",
], record_title="مدينة تتغير")
# 13 e-mail contact line
page("columnist's e-mail contact line", [P["col2"], P["col3"], "-|للتواصل مع الكاتب عبر البريد: writer.name@example.com"],
     record_title="عن المدن")
# 14 photo captions
page("photo captions: جانب من … and … (أرشيفية)", [
    P["cu1"], "-|جانب من حفل الافتتاح", P["cu2"], "-|وزير الثقافة في جولة داخل المعرض (أرشيفية)",
    "ويستمر المعرض حتى نهاية الشهر الجاري، ويفتح أبوابه للزوار يوميا من العاشرة صباحا حتى العاشرة مساء.",
], record_title="معرض الكتاب")
# 15 related block then a repeated copy of the body
page("related block then a repeated copy of the body", [
    P["pol1"], P["pol2"], P["pol3"], "-|أخبار ذات صلة", "-|وزير الخارجية يستقبل السفير الأوروبي", "-|اجتماع للجنة المشتركة الشهر المقبل",
    "-|" + P["pol1"], "-|" + P["pol2"], "-|" + P["pol3"],
], record_title="مباحثات هاتفية")
# 16 trap: a 13-line stadium list keeps its last item
page("trap: a 13-line stadium list keeps every item", [
    "وتستضيف البطولة ثلاثة عشر ملعبا موزعة على ست مدن، هي:",
    "ملعب الملك فهد الدولي", "ملعب الأمير فيصل بن فهد", "ملعب مدينة الملك عبدالله", "ملعب الجوهرة المشعة",
    "ملعب الأمير محمد بن فهد", "ملعب الملك خالد", "ملعب مدينة الملك سلمان", "ملعب الأمير سعود بن جلوي",
    "ملعب نادي الشباب", "ملعب نادي التعاون", "ملعب نادي الرائد", "ملعب مدينة الأمير عبدالله الفيصل", "ملعب نادي الفتح",
], record_title="ملاعب البطولة")
# 17 trap: a list at the end keeps its last three items
page("trap: a list at the end keeps its last three items (المهام الرئيسية:)", [
    P["ed1"], "المهام الرئيسية:", "متابعة جاهزية المدارس", "توزيع الكتب الدراسية", "تدريب المعلمين الجدد",
], record_title="لجنة العام الدراسي")
# 18 trap: closing sentence without a full stop
page("trap: a closing sentence without a full stop stays", [P["cr1"], P["cr2"], "تم التحفظ على المتهم والمضبوطات"],
     record_title="القبض على لص الهواتف")
# 19 trap: continuation lines (a paragraph broken across lines)
page("trap: continuation lines of a paragraph broken mid-sentence stay", [
    "وأكد المتحدث أن الحكومة ماضية في خطتها", "رغم الانتقادات", "التي وجهتها بعض الأحزاب،",
    P["pol2"],
], record_title="الحكومة ماضية في خطتها")
# 20 trap: opening verse lines
page("trap: opening verse lines stay", [
    "إذا الشعب يوما أراد الحياة", "فلا بد أن يستجيب القدر", "ولا بد لليل أن ينجلي", "ولا بد للقيد أن ينكسر",
    P["col1"], P["col2"],
], record_title="إرادة الحياة")
# 21 akhbarelyom style: reporter's name above the first paragraph
page("reporter's name line above the first paragraph", ["-|مروة فهمي", P["ed1"], P["ed2"]], record_title="موعد الدراسة")
# 22 aljazirah style: other articles of the writer glued at the end
page("aljazirah: other articles of the writer glued after the last sentence", [
    P["col1"], P["col3"] + " +|مقالات أخرى للكاتبالمدينة التي نحب..!حين يغيب الصوت..!"], record_title="عن المدينة")
# 23 BBC-style related topics block and share words
page("BBC style: share words at the head, related topics block at the end", [
    "-|شارك", "-|مشاركة", P["sc1"], P["sc2"], "-|مواضيع ذات صلة", "-|الفضاء", "-|العلوم",
], record_title="إطلاق قمر صناعي")
# 24 skynews style dateline
page("Sky News style dateline: أبوظبي - سكاي نيوز عربية", [
    "T|الصحة تحذر من موجة حر", "", "D|سكاي نيوز عربية|أبوظبي|أبوظبي - سكاي نيوز عربية", P["hl1"], P["hl2"],
])
# 25 France24 style credit at the tail
page("France 24 style: agency credit line at the tail", [P["pol1"], P["pol3"], "-|فرانس 24/ أ ف ب/ رويترز"], record_title="مباحثات")
# 26 masrawy style byline and read-also block
page("masrawy style: كتبت byline and an اقرأ أيضًا block", [
    "-|كتبت - سارة عبد الله:", P["cr1"], "-|اقرأ أيضًا:", "-|ضبط عصابة لسرقة السيارات في الجيزة", "-|حبس المتهم بالنصب على المواطنين",
    P["cr2"],
], record_title="القبض على لص")
# 27 shorouk: published-at prefix and tags
page("shorouk style: نشر في prefix and tags at the end", [
    "-|نشر في: الأحد 24 مارس 2013 - 2:15 م", P["pol1"], P["pol2"], "-|الوسوم", "-|الخارجية", "-|أوروبا",
], record_title="اتصال هاتفي")
# 28 sabq: dateline inside the first paragraph stays
page("sabq style: the place inside the first paragraph stays in the body", [
    "سبق- الرياض: " + P["ed1"], P["ed2"],
], record_title="بدء العام الدراسي")
# 29 jawhara fm: Tunisian site head with menu run and breadcrumb
page("Jawhara FM style page: menu run, breadcrumb, title, body", [
    "-|الرئيسية", "-|وطنية", "-|جهوية", "-|رياضة", "-|منوعات", "",
    "-|الرئيسية » جهوية", "S|جهوية", "T|صفاقس: وحدة جديدة للعناية المركزة بالمستشفى الجامعي", "", P["tn1"], "", P["tn2"],
    "", "-|شارك", "-|Facebook", "-|Twitter",
])
# 30 elwatan: section label with photo credit and tail copyright
page("elwatan style: photo credit line and copyright at the tail", [
    "S|حوادث", "T|القبض على متهم بسرقة الهواتف من المحلات", "", "-|كتب: أحمد حسن", "-|تصوير: محمد فوزي", "", P["cr1"], "", P["cr2"],
    "", "-|جميع الحقوق محفوظة © 2013",
])
# 31 user pattern: prefix for the alweeam trailer, regex for a site footer
page("user patterns: prefix: for the alweeam trailer, re: for a numbered footer", [
    P["eco1"], P["eco4"] + " +|رابط الخبر في الوئام اليوم: البنك يرفع الفائدة", "-|الصفحة 3 من 12",
], options={"extra_phrases": ["prefix: رابط الخبر في الوئام اليوم", "re: الصفحة \\d+ من \\d+"]}, record_title="البنك يرفع الفائدة")
# 32 head: section right above the title after a menu run ending in a section
page("menu run ending with the category line right above the title", [
    "-|الرئيسية", "-|محليات", "-|دوليات", "S|اقتصاد", "T|البنوك مطالبة بتمويل الشركات الصغيرة", "", P["eco3"], P["eco4"],
])
# 33 relative time and share bar above the body in a record
page("record: relative time and share bar above the first paragraph", [
    "-|قبل 5 دقائق", "-|شارك الخبر", "-|واتساب", P["sp1"], P["sp3"],
], record_title="المنتخب يتأهل")
# 34 trap: a two-line closing pair (short thanks line after a list)
page("trap: short closing line after a list item and a sentence stays", [
    P["cu1"], "وتشمل الفعاليات:", "ندوات فكرية", "أمسيات شعرية", "ورش للأطفال", "والدعوة عامة للجميع",
], record_title="فعاليات المعرض")

# 35 BBC style: other stories' headlines between paragraphs, one subhead stays
page("BBC style: two other-story headlines between paragraphs go, a single subhead stays", [
    P["hl1"], "-|الحر يضرب أوروبا وحرائق في الغابات", "-|كيف تحمي طفلك من ضربة الشمس؟", P["hl2"],
    "نصائح للمسنين", "ودعت الوزارة كبار السن وأصحاب الأمراض المزمنة إلى البقاء في أماكن مكيفة، ومراجعة أقرب مركز صحي عند الشعور بالدوار أو الإعياء الشديد.",
], record_title="موجة حر")
# 36 CNN opinion disclaimer at the head
page("CNN style: opinion disclaimer above the article", [
    "-|هذا المقال بقلم سلمى حداد، والآراء الواردة أدناه تعبر عن رأي الكاتبة، ولا تعكس بالضرورة وجهة نظر شبكة CNN.",
    P["col1"], P["col2"],
], record_title="مدينة الذاكرة")
# 37 Saudi column: SMS contact block broken over lines, clock time lines
page("Saudi column: SMS contact block broken over lines, then clock times", [
    P["col2"], P["col3"], "-|للتواصل مع الكاتب أرسل رسالة نصية", "-|تبدأ بالرمز (42) ثم مسافة ثم نص الرسالة إلى", "-|88591 - Stc",
    "-|635031 - Mobily", "-|737221 - Zain", "-|11:03 ت م",
], record_title="المدن والناس")
# 38 Egyptian site: related block whose items end with closing guillemets
page("Egyptian site: الأخبار المتعلقة block with «quoted» headline items", [
    P["pol1"], P["pol2"], "-|الأخبار المتعلقة:", "-|مصادر دبلوماسية: «اللجنة المشتركة» تجتمع قبل نهاية العام لبحث ملفات التعاون الاقتصادي بين «البلدين»",
    "-|«الخارجية» تستدعي السفير لبحث الأزمة", "-|خبراء: التسوية السياسية تحتاج إلى «ضمانات دولية»",
], record_title="اتصال هاتفي")
# 39 a signature with a dash at the very end
page("signature line with a leading dash at the end", [P["col1"], P["col3"], "-|- عبدالله بن محمد الحربي"], record_title="مدينتي")
# 40 trap: verse after a lead-in colon in the middle of the body
page("trap: verse lines after a lead-in colon in the middle stay", [
    P["cu1"], "وافتتح الأمسية الشعرية بأبيات قال فيها:", "بلادي وإن جارت علي عزيزة", "وأهلي وإن ضنوا علي كرام",
    P["cu2"],
], record_title="أمسية شعرية")
# 41 trap: demands after a lead-in colon at the end stay
page("trap: a list of demands after a lead-in colon at the end stays", [
    P["ed2"], "وطالب المعلمون في بيانهم بما يلي:", "زيادة الرواتب بما يتناسب مع غلاء المعيشة", "تثبيت المعلمين المتعاقدين منذ سنوات",
    "توفير التأمين الصحي لجميع العاملين في المدارس",
], record_title="مطالب المعلمين")

# 42 press release: URL invitation, social links, press-contact block
page("press release: URL invitation, social links and the press-contact block at the end", [
    P["sc1"], P["sc2"], "-|لمزيد من المعلومات يرجى زيارة الموقع الإلكتروني: http://www.example.com/space",
    "-|تويتر: https://twitter.com/example", "-|لاستفسارات الصحافة، يرجى الاتصال مع:", "-|ليلى منصور", "-|إدارة العلاقات العامة",
    "-|الهاتف: +971 (4) 555 0101",
], record_title="إطلاق قمر صناعي")

# 43 trap: a deck line starting with "المصدر:" stays; a short "المصدر: وكالات" goes
page("trap: a deck line starting with المصدر: stays, the short credit المصدر: وكالات goes", [
    "المصدر: الحكومة رفضت عرض الشركة بالتنازل عن حصتها في المشروع.. والنقابة تطالب بالتحقيق", P["eco1"], P["eco2"],
    "-|المصدر: وكالات",
], record_title="عرض مرفوض")
# 44 Reuters Arabic credit lines at the end
page("Reuters Arabic: reporters and editors credit lines at the end", [
    P["pol1"], P["pol3"], "-|من سامر الحلبي وليلى قاسم", "-|(إعداد منى خالد للنشرة العربية - تحرير أحمد فؤاد)",
], record_title="مباحثات")
# 45 captions block under "شرح الصور:"
page("a captions block under شرح الصور:", [
    P["sp1"], P["sp3"], "-|شرح الصور:", "-|صورة جماعية لبعثة المنتخب قبل السفر", "-|المدرب يتابع الحصة التدريبية الأخيرة",
], record_title="المنتخب يتأهل")


def build(name, lines, options, record_title, expect):
    inp, body, removed = [], [], []
    exp = {"section": None, "title": None, "dateline": None, "outlet": None, "place": None}
    for ln in lines:
        if ln == "":
            inp.append("")
            continue
        if " +|" in ln:  # body + glued trailer
            b, t = ln.split(" +|")
            inp.append(b + " " + t)
            body.append(b)
            removed.append(t)
            continue
        tag, _, rest = ln.partition("|") if ln[:2] in ("S|", "T|", "D|", "-|") else ("", "", ln)
        if tag == "S":
            exp["section"] = normalize(rest); inp.append(rest)
        elif tag == "T":
            exp["title"] = normalize(rest); inp.append(rest)
        elif tag == "D":
            outlet, place, line = rest.split("|")
            exp.update(dateline=normalize(line), outlet=normalize(outlet), place=normalize(place)); inp.append(line)
        elif tag == "-":
            removed.append(rest); inp.append(rest)
        else:
            body.append(ln); inp.append(ln)
    case = {"name": name}
    if options:
        case["options"] = options
    exp["text"] = "\n".join(body)
    exp["removed"] = removed
    if record_title is not None:
        case["record"] = {"title": record_title, "text": "\n".join(inp), "section": None, "dateline": None,
                          "outlet": None, "place": None, "removed": []}
        for k in ("section", "title", "outlet", "place", "dateline"):
            if exp[k] is None:
                del exp[k]
    else:
        case["input"] = "\n".join(inp)
    case["expected"] = exp
    if expect:
        case["expect"] = expect
    return case


if __name__ == "__main__":
    for old in OUT.glob("page_*.json"):
        old.unlink()
    for n, p in enumerate(PAGES, 1):
        case = build(*p)
        (OUT / f"page_{n:02d}.json").write_text(json.dumps([case], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(len(PAGES), "pages")
