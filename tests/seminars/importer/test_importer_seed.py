import re

from seminars.importer.documents import read_document
from seminars.importer.parse import parse_paragraphs, parse_text
from seminars.management.commands import load_demo
from tests.seminars.importer.importer_fixtures import SEED, build_docx

KAM = "Камчатский край"
KKDB = "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»"
CBS_PK = "Централизованная библиотечная система г. Петропавловска-Камчатского"


def seed():
    return parse_text(SEED.read_text(encoding="utf-8"))


def test_seed_seminar():
    seminar = seed().seminar

    assert seminar.title == (
        "Библиотека-онлайн: опыт дистанционного обслуживания пользователей в современных условиях"
    )
    assert (seminar.date, seminar.end_date) == ("2021-11-24", None)
    assert (seminar.kind, seminar.scope, seminar.format) == ("seminar", "interregional", "blended")
    assert seminar.organizer == KKDB
    assert seminar.organizer_department == "Отдел научно-методической и проектной работы"
    assert seminar.organizer_region == KAM
    assert seminar.goal == (
        "выявление и изучение эффективных форм, методов и технологий информационного "
        "обслуживания в виртуальной среде, обсуждение перспектив развития библиотечного дела"
    )
    # The date line and the goal are fields of their own, not part of the description.
    assert seminar.description == load_demo.DESCRIPTION


def test_seed_places():
    places = [(p.name, p.kind, p.region) for p in seed().seminar.places]

    assert places == [
        ("Петропавловск-Камчатский", "locality", KAM),
        ("Южно-Сахалинск", "locality", "Сахалинская область"),
        ("Хабаровск", "locality", "Хабаровский край"),
        ("Самара", "locality", "Самарская область"),
        ("Чита", "locality", "Забайкальский край"),
        ("Ивановская область", "region", "Ивановская область"),
        ("Орловская область", "region", "Орловская область"),
        ("Владимирская область", "region", "Владимирская область"),
        ("Соболевский муниципальный район", "locality", KAM),
    ]


def test_seed_talk_titles_in_order():
    assert [t.title for t in seed().talks] == [
        "Выход библиотек в виртуальное пространство: особенности и перспективы работы в "
        "цифровой среде",
        "Опыт работы Сахалинской областной детской библиотеки в удаленном режиме",
        "Информационные электронные ресурсы Централизованной библиотечной системы "
        "г. Петропавловска-Камчатского",
        "«Дети, книги и МАЯК» - детская страничка библиотеки в социальной сети ВКонтакте",
        "Социальное партнерство как фактор успешного библиотечного онлайн обслуживания по "
        "популяризации книги и продвижению семейного чтения во ВКонтакте",
        "Библиотеки для детей и подростков в социальных медиа",
        "Сетевые акции в библиотеке: продвижение книги и чтения в виртуальной среде",
        "Культурно-массовые онлайн-мероприятия Централизованной библиотечной системы "
        "г. Петропавловска-Камчатского",
        "Литературное творчество и соцсети",
        "Онлайн-комбо на примере книги Н. Носова «По следам Незнайки»",
        "Онлайн-форматы мероприятий в работе МКУК «Соболевская библиотека»: особенности и "
        "перспективы",
        "Сетевые и электронные ресурсы библиотек, как способ продвижения книги и чтения",
    ]


