import csv
import io
import zipfile

from openpyxl import load_workbook

from seminars.models import Talk

HEADER = ["Дата", "Семинар", "№", "Доклад", "Докладчики", "Библиотеки", "Регионы", "Адрес"]


def read_csv(response):
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_csv_has_a_bom_and_the_filtered_talks(client, demo_seminar):
    response = client.get("/talks/export.csv", {"region": "ivanovskaia-oblast"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="doklady-')
    rows = read_csv(response)
    assert rows == [
        HEADER,
        [
            "24 ноября 2021 г.",
            demo_seminar.title,
            "4",
            "«Дети, книги и МАЯК» - детская страничка библиотеки в социальной сети ВКонтакте",
            "Чельшева Ирина Викторовна, заведующий отделом «Детство»",
            "ГБУ «Ивановская областная библиотека для детей и юношества»",
            "Ивановская область",
            f"http://testserver{demo_seminar.get_absolute_url()}#talk-4",
        ],
    ]


def test_xlsx_has_the_same_columns_and_rows(client, demo_seminar):
    response = client.get("/talks/export.xlsx", {"district": "far-eastern"})

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet, rows = read_xlsx(response)
    assert sheet.title == "Доклады"
    assert rows[0] == HEADER
    assert [row[2] for row in rows[1:]] == [1, 2, 3, 5, 8, 10, 11, 12]
    assert rows[1][4] == "Абрамкина Елена Ивановна, директор"


def test_xlsx_declares_its_size_for_readers(client, demo_seminar):
    response = client.get("/talks/export.xlsx")

    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:H13"/>' in sheet_xml
    # A streaming reader sizes the sheet from that element alone.
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert (sheet.max_row, sheet.max_column) == (13, 8)


def test_formulas_are_neutralised(client, demo_seminar):
    Talk.objects.filter(order=1).update(title='=HYPERLINK("http://evil.example","x")')
    Talk.objects.filter(order=2).update(title="+1+1")
    Talk.objects.filter(order=3).update(title="-2+3")
    Talk.objects.filter(order=4).update(title="@SUM(A1)")

    csv_rows = read_csv(client.get("/talks/export.csv"))
    sheet, xlsx_rows = read_xlsx(client.get("/talks/export.xlsx"))

    assert [row[3] for row in csv_rows[1:5]] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
    ]
    assert [row[3] for row in xlsx_rows[1:5]] == [
        '=HYPERLINK("http://evil.example","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
    ]
    cells = [sheet.cell(row=row, column=4) for row in range(2, 6)]
    assert [cell.data_type for cell in cells] == ["s", "s", "s", "s"]
    assert all(cell.quotePrefix for cell in cells)


def test_export_of_an_invalid_filter_is_a_polite_400(client, demo_seminar):
    response = client.get("/talks/export.csv", {"year_from": "abc"})

    assert response.status_code == 400
    assert "Фильтр заполнен с ошибкой" in response.content.decode()


def test_unknown_export_format_is_404(client, db):
    assert client.get("/talks/export.pdf").status_code == 404


def test_export_links_keep_the_filter(client, demo_seminar):
    html = client.get("/talks/", {"region": "kamchatskii-krai", "page": "1"}).content.decode()

    assert 'href="/talks/export.csv?region=kamchatskii-krai"' in html
    assert 'href="/talks/export.xlsx?region=kamchatskii-krai"' in html
