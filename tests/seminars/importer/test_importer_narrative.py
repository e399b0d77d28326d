"""Reports told in sentences and protocols: names in any case, verbs of speech, headings."""

import pytest

from seminars.importer.names import match_name, nominative_name, split_affiliation, split_town
from seminars.importer.parse import parse_text, talk_in_sentence


def speaker_of(talk):
    s = talk.speakers[0]
    return (s.last_name, s.first_name, s.patronymic, s.position, s.department, s.institution)


@pytest.mark.parametrize(
    ("text", "case", "name"),
    [
        ("Поповой Е. М.", "datv", ("Попова", "Е.", "М.")),
        ("КОРНИЛОВУ Галину Петровну", None, ("Корнилова", "Галина", "Петровна")),
        ("ГРИГОРЬЕВА Андрея Викторовича", None, ("Григорьев", "Андрей", "Викторович")),
        ("ПЕТРОВА Светлана Игоревна", None, ("Петрова", "Светлана", "Игоревна")),
        ("Ольга Викторовна Сафронова", None, ("Сафронова", "Ольга", "Викторовна")),
        ("Н.И.Кожевникова", None, ("Кожевникова", "Н.", "И.")),
        ("Николаеву Т. А.", "accs", ("Николаева", "Т.", "А.")),
        ("Романенко Ольгу Викторовну", None, ("Романенко", "Ольга", "Викторовна")),
    ],
)
def test_names_in_any_case_and_order_come_back_in_the_nominative(text, case, name):
    written, _ = match_name(text)

    found, _, _ = nominative_name(written, case)

    assert (found.last_name, found.first_name, found.patronymic) == name


def test_a_surname_that_may_be_a_woman_or_a_genitive_is_marked_unsure():
    written, _ = match_name("Тимофеева А. С.")

    unhinted, _, _ = nominative_name(written)
    feminine, _, _ = nominative_name(written, gender="femn")

    assert (unhinted.last_name, unhinted.unsure) == ("Тимофеева", True)
    assert (feminine.last_name, feminine.unsure) == ("Тимофеева", False)


@pytest.mark.parametrize(
    ("text", "case", "parts"),
    [
        (
            "заведующей отделом обслуживания Центральной детской библиотеки",
            "datv",
            (
                "заведующая отделом обслуживания",
                "отдел обслуживания",
                "Центральная детская библиотека",
            ),
        ),
        (
            "директора МБУК «Межпоселенческая центральная библиотека»",
            "accs",
            ("директор", "", "МБУК «Межпоселенческая центральная библиотека»"),
        ),
        (
            "заведующего Карамышевской сельской библиотекой-филиалом",
            "gent",
            ("заведующий", "", "Карамышевская сельская библиотека-филиал"),
        ),
        (
            "библиотекаря Усть-Нюкжинской сельской библиотеки",
            "accs",
            ("библиотекарь", "", "Усть-Нюкжинская сельская библиотека"),
        ),
    ],
)
def test_position_and_library_in_an_oblique_case_go_to_the_nominative(text, case, parts):
    found = split_affiliation(text, case)

    assert (found.position, found.department, found.institution) == parts


@pytest.mark.parametrize(
    ("text", "split"),
    [
        (
            "МБУК «Центральная библиотека», г. Биробиджан",
            ("МБУК «Центральная библиотека»", "Биробиджан"),
        ),
        ("МБУК «Порховская библиотека» (г. Порхов)", ("МБУК «Порховская библиотека»", "Порхов")),
        (
            "Крестовская сельская библиотека, Псковский район",
            ("Крестовская сельская библиотека", "Псковский район"),
        ),
        ("Сельская библиотека, с. Соловьёвск", ("Сельская библиотека", "Соловьёвск")),
        ("МБУК ЦБС г. Чита", ("МБУК ЦБС г. Чита", "")),
    ],
)
def test_a_trailing_town_becomes_the_locality(text, split):
    assert split_town(text) == split


@pytest.mark.parametrize(
    ("sentence", "title", "speaker"),
    [
        (
            "Ведущий библиограф Н. И. Фомина осветила вопрос «Краеведческие списки».",
            "Краеведческие списки",
            ("Фомина", "Н.", "И.", "ведущий библиограф", "", ""),
        ),
        (
            "С сообщением «Книжный клуб» выступила Орлова Анна Петровна, библиотекарь "
            "Советской сельской библиотеки.",
            "Книжный клуб",
            ("Орлова", "Анна", "Петровна", "библиотекарь", "", "Советская сельская библиотека"),
        ),
        (
            "Затем слово предоставили заведующей отделом обслуживания Поповой Е. М., которая "
            "представила презентацию «Летнее чтение».",
            "Летнее чтение",
            ("Попова", "Е.", "М.", "заведующая отделом обслуживания", "отдел обслуживания", ""),
        ),
        (
            "Опытом работы клуба «Читайка» поделилась Ирина Сергеевна Котова, библиотекарь "
            "библиотеки им. В. Г. Белинского, в выступлении «Читаем с мамой».",
            "Читаем с мамой",
            (
                "Котова",
                "Ирина",
                "Сергеевна",
                "библиотекарь библиотеки им. В. Г. Белинского",
                "",
                "",
            ),
        ),
        (
            "Методист Е. В. Жукова рассказала о работе с волонтёрами.",
            "О работе с волонтёрами",
            ("Жукова", "Е.", "В.", "методист", "", ""),
        ),
    ],
)
def test_a_talk_told_in_a_sentence(sentence, title, speaker):
    talk, _ = talk_in_sentence(sentence)

    assert talk.title == title
    assert speaker_of(talk) == speaker


