import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from libraries.models import Library, Locality, Region
from people.models import Person
from seminars import statistics
from seminars.models import Seminar, Talk, TalkSpeaker


def rows(stats, slug):
    return stats.table(slug).rows


def test_demo_year_totals(demo_seminar):
    stats = statistics.compute(2021)

    assert [table.slug for table in stats.tables] == [
        "summary",
        "kinds",
        "formats",
        "scopes",
        "top-regions",
        "top-libraries",
        "federal-districts",
        "districts",
    ]
    assert rows(stats, "summary") == [
        ["Мероприятия", 1, 0, 1],
        ["Доклады", 12, 0, 12],
        ["Докладчики", 12, 0, 12],
        ["Библиотеки докладчиков", 10, 0, 10],
        ["Населённые пункты и районы", 9, 0, 9],
        ["Регионы", 8, 0, 8],
    ]
    assert stats.table("summary").headers == ["Показатель", "2021", "2020", "Изменение"]
    assert rows(stats, "kinds") == [["семинар", 1]]
    assert rows(stats, "formats") == [["очно-заочный", 1]]
    assert rows(stats, "scopes") == [["межрегиональный", 1]]


def test_demo_top_regions_kamchatka_first_with_five_talks(demo_seminar):
    top = rows(statistics.compute(2021), "top-regions")

    assert top[0] == ["Камчатский край", 5]
    assert len(top) == 8
    assert sum(talks for _, talks in top) == 12


def test_demo_top_libraries(demo_seminar):
    top = rows(statistics.compute(2021), "top-libraries")

    assert top[:2] == [
        ["КГБУ «Камчатская краевая детская библиотека им. В. Кручины»", 2],
        ["Централизованная библиотечная система г. Петропавловска-Камчатского", 2],
    ]
    assert len(top) == 10


def test_demo_region_coverage(demo_seminar):
    stats = statistics.compute(2021)

    assert len(stats.regions_taking_part) == 8
    assert "Камчатский край" in stats.regions_taking_part
    assert len(stats.regions_not_taking_part) == 89 - 8
    far_east = next(r for r in rows(stats, "federal-districts") if r[0] == "Дальневосточный")
    assert far_east == ["Дальневосточный", 11, 4]
    assert stats.home_region.name == "Камчатский край"


def test_districts_of_home_region_that_took_part_and_did_not(demo_seminar):
    kamchatka = Region.objects.get(code="41")
    Locality.objects.create(
        region=kamchatka, name="Алеутский муниципальный округ", kind="municipal_okrug"
    )

    table = statistics.compute(2021).table("districts")

    assert table.title == "Муниципальные районы и округа: Камчатский край"
    assert table.rows == [
        ["Алеутский муниципальный округ", 0, "нет"],
        ["Соболевский муниципальный район", 1, "да"],
    ]


def test_other_years_and_unpublished_seminars_are_not_counted(demo_seminar):
    Seminar.objects.create(
        title="Черновик",
        start_date=datetime.date(2021, 5, 1),
        organizer=demo_seminar.organizer,
        participants_count=40,
    )
    assert rows(statistics.compute(2021), "summary")[0] == ["Мероприятия", 1, 0, 1]
    assert rows(statistics.compute(2022), "summary")[1] == ["Доклады", 0, 12, -12]


def test_range_and_participants(demo_seminar):
    Seminar.objects.filter(pk=demo_seminar.pk).update(participants_count=35)
    Seminar.objects.create(
        title="Вебинар",
        kind="webinar",
        start_date=datetime.date(2022, 3, 1),
        organizer=demo_seminar.organizer,
        participants_count=20,
        is_published=True,
    )

    stats = statistics.compute(2021, 2022)

    assert str(stats.period) == "2021–2022"
    assert rows(stats, "years") == [["2021", 1, 12, 12, 35], ["2022", 1, 0, 0, 20]]
    assert rows(stats, "summary")[0] == ["Мероприятия", 2, 0, 2]
    assert rows(stats, "summary")[-1] == ["Участники (по данным мероприятий)", 55, 0, 55]
    assert rows(stats, "kinds") == [["семинар", 1], ["вебинар", 1]]


def test_a_speaker_without_library_does_not_hide_regions_that_did_not_take_part(demo_seminar):
    talk = Talk.objects.create(seminar=demo_seminar, order=13, title="Без библиотеки")
    person = Person.objects.create(last_name="Иванова", first_name="Анна")
    TalkSpeaker.objects.create(talk=talk, person=person)

    stats = statistics.compute(2021)

    assert len(stats.regions_not_taking_part) == 81


