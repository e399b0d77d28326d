"""`load_demo` must reproduce the resolution of 24 November 2021 exactly."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db.models import Count

from libraries.models import FederalDistrict, Library, Region
from people.models import Person
from seminars.models import ResolutionItem, Seminar, Talk, TalkSpeaker

SEED = (Path(__file__).resolve().parents[2] / "seminars/demo/resolution_2021-11-24.txt").read_text()

# (title, speaker, position, library as displayed) — in the order of the resolution.
EXPECTED_TALKS = [
    (
        "Выход библиотек в виртуальное пространство: особенности и перспективы работы в цифровой среде",
        "Абрамкина Елена Ивановна",
        "директор",
        "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»",
    ),
    (
        "Опыт работы Сахалинской областной детской библиотеки в удаленном режиме",
        "Калиновская Ирина Михайловна",
        "главный библиотекарь",
        "ГБУК «Сахалинская областная детская библиотека»",
    ),
    (
        "Информационные электронные ресурсы Централизованной библиотечной системы г. Петропавловска-Камчатского",
        "Тауль Ольга Михайловна",
        "заведующий ИБЦ «Доступный город»",
        "Централизованная библиотечная система г. Петропавловска-Камчатского",
    ),
    (
        "«Дети, книги и МАЯК» - детская страничка библиотеки в социальной сети ВКонтакте",
        "Чельшева Ирина Викторовна",
        "заведующий отделом «Детство»",
        "ГБУ «Ивановская областная библиотека для детей и юношества»",
    ),
    (
        "Социальное партнерство как фактор успешного библиотечного онлайн обслуживания по "
        "популяризации книги и продвижению семейного чтения во ВКонтакте",
        "Масенкова Людмила Валерьевна",
        "ведущий методист отдела формирования и организации фондов",
        "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»",
    ),
    (
        "Библиотеки для детей и подростков в социальных медиа",
        "Молчкова Ольга Юрьевна",
        "редактор 1 категории, специалист по связям со средствами массовой информации",
        "ГБУК «Самарская областная детская библиотека»",
    ),
    (
        "Сетевые акции в библиотеке: продвижение книги и чтения в виртуальной среде",
        "Лысанова Ольга Викторовна",
        "ведущий методист",
        "БУК «Орловская областная детская библиотека им. М.М. Пришвина»",
    ),
    (
        "Культурно-массовые онлайн-мероприятия Централизованной библиотечной системы г. Петропавловска-Камчатского",
        "Толстоногова Елена Павловна",
        "главный библиотекарь ИБЦ «Доступный город»",
        "Централизованная библиотечная система г. Петропавловска-Камчатского",
    ),
    (
        "Литературное творчество и соцсети",
        "Романова Елизавета Васильевна",
        "главный библиотекарь",
        "Центральная детская библиотека имени С.М. Голицына "
        "МБУК «Централизованная библиотечная система города Коврова»",
    ),
    (
        "Онлайн-комбо на примере книги Н. Носова «По следам Незнайки»",
        "Сорина Анастасия Владимировна",
        "библиотекарь",
        "Библиотека семейного чтения-филиал №7 "
        "МБУК «Централизованная система детских библиотек г. Хабаровска»",
    ),
    (
        "Онлайн-форматы мероприятий в работе МКУК «Соболевская библиотека»: особенности и перспективы",
        "Сафонова Светлана Юрьевна",
        "директор",
        "МКУК «Соболевская библиотека»",
    ),
    (
        "Сетевые и электронные ресурсы библиотек, как способ продвижения книги и чтения",
        "Аптикаримова Алла Рифхатовна",
        "библиотекарь отдела «Страна Читалия»",
        "Модельная библиотека МБУК «ЦБС г. Чита»",
    ),
]


def talk_lines():
    return [line for line in SEED.splitlines() if "докладчик" in line]


def test_expected_talks_are_the_seed_lines_in_order():
    """Guards the expectations themselves: each title, name and position is in its seed line."""
    lines = talk_lines()
    assert len(lines) == 12
    for line, (title, speaker, position, _library) in zip(lines, EXPECTED_TALKS, strict=True):
        assert title in line
        assert f"докладчик {speaker}, {position}" in line


def test_seminar_matches_the_resolution(demo_seminar):
    seminar = demo_seminar
    assert seminar.title == (
        "Библиотека-онлайн: опыт дистанционного обслуживания пользователей в современных условиях"
    )
    assert seminar.start_date == datetime.date(2021, 11, 24)
    assert seminar.end_date is None
    assert seminar.get_kind_display() == "семинар"
    assert seminar.get_scope_display() == "межрегиональный"
    assert seminar.get_format_display() == "очно-заочный"
    assert str(seminar.organizer) == "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»"
    assert seminar.organizer_department.name == "Отдел научно-методической и проектной работы"
    assert f"целью которого являлось {seminar.goal}." in SEED
    assert seminar.is_published
    assert seminar.slug == "biblioteka-onlain-opyt-distantsionnogo-obsluzhivaniia-polzovatelei-v"


def test_talks_speakers_positions_and_libraries(demo_seminar):
    speakers = TalkSpeaker.objects.filter(talk__seminar=demo_seminar).select_related(
        "talk", "person", "library__parent"
    )
    actual = [
        (role.talk.title, role.person.full_name, role.position, str(role.library))
        for role in speakers.order_by("talk__order")
    ]
    assert actual == EXPECTED_TALKS
    assert list(demo_seminar.talks.values_list("order", flat=True)) == list(range(1, 13))
    assert Person.objects.count() == 12


def test_departments_as_written(demo_seminar):
    departments = dict(
        TalkSpeaker.objects.filter(department__isnull=False).values_list(
            "person__last_name", "department__name"
        )
    )
    assert departments == {
        "Тауль": "ИБЦ «Доступный город»",
        "Толстоногова": "ИБЦ «Доступный город»",
        "Чельшева": "отдел «Детство»",
        "Масенкова": "отдел формирования и организации фондов",
        "Аптикаримова": "отдел «Страна Читалия»",
    }


def test_libraries_with_their_parents(demo_seminar):
    branches = {
        library.name: library.parent.name
        for library in Library.objects.filter(parent__isnull=False).select_related("parent")
    }
    assert branches == {
        "Центральная детская библиотека имени С.М. Голицына": (
            "Централизованная библиотечная система города Коврова"
        ),
        "Библиотека семейного чтения-филиал №7": (
            "Централизованная система детских библиотек г. Хабаровска"
        ),
        "Модельная библиотека": "ЦБС г. Чита",
    }
    assert Library.objects.count() == 13
    assert not Library.objects.filter(region__isnull=True).exists()


def test_talks_by_region(demo_seminar):
    talks_per_region = dict(
        Region.objects.filter(libraries__speaker_roles__isnull=False)
        .annotate(talks=Count("libraries__speaker_roles__talk", distinct=True))
        .values_list("name", "talks")
    )
    assert talks_per_region == {
        "Камчатский край": 5,
        "Сахалинская область": 1,
        "Ивановская область": 1,
        "Самарская область": 1,
        "Орловская область": 1,
        "Владимирская область": 1,
        "Хабаровский край": 1,
        "Забайкальский край": 1,
    }
    far_east = Talk.objects.filter(
        speakers__library__region__federal_district=FederalDistrict.FAR_EASTERN
    ).distinct()
    assert far_east.count() == 8


def test_participating_places(demo_seminar):
    assert sorted(demo_seminar.regions.values_list("name", flat=True)) == sorted(
        [
            "Камчатский край",
            "Сахалинская область",
            "Хабаровский край",
            "Самарская область",
            "Забайкальский край",
            "Ивановская область",
            "Орловская область",
            "Владимирская область",
        ]
    )
    assert list(demo_seminar.localities.values_list("name", flat=True)) == [
        "Петропавловск-Камчатский",
        "Самара",
        "Соболевский муниципальный район",
        "Хабаровск",
        "Чита",
        "Южно-Сахалинск",
    ]


def test_resolution_tasks_and_conclusions_are_verbatim(demo_seminar):
    resolution = demo_seminar.resolution
    # The seed breaks task 3 across a blank line; the archive keeps it as one paragraph.
    flat_seed = re.sub(r"\s+", " ", SEED)
    items = list(resolution.items.all())
    assert [item.section for item in items] == [ResolutionItem.Section.TASKS] * 3 + [
        ResolutionItem.Section.CONCLUSIONS
    ] * 3
    for item in items:
        assert item.text in flat_seed
    assert items[0].text.startswith("Структурирование информации")
    assert items[2].text.endswith("выходить на новые интернет-площадки.")
    assert items[5].text.startswith("Важно популярно объяснять")
    assert resolution.preamble.endswith("необходимо решать следующие основные задачи:")
    assert resolution.closing in SEED


def test_recordings_channel(demo_seminar):
    link = demo_seminar.links.get()
    assert "КнижкинДом41" in link.title
    assert link.url.startswith("https://www.youtube.com/")


def test_load_demo_twice_changes_nothing(demo_seminar):
    def snapshot():
        models = [Seminar, Talk, TalkSpeaker, Person, Library, ResolutionItem]
        return {
            model.__name__: serializers.serialize("json", model.objects.order_by("pk"))
            for model in models
        }

    before = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before


@pytest.mark.django_db
def test_load_demo_repairs_an_edited_title():
    call_command("load_demo", stdout=io.StringIO())
    Talk.objects.filter(order=1).update(title="Опечатка")
    call_command("load_demo", stdout=io.StringIO())
    assert Talk.objects.get(order=1).title.startswith("Выход библиотек")
    assert Talk.objects.count() == 12