@pytest.mark.parametrize(
    "sentence",
    [
        "Модератором семинара выступила Иванова И. И., директор «ЦБС».",
        "Участники семинара отметили практическую значимость «Школы библиотекаря».",
        "Иванова И. И., директор МБУК «ЦБС», открыла семинар.",
    ],
)
def test_sentences_that_are_not_talks(sentence):
    talk, _ = talk_in_sentence(sentence)

    assert talk is None


def test_she_spoke_takes_the_person_named_in_the_sentence_before():
    document = parse_text(
        "ИТОГИ СЕМИНАРА «Проверка»\n12.05.2024\n"
        "Открыла семинар директор МБУК «ЦБС» Зайцева Лариса Николаевна. Она выступила с "
        "докладом «Итоги года», отметив рост числа читателей.\n"
    )

    assert [(t.title, t.speakers[0].last_name) for t in document.talks] == [
        ("Итоги года", "Зайцева")
    ]
    assert document.talks[0].speakers[0].institution == "МБУК «ЦБС»"


def test_protocol_talks_and_decisions_without_chair_or_secretary():
    document = parse_text(
        "ПРОТОКОЛ № 3\nзаседания методического объединения\n"
        "«ЛЕТНЕЕ ЧТЕНИЕ»\n12.05.2024\n"
        "Председатель – СОКОЛОВА Анна Петровна, директор.\nСекретарь – ЛЕБЕДЕВА Н. А., методист.\n"
        "ПОВЕСТКА ДНЯ:\n1. Летнее чтение.\n2. Разное.\n"
        "СЛУШАЛИ:\n1. МОРОЗОВУ Ирину Викторовну, библиотекаря Сосновской сельской библиотеки, "
        "с докладом «Летнее чтение: опыт\nСосновской библиотеки».\n"
        "ВЫСТУПИЛИ:\nЛЕБЕДЕВА Н. А., методист, – «Разное».\n"
        "ПОСТАНОВИЛИ:\n1. Принять опыт к сведению.\n2. Провести конкурс.\n"
        "Председатель _______ А. П. Соколова\nСекретарь _______ Н. А. Лебедева\n"
    )

    assert document.seminar.title == "Летнее чтение"
    assert document.seminar.unsure == ["title"]
    assert [(t.title, speaker_of(t)) for t in document.talks] == [
        (
            "Летнее чтение: опыт Сосновской библиотеки",
            (
                "Морозова",
                "Ирина",
                "Викторовна",
                "библиотекарь",
                "",
                "Сосновская сельская библиотека",
            ),
        ),
        ("Разное", ("Лебедева", "Н.", "А.", "методист", "", "")),
    ]
    assert [(i.section, i.text) for i in document.resolution.items] == [
        ("decisions", "Принять опыт к сведению."),
        ("decisions", "Провести конкурс."),
    ]
    assert document.resolution.closing == ""


def test_seminar_fields_come_only_from_the_text():
    stated = parse_text(
        "ИТОГИ СЕМИНАРА «Онлайн»\n5 мая 2023 года в МБУК «ЦБС» прошёл семинар в онлайн-формате. "
        "В нём приняли участие 48 специалистов.\n"
        "Методист Е. В. Жукова рассказала о работе с волонтёрами.\n"
    ).seminar
    silent = parse_text(
        "ИТОГИ «Встреча»\n5 мая 2023 года в МБУК «ЦБС» прошла встреча библиотекарей.\n"
        "Методист Е. В. Жукова рассказала о работе с волонтёрами.\n"
    ).seminar

    assert (stated.kind, stated.format, stated.scope, stated.participants_count) == (
        "seminar",
        "online",
        None,
        48,
    )
    assert (silent.kind, silent.format, silent.scope, silent.participants_count) == (
        None,
        None,
        None,
        None,
    )


def test_a_report_without_the_year_takes_it_from_the_page_date():
    seminar = parse_text(
        "18.10.2023\nИтоги семинара «Семья»\n17 октября в Вологодской областной детской "
        "библиотеке прошёл семинар.\nМетодист Е. В. Жукова рассказала о работе с семьями.\n"
    ).seminar

    assert (seminar.date, seminar.organizer) == (
        "2023-10-17",
        "Вологодская областная детская библиотека",
    )


@pytest.mark.parametrize(
    "line",
    [
        "Модератор вебинара – Рыбакова Алла Петровна, заместитель директора.",
        "Председатель – СОКОЛОВА Анна Петровна, директор.",
        "Секретарь: Ким Е. С., библиограф.",
        "Ведущая семинара – Иванова И. И., методист.",
    ],
)
def test_moderators_chairs_and_secretaries_are_not_speakers(line):
    document = parse_text(
        "ИТОГИ СЕМИНАРА «Проверка»\n12.05.2024\n"
        f"{line}\n"
        "- «Летнее чтение», докладчик Орлова А. П., библиотекарь МБУК «ЦБС»\n"
    )

    assert [(t.title, t.speakers[0].last_name) for t in document.talks] == [
        ("Летнее чтение", "Орлова")
    ]