def test_seed_speakers_positions_departments_and_libraries():
    speakers = [
        (s.last_name, s.first_name, s.patronymic, s.position, s.department, s.institution, s.region)
        for talk in seed().talks
        for s in talk.speakers
    ]

    assert speakers == [
        ("Абрамкина", "Елена", "Ивановна", "директор", "", KKDB, KAM),
        (
            "Калиновская",
            "Ирина",
            "Михайловна",
            "главный библиотекарь",
            "",
            "ГБУК «Сахалинская областная детская библиотека»",
            "Сахалинская область",
        ),
        (
            "Тауль",
            "Ольга",
            "Михайловна",
            "заведующий ИБЦ «Доступный город»",
            "ИБЦ «Доступный город»",
            CBS_PK,
            KAM,
        ),
        (
            "Чельшева",
            "Ирина",
            "Викторовна",
            "заведующий отделом «Детство»",
            "отдел «Детство»",
            "ГБУ «Ивановская областная библиотека для детей и юношества»",
            "Ивановская область",
        ),
        (
            "Масенкова",
            "Людмила",
            "Валерьевна",
            "ведущий методист отдела формирования и организации фондов",
            "отдел формирования и организации фондов",
            KKDB,
            KAM,
        ),
        (
            "Молчкова",
            "Ольга",
            "Юрьевна",
            "редактор 1 категории, специалист по связям со средствами массовой информации",
            "",
            "ГБУК «Самарская областная детская библиотека»",
            "Самарская область",
        ),
        (
            "Лысанова",
            "Ольга",
            "Викторовна",
            "ведущий методист",
            "",
            "БУК «Орловская областная детская библиотека им. М.М. Пришвина»",
            "Орловская область",
        ),
        (
            "Толстоногова",
            "Елена",
            "Павловна",
            "главный библиотекарь ИБЦ «Доступный город»",
            "ИБЦ «Доступный город»",
            CBS_PK,
            KAM,
        ),
        (
            "Романова",
            "Елизавета",
            "Васильевна",
            "главный библиотекарь",
            "",
            "Центральная детская библиотека имени С.М. Голицына МБУК «Централизованная "
            "библиотечная система города Коврова»",
            "Владимирская область",
        ),
        (
            "Сорина",
            "Анастасия",
            "Владимировна",
            "библиотекарь",
            "",
            "Библиотека семейного чтения-филиал №7 МБУК «Централизованная система детских "
            "библиотек г. Хабаровска»",
            "Хабаровский край",
        ),
        ("Сафонова", "Светлана", "Юрьевна", "директор", "", "МКУК «Соболевская библиотека»", KAM),
        (
            "Аптикаримова",
            "Алла",
            "Рифхатовна",
            "библиотекарь отдела «Страна Читалия»",
            "отдел «Страна Читалия»",
            "Модельная библиотека МБУК ЦБС г. Чита",
            "Забайкальский край",
        ),
    ]


def test_seed_speakers_are_not_matched_yet():
    speakers = [s for talk in seed().talks for s in talk.speakers]

    assert {(s.person_id, s.institution_id) for s in speakers} == {(None, None)}


def test_seed_resolution():
    resolution = seed().resolution

    assert resolution.preamble.startswith("Библиотеки вошли в виртуальное пространство")
    assert resolution.preamble.endswith("необходимо решать следующие основные задачи:")
    assert [(i.section, i.text[:40]) for i in resolution.items] == [
        ("tasks", "Структурирование информации - это неизме"),
        ("tasks", "Разработка качественного контента - сейч"),
        ("tasks", "Повышение медиаграмотности - рассматрива"),
        ("conclusions", "Успешное выполнение задач, стоящих перед"),
        ("conclusions", "Специалистам библиотек необходимо чаще и"),
        ("conclusions", "Важно популярно объяснять, что работа он"),
    ]
    # The paragraph broken after «Выход в» is rejoined; the source's typos stay.
    assert "навыков, который со временем удастся преодолеть. Выход в медиапространство сейчас" in (
        resolution.items[2].text
    )
    assert resolution.items[2].text.endswith("выходить на новые интернет-площадки.")
    assert "чтобы предлагаемы библиотечные продукты" in resolution.items[1].text
    assert resolution.items[3].text.endswith("правоведения, культурологи и многих других.")
    assert resolution.closing == (
        "Участники семинара отметили практическую направленность семинара, возможность сравнить "
        "свой опыт с опытом коллег, пополнить методическую копилку интересными формами проведения "
        "мероприятий."
    )


def test_seed_link_to_the_recordings_is_kept_for_review():
    links = seed().links

    assert len(links) == 1
    assert links[0].url is None
    assert links[0].title.endswith(
        "на YouTube канале Камчатской краевой детской библиотеки им. В. Кручины - КнижкинДом41."
    )


def test_seed_as_docx_with_word_lists_parses_the_same_as_the_text():
    lines = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.replace("**", "").strip()
        if line.startswith("- "):
            line = "*. " + line[2:]
        elif re.match(r"\d+\. ", line):
            line = "#. " + line.split(". ", 1)[1]
        lines.append(line)
    data = build_docx("\n".join(lines))

    from_docx = parse_paragraphs(read_document("resolution.docx", data))

    assert from_docx.to_dict() == seed().to_dict()
