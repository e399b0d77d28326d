import io
import re

import pytest
from openpyxl import load_workbook

from libraries.models import Library, Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cells(html, table_id):
    section = html.split(f'<h2 id="{table_id}">', 1)[1].split("</section>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(
            r"<t[hd][^>]*>(.*?)</t[hd]>",
            section.split('<table class="statistics-data reflow">', 1)[1],
        )
    ]


def test_page_defaults_to_the_latest_year_with_seminars(client, demo_seminar):
    response = client.get("/statistics/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Статистика за 2021 год</h1>" in html
    assert cells(html, "summary")[:8] == [
        "Показатель",
        "2021",
        "2020",
        "Изменение",
        "Мероприятия",
        "1",
        "0",
        "+1",
    ]
    assert cells(html, "top-regions")[2:4] == ["Камчатский край", "5"]
    assert 'href="/statistics/report.xlsx?year_from=2021&amp;year_to=2021"' in html


def test_every_chart_has_its_table_and_no_inline_style_or_script(client, demo_seminar):
    html = client.get("/statistics/", {"year_from": 2021}).content.decode()

    charts = re.findall(r'<svg class="chart"[^>]*aria-labelledby="([^"]+)-chart-title"', html)
    assert charts == [
        "summary",
        "kinds",
        "formats",
        "scopes",
        "top-regions",
        "top-libraries",
        "federal-districts",
        "districts",
    ]
    assert html.count('<table class="statistics-data reflow">') == len(charts)
    assert "style=" not in html
    assert "<script" not in html
    # Камчатский край, 5 talks: the longest bar of the top-regions chart.
    top = html.split('<h2 id="top-regions">', 1)[1]
    assert '<rect class="chart-bar chart-series-1" x="0" y="18" width="250" height="14">' in top


def test_range_and_empty_year(client, demo_seminar):
    html = client.get("/statistics/", {"year_from": 2019, "year_to": 2021}).content.decode()
    assert "<h1>Статистика за 2019–2021 годы</h1>" in html
    assert cells(html, "summary")[1:3] == ["2019–2021", "2016–2018"]

    empty = client.get("/statistics/", {"year_from": 2030}).content.decode()
    assert cells(empty, "summary")[4:8] == ["Мероприятия", "0", "0", "0"]
    assert "Нет данных за этот период." in empty


def test_invalid_period_is_a_400_with_the_reason(client, demo_seminar):
    response = client.get("/statistics/", {"year_from": 2022, "year_to": 2021})
    assert response.status_code == 400
    assert "Начальный год позже конечного." in response.content.decode()

    assert client.get("/statistics/", {"year_from": 0}).status_code == 400
    assert client.get("/statistics/", {"year_from": "x"}).status_code == 400
    assert client.get("/statistics/report.xlsx", {"year_to": 99999}).status_code == 400


def test_xlsx_download_holds_the_same_numbers(client, demo_seminar):
    response = client.get("/statistics/report.xlsx", {"year_from": 2021, "year_to": 2021})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="statistika-2021-2021.xlsx"'
    workbook = load_workbook(io.BytesIO(response.getvalue()))
    summary = [[cell.value for cell in row] for row in workbook["Итоги"].iter_rows(min_row=5)]
    assert summary[:3] == [
        ["Мероприятия", 1, 0, 1],
        ["Доклады", 12, 0, 12],
        ["Докладчики", 12, 0, 12],
    ]
    assert summary[5] == ["Регионы", 8, 0, 8]
    assert [c.value for c in workbook["Регионы по докладам"][5]] == ["Камчатский край", 5]


def test_form_shows_the_period_it_counts(client, demo_seminar):
    html = client.get("/statistics/").content.decode()

    assert 'name="year_from" value="2021"' in html
    assert 'name="year_to" value="2021"' in html


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/statistics/?year_from=abc", "year_from"),
        ("/talks/?year_from=abc", "year_from"),
        ("/seminars/?year=2021,5", "year"),
    ],
)
def test_a_year_box_never_holds_what_is_not_a_number(client, demo_seminar, url, name):
    html = client.get(url).content.decode()

    # HTML allows only a number in a number box's value; the message says what was wrong.
    [box] = re.findall(rf'<input type="number" name="{name}"[^>]*>', html)
    assert "value=" not in box
    assert 'aria-invalid="true"' in box
    assert "Введите целое число." in html


def test_period_fields_are_not_paragraphs_around_their_errors(client, demo_seminar):
    html = client.get("/statistics/", {"year_from": "abc"}).content.decode()

    start = html.index('<form class="filters statistics-period"')
    form = html[start : html.index("</form>", start)]
    assert "<p>" not in form
    assert form.count('<div class="field">') == 3  # two years and the button


def test_every_sheet_of_the_report_declares_its_size(client, demo_seminar):
    response = client.get("/statistics/report.xlsx", {"year_from": 2021, "year_to": 2021})

    # A streaming reader sizes each sheet from its <dimension> alone.
    workbook = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    sizes = {sheet.title: sheet.calculate_dimension() for sheet in workbook.worksheets}
    assert sizes["Итоги"].startswith("A1:D")
    assert all(not size.endswith(":A1") for size in sizes.values())


def test_changes_carry_their_sign_and_headers_align_with_numbers(client, demo_seminar):
    html = client.get("/statistics/", {"year_from": 2021}).content.decode()

    assert (
        '<th scope="row">Доклады</th><td class="number" data-label="2021">12</td>'
        '<td class="number" data-label="2020">0</td>'
        '<td class="number" data-label="Изменение">+12</td>'
    ) in (html)
    assert '<th scope="col" class="number">Изменение</th>' in html
    # A single year with seminars needs no list of years to choose from.
    assert 'aria-label="Годы с семинарами"' not in html
    assert "Участники (по данным мероприятий)" not in html


def test_report_keeps_names_that_start_like_formulas_as_text(client, demo_seminar):
    Library.objects.filter(pk=demo_seminar.organizer_id).update(legal_form="", name="=1+1")
    Region.objects.filter(name="Камчатский край").update(name="@Камчатский край")

    response = client.get("/statistics/report.xlsx", {"year_from": 2021, "year_to": 2021})

    workbook = load_workbook(io.BytesIO(response.getvalue()))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(("=", "@"))
    ]
    assert {cell.value for cell in cells} >= {"=1+1", "@Камчатский край"}
    assert {cell.data_type for cell in cells} == {"s"}
    assert all(cell.quotePrefix for cell in cells)