def test_query_count_does_not_grow_with_rows(demo_seminar, django_assert_num_queries):
    with CaptureQueriesContext(connection) as small:
        statistics.compute(2021)
    region = Region.objects.get(code="77")
    for number in range(5):
        library = Library.objects.create(name=f"Библиотека {number}", region=region)
        seminar = Seminar.objects.create(
            title=f"Семинар {number}",
            start_date=datetime.date(2021, 2, number + 1),
            organizer=library,
            is_published=True,
        )
        talk = Talk.objects.create(seminar=seminar, order=1, title="Доклад")
        person = Person.objects.create(last_name=f"Петрова{number}", first_name="Анна")
        TalkSpeaker.objects.create(talk=talk, person=person, library=library)

    with django_assert_num_queries(len(small)):
        stats = statistics.compute(2021)
    assert rows(stats, "summary")[1] == ["Доклады", 17, 0, 17]


def test_xlsx_holds_the_same_numbers(demo_seminar):
    workbook = load_workbook(io.BytesIO(statistics.to_xlsx(statistics.compute(2021))))

    assert workbook.sheetnames == [
        "Итоги",
        "Виды",
        "Форматы",
        "Уровни",
        "Регионы по докладам",
        "Библиотеки по докладам",
        "Федеральные округа",
        "Районы",
        "Участие регионов",
    ]
    summary = workbook["Итоги"]
    assert summary["A1"].value == "Итоги"
    assert summary["A2"].value == "Период: 2021"
    assert [c.value for c in summary[4]] == ["Показатель", "2021", "2020", "Изменение"]
    assert [c.value for c in summary[5]] == ["Мероприятия", 1, 0, 1]
    assert [c.value for c in summary[6]] == ["Доклады", 12, 0, 12]
    assert [c.value for c in summary[7]] == ["Докладчики", 12, 0, 12]
    assert [c.value for c in summary[10]] == ["Регионы", 8, 0, 8]
    assert [c.value for c in workbook["Регионы по докладам"][5]] == ["Камчатский край", 5]
    assert summary["A4"].font.bold is True
    assert workbook["Участие регионов"].max_row == 4 + 89
    [chart] = workbook["Регионы по докладам"]._charts
    assert chart.title.tx.rich.p[0].r[0].t == "Регионы по числу докладов"
    assert [len(workbook[name]._charts) for name in workbook.sheetnames] == [1] * 8 + [0]


def test_years_with_published_seminars(demo_seminar):
    assert statistics.years() == [2021]


def test_chart_geometry_scales_bars_to_the_largest_value():
    table = statistics.Table("t", "Т", ["Регион", "Докладов"], [["А", 4], ["Б", 2]], chart=[1])

    chart = statistics.chart(table)

    assert [(row.label, [(bar.width, bar.value) for bar in row.bars]) for row in chart.rows] == [
        ("А", [(250, 4)]),
        ("Б", [(125, 2)]),
    ]
    assert chart.rows[1].bars[0].y == 18 + 16 + 10 + 18
    assert chart.height == 2 * (18 + 16 + 10)
    assert chart.legend == []


def test_chart_of_two_series_has_a_legend_and_no_negative_bars(demo_seminar):
    summary = statistics.compute(2022).table("summary")

    chart = statistics.chart(summary)

    assert chart.legend == ["2022", "2021"]
    talks = chart.rows[1]
    assert talks.label == "Доклады"
    assert [(bar.series, bar.width, bar.value) for bar in talks.bars] == [(1, 0, 0), (2, 250, 12)]
    assert statistics.chart(statistics.Table("e", "Пусто", ["А", "Б"], [], chart=[1])) is None


def test_chart_leaves_out_an_empty_comparison_year(demo_seminar):
    """2020 has no seminars: the 2021 summary is one series of bars, without a legend."""
    chart = statistics.chart(statistics.compute(2021).table("summary"))

    assert chart.legend == []
    assert [[bar.value for bar in row.bars] for row in chart.rows] == [
        [1],
        [12],
        [12],
        [10],
        [9],
        [8],
    ]


def test_period_label_says_year_or_years():
    assert statistics.Period(2021, 2021).label == "2021 год"
    assert statistics.Period(2019, 2021).label == "2019–2021 годы"


def test_statistics_map_counts_the_periods_talks_by_region(demo_seminar):
    tiles = {tile["slug"]: tile for tile in statistics.compute(2021).region_map["tiles"]}

    assert len(tiles) == 89
    assert tiles["kamchatskii-krai"]["count"] == 5
    assert tiles["kamchatskii-krai"]["url"] == (
        "/talks/?region=kamchatskii-krai&year_from=2021&year_to=2021"
    )
    assert tiles["moskva"]["count"] == 0
    assert statistics.compute(2020).region_map["rows"] == []
