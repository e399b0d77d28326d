"""Loads the demo seminar of 24 November 2021 exactly as its resolution states it.

The source document is seminars/demo/resolution_2021-11-24.txt. Every record is looked up by its
natural key and written only when it differs, so a second run changes nothing.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.models import Organization
from libraries.models import Department, Library, Locality, Region
from people.models import Person
from seminars.models import Resolution, ResolutionItem, Seminar, SeminarLink, Talk, TalkSpeaker

SEMINAR_DATE = datetime.date(2021, 11, 24)
SEMINAR_TITLE = (
    "Библиотека-онлайн: опыт дистанционного обслуживания пользователей в современных условиях"
)

# key: (region code, name, kind)
LOCALITIES = {
    "petropavlovsk": ("41", "Петропавловск-Камчатский", Locality.Kind.CITY),
    "sobolevo": ("41", "Соболевский муниципальный район", Locality.Kind.MUNICIPAL_DISTRICT),
    "yuzhno-sakhalinsk": ("65", "Южно-Сахалинск", Locality.Kind.CITY),
    "khabarovsk": ("27", "Хабаровск", Locality.Kind.CITY),
    "samara": ("63", "Самара", Locality.Kind.CITY),
    "chita": ("75", "Чита", Locality.Kind.CITY),
    "ivanovo": ("37", "Иваново", Locality.Kind.CITY),
    "orel": ("57", "Орёл", Locality.Kind.CITY),
    "kovrov": ("33", "Ковров", Locality.Kind.CITY),
}

# key: (legal form, name, short name, parent key, locality key); parents come first.
LIBRARIES = {
    "kkdb": (
        "КГБУ",
        "Камчатская краевая детская библиотека им. В. Кручины",
        "",
        None,
        "petropavlovsk",
    ),
    "sakhalin": ("ГБУК", "Сахалинская областная детская библиотека", "", None, "yuzhno-sakhalinsk"),
    "pk-cbs": (
        "",
        "Централизованная библиотечная система г. Петропавловска-Камчатского",
        "ЦБС г. Петропавловска-Камчатского",
        None,
        "petropavlovsk",
    ),
    "ivanovo": (
        "ГБУ",
        "Ивановская областная библиотека для детей и юношества",
        "",
        None,
        "ivanovo",
    ),
    "samara": ("ГБУК", "Самарская областная детская библиотека", "", None, "samara"),
    "orel": ("БУК", "Орловская областная детская библиотека им. М.М. Пришвина", "", None, "orel"),
    "kovrov-cbs": (
        "МБУК",
        "Централизованная библиотечная система города Коврова",
        "ЦБС города Коврова",
        None,
        "kovrov",
    ),
    "kovrov-cdb": (
        "",
        "Центральная детская библиотека имени С.М. Голицына",
        "",
        "kovrov-cbs",
        None,
    ),
    "khabarovsk-csdb": (
        "МБУК",
        "Централизованная система детских библиотек г. Хабаровска",
        "ЦСДБ г. Хабаровска",
        None,
        "khabarovsk",
    ),
    "khabarovsk-f7": ("", "Библиотека семейного чтения-филиал №7", "", "khabarovsk-csdb", None),
    "sobolevo": ("МКУК", "Соболевская библиотека", "", None, "sobolevo"),
    "chita-cbs": ("МБУК", "ЦБС г. Чита", "", None, "chita"),
    "chita-model": ("", "Модельная библиотека", "", "chita-cbs", None),
}

# key: (library key, name, kind)
DEPARTMENTS = {
    "kkdb-method": (
        "kkdb",
        "Отдел научно-методической и проектной работы",
        Department.Kind.DEPARTMENT,
    ),
    "kkdb-funds": ("kkdb", "отдел формирования и организации фондов", Department.Kind.DEPARTMENT),
    "pk-dostupny": ("pk-cbs", "ИБЦ «Доступный город»", Department.Kind.INFO_CENTER),
    "ivanovo-detstvo": ("ivanovo", "отдел «Детство»", Department.Kind.DEPARTMENT),
    "chita-chitalia": ("chita-model", "отдел «Страна Читалия»", Department.Kind.DEPARTMENT),
}

# (title, (last name, first name, patronymic), position, library key, department key)
TALKS = [
    (
        "Выход библиотек в виртуальное пространство: особенности и перспективы работы в цифровой среде",
        ("Абрамкина", "Елена", "Ивановна"),
        "директор",
        "kkdb",
        None,
    ),
    (
        "Опыт работы Сахалинской областной детской библиотеки в удаленном режиме",
        ("Калиновская", "Ирина", "Михайловна"),
        "главный библиотекарь",
        "sakhalin",
        None,
    ),
    (
        "Информационные электронные ресурсы Централизованной библиотечной системы "
        "г. Петропавловска-Камчатского",
        ("Тауль", "Ольга", "Михайловна"),
        "заведующий ИБЦ «Доступный город»",
        "pk-cbs",
        "pk-dostupny",
    ),
    (
        "«Дети, книги и МАЯК» - детская страничка библиотеки в социальной сети ВКонтакте",
        ("Чельшева", "Ирина", "Викторовна"),
        "заведующий отделом «Детство»",
        "ivanovo",
        "ivanovo-detstvo",
    ),
    (
        "Социальное партнерство как фактор успешного библиотечного онлайн обслуживания "
        "по популяризации книги и продвижению семейного чтения во ВКонтакте",
        ("Масенкова", "Людмила", "Валерьевна"),
        "ведущий методист отдела формирования и организации фондов",
        "kkdb",
        "kkdb-funds",
    ),
    (
        "Библиотеки для детей и подростков в социальных медиа",
        ("Молчкова", "Ольга", "Юрьевна"),
        "редактор 1 категории, специалист по связям со средствами массовой информации",
        "samara",
        None,
    ),
    (
        "Сетевые акции в библиотеке: продвижение книги и чтения в виртуальной среде",
        ("Лысанова", "Ольга", "Викторовна"),
        "ведущий методист",
        "orel",
        None,
    ),
    (
        "Культурно-массовые онлайн-мероприятия Централизованной библиотечной системы "
        "г. Петропавловска-Камчатского",
        ("Толстоногова", "Елена", "Павловна"),
        "главный библиотекарь ИБЦ «Доступный город»",
        "pk-cbs",
        "pk-dostupny",
    ),
    (
        "Литературное творчество и соцсети",
        ("Романова", "Елизавета", "Васильевна"),
        "главный библиотекарь",
        "kovrov-cdb",
        None,
    ),
    (
        "Онлайн-комбо на примере книги Н. Носова «По следам Незнайки»",
        ("Сорина", "Анастасия", "Владимировна"),
        "библиотекарь",
        "khabarovsk-f7",
        None,
    ),
    (
        "Онлайн-форматы мероприятий в работе МКУК «Соболевская библиотека»: "
        "особенности и перспективы",
        ("Сафонова", "Светлана", "Юрьевна"),
        "директор",
        "sobolevo",
        None,
    ),
    (
        "Сетевые и электронные ресурсы библиотек, как способ продвижения книги и чтения",
        ("Аптикаримова", "Алла", "Рифхатовна"),
        "библиотекарь отдела «Страна Читалия»",
        "chita-model",
        "chita-chitalia",
    ),
]

GOAL = (
    "выявление и изучение эффективных форм, методов и технологий информационного обслуживания "
    "в виртуальной среде, обсуждение перспектив развития библиотечного дела"
)

DESCRIPTION = """\
Библиотеки всегда являлись посредником между читателями и информацией. Современная библиотека \
оказывает посетителям информационно-библиографические и культурно-досуговые услуги, качественное \
выполнение которых просто невозможно без выхода в виртуальное пространство.

Интернет предоставил возможность значительно расширить сервис для читателей, дал стимул для \
совершенствования библиотечных технологий и процессов. Позволил разработать современные системы \
информирования, расширил границы и повысил результативность информационного обслуживания \
пользователей библиотек и населения региона в целом.

В работе межрегионального семинара в очно-заочном формате принимали участие специалисты библиотек \
из Петропавловска-Камчатского, Южно-Сахалинска, Хабаровска, Самары, Забайкальского края г. Чита, \
Ивановской, Орловской и Владимирской областей, Соболевского муниципального района Камчатского края. \
Участники поделились опытом по созданию собственных электронных ресурсов, проведением значимых \
библиотечных акций и мероприятий для детей и юношества, эффективных практиках онлайн продвижения \
книги и чтения, а также обсудили перспективы межрегионального взаимодействия и дальнейшие тенденции \
развития библиотек на основе современных информационных технологий."""

PARTICIPATING_REGIONS = ["41", "65", "27", "63", "75", "37", "57", "33"]
PARTICIPATING_LOCALITIES = [
    "petropavlovsk",
    "yuzhno-sakhalinsk",
    "khabarovsk",
    "samara",
    "chita",
    "sobolevo",
]

PREAMBLE = (
    "Библиотеки вошли в виртуальное пространство, чтобы и читателя привлечь, и самим выстоять "
    "в трудных условиях всеобщей цифровизации. Для эффективного онлайн обслуживания и создания "
    "медиа продуктов высокого качества, способных привлечь современных пользователей, "
    "библиотекарям необходимо решать следующие основные задачи:"
)

TASKS = [
    "Структурирование информации - это неизменная функция библиотеки, без грамотного решения "
    "которой невозможна качественная работа, хоть в обычном режиме работы, хоть в дистанционном.",
    "Разработка качественного контента - сейчас как никогда ранее стало понятно, что главные "
    "дефициты современного мира - это время и внимание. При огромном количестве разнообразной "
    "информации, очень важно, чтобы предлагаемы библиотечные продукты и услуги были "
    "конкурентоспособными. Проведение мероприятий только ради галочки - бесполезное занятие: "
    "читатель просто найдет новый сайт, новую страницу, новый для себя видеоканал, на котором его "
    "устраивает качество контента.",
    "Повышение медиаграмотности - рассматривается не только изучение информационных технологий и "
    "навыки пользования ими, но и как инструмент выстраивания общественного диалога. Для многих "
    "библиотекарей эта сфера деятельности новая – сказывается недостаток знаний и навыков, который "
    "со временем удастся преодолеть. Выход в медиапространство сейчас не просто важен для "
    "библиотеки - он необходим. Именно там, находятся настоящие и будущие читатели библиотеки, с "
    "которыми необходимо научиться говорить на их языке и ради которых необходимо выходить на "
    "новые интернет-площадки.",
]

CONCLUSIONS = [
    "Успешное выполнение задач, стоящих перед библиотеками, требует постоянного совершенствования "
    "квалификации библиотекарей. Работнику современной библиотеки необходимо быть широко "
    "образованным специалистом, владеющим, кроме своей профессии, навыками смежных отраслей знания "
    "и сфер деятельности: информатики, педагогики, психологии, социологии, правоведения, "
    "культурологи и многих других.",
    "Специалистам библиотек необходимо чаще и больше делиться опытом о предоставляемых онлайн "
    "услугах. Потому что даже у самой активной и продвинутой части наших пользователей "
    "представление об объеме, интенсивности и качестве этой работы библиотек далеко не полные.",
    "Важно популярно объяснять, что работа онлайн и офлайн неразрывно связаны между собой. "
    "Практика показывает, что онлайн форма не заменяет и не вытесняет традиционное обслуживание, "
    "а лишь расширяет спектр услуг, которые можно получить, даже не выходя из дома. Библиотека "
    "работает как своеобразная платформа обмена знаниями между пользователями при посредничестве "
    "компетентного библиотекаря.",
]

CLOSING = (
    "Участники семинара отметили практическую направленность семинара, возможность сравнить свой "
    "опыт с опытом коллег, пополнить методическую копилку интересными формами проведения "
    "мероприятий."
)

# The resolution names the channel but gives no address; a search link finds it without guessing.
CHANNEL = (
    "YouTube-канал «КнижкинДом41» Камчатской краевой детской библиотеки им. В. Кручины",
    "https://www.youtube.com/results?search_query=%D0%9A%D0%BD%D0%B8%D0%B6%D0%BA%D0%B8%D0%BD%D0%94%D0%BE%D0%BC41",
)


# The department whose archive the demo shows, as the resolution's letterhead names it.
ORGANIZATION = {
    "name": "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»",
    "short_name": "Камчатская краевая детская библиотека им. В. Кручины",
    "department": "Отдел научно-методической и проектной работы",
    "address": "Петропавловск-Камчатский, Камчатский край",
    "about": (
        "«Методическая копилка» — открытый архив семинаров, конференций и вебинаров, которые "
        "проводит отдел научно-методической и проектной работы Камчатской краевой детской "
        "библиотеки им. В. Кручины для библиотекарей края и коллег из других регионов.\n\n"
        "Здесь собраны программы, доклады и резолюции: кто выступал, из какой библиотеки и "
        "региона, что решили участники. Архив помогает найти коллег, которые уже решали похожую "
        "задачу, и подготовить отчёт о методической работе за год.\n\n"
        "Сведения о докладчиках публикуются только с их согласия (152-ФЗ «О персональных "
        "данных»)."
    ),
}


# The upcoming seminar (`--upcoming`, which `make run` passes): about a month after the day the
# command runs, with registration open, so that a newcomer can walk the whole flow.
UPCOMING_TITLE = "Детская книга в цифровой среде: новые форматы продвижения чтения"
UPCOMING_DAYS = 30
UPCOMING_GOAL = (
    "обмен опытом продвижения детского чтения в социальных сетях, подкастах и онлайн-клубах"
)
UPCOMING_DESCRIPTION = (
    "Приглашаем специалистов детских и муниципальных библиотек. Программа дополняется; "
    "участвовать можно очно в Петропавловске-Камчатском или онлайн."
)
UPCOMING_TALKS = ["Подкаст о книгах для подростков: от идеи до первого выпуска"]


def upsert(model, lookup, values):
    """get_or_create that saves an existing row only when a value differs."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed and not created:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


class Command(BaseCommand):
    help = (
        "Загружает демонстрационный семинар «Библиотека-онлайн» 24.11.2021 и сведения об "
        "организации; повторный запуск ничего не меняет."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--upcoming",
            action="store_true",
            help="Ещё один семинар примерно через месяц, с открытой регистрацией.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        # Entered once; what staff have since changed in the admin stays.
        if not Organization.objects.exists():
            Organization.objects.create(**ORGANIZATION)
        regions = {region.code: region for region in Region.objects.all()}
        localities = {
            key: upsert(Locality, {"region": regions[code], "name": name}, {"kind": kind})
            for key, (code, name, kind) in LOCALITIES.items()
        }
        libraries = {}
        for key, (legal_form, name, short_name, parent, locality) in LIBRARIES.items():
            parent = libraries.get(parent)
            place = localities[locality] if locality else parent.locality
            libraries[key] = upsert(
                Library,
                {"parent": parent, "name": name},
                {
                    "legal_form": legal_form,
                    "short_name": short_name,
                    "region": place.region,
                    "locality": place,
                    "is_published": True,
                },
            )
        departments = {
            key: upsert(Department, {"library": libraries[library], "name": name}, {"kind": kind})
            for key, (library, name, kind) in DEPARTMENTS.items()
        }

        seminar = upsert(
            Seminar,
            {"title": SEMINAR_TITLE, "start_date": SEMINAR_DATE},
            {
                "kind": Seminar.Kind.SEMINAR,
                "scope": Seminar.Scope.INTERREGIONAL,
                "format": Seminar.Format.BLENDED,
                "end_date": None,
                "organizer": libraries["kkdb"],
                "organizer_department": departments["kkdb-method"],
                "goal": GOAL,
                "description": DESCRIPTION,
                "is_published": True,
            },
        )
        seminar.regions.set([regions[code] for code in PARTICIPATING_REGIONS])
        seminar.localities.set([localities[key] for key in PARTICIPATING_LOCALITIES])
        upsert(
            SeminarLink,
            {"seminar": seminar, "url": CHANNEL[1]},
            {"kind": SeminarLink.Kind.CHANNEL, "title": CHANNEL[0], "order": 1},
        )

        for order, (title, names, position, library, department) in enumerate(TALKS, start=1):
            talk = upsert(Talk, {"seminar": seminar, "order": order}, {"title": title})
            last_name, first_name, patronymic = names
            person = upsert(
                Person,
                {"last_name": last_name, "first_name": first_name, "patronymic": patronymic},
                {
                    "consent": Person.Consent.GIVEN,
                    "consent_date": SEMINAR_DATE,
                    "consent_note": "Демонстрационные данные: имена опубликованы в резолюции.",
                },
            )
            upsert(
                TalkSpeaker,
                {"talk": talk, "person": person},
                {
                    "order": 1,
                    "position": position,
                    "library": libraries[library],
                    "department": departments.get(department),
                },
            )

        resolution = upsert(
            Resolution, {"seminar": seminar}, {"preamble": PREAMBLE, "closing": CLOSING}
        )
        items = [(ResolutionItem.Section.TASKS, text) for text in TASKS] + [
            (ResolutionItem.Section.CONCLUSIONS, text) for text in CONCLUSIONS
        ]
        for order, (section, text) in enumerate(items, start=1):
            upsert(
                ResolutionItem,
                {"resolution": resolution, "order": order},
                {"section": section, "text": text},
            )

        self.stdout.write(
            f"Демонстрационный семинар загружен: «{seminar}», докладов: {seminar.talks.count()}."
        )
        if options["upcoming"]:
            self.upcoming(libraries["kkdb"], departments["kkdb-method"], seminar)

    def upcoming(self, organizer, department, past):
        today = timezone.localdate()
        seminar = Seminar.objects.filter(title=UPCOMING_TITLE).first()
        if seminar is None or seminar.start_date <= today:
            # Dated from today: a demo loaded months later still has its seminar ahead.
            seminar = seminar or Seminar(title=UPCOMING_TITLE)
            seminar.start_date = today + datetime.timedelta(days=UPCOMING_DAYS)
            seminar.registration_deadline = None
        for name, value in {
            "kind": Seminar.Kind.SEMINAR,
            "scope": Seminar.Scope.INTERREGIONAL,
            "format": Seminar.Format.BLENDED,
            "organizer": organizer,
            "organizer_department": department,
            "goal": UPCOMING_GOAL,
            "description": UPCOMING_DESCRIPTION,
            "is_published": True,
            "registration_open": True,
            "capacity": 40,
            "online_room_url": "https://example.ru/webinar/detskaya-kniga",
            "confirmation_text": "Очные участники: ул. Ленинская, 14, читальный зал, начало в 10:00.",
        }.items():
            setattr(seminar, name, value)
        seminar.save()
        speaker = past.talks.order_by("order").first().speakers.first()
        for order, title in enumerate(UPCOMING_TALKS, start=1):
            talk = upsert(Talk, {"seminar": seminar, "order": order}, {"title": title})
            upsert(
                TalkSpeaker,
                {"talk": talk, "person": speaker.person},
                {"order": 1, "position": speaker.position, "library": speaker.library},
            )
        self.stdout.write(
            f"Предстоящий семинар: «{seminar}», {seminar.start_date:%d.%m.%Y}, регистрация открыта."
        )
