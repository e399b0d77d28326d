"""Heavy downloads are files built in the background, never in the request, and a query parameter
a page does not take never makes it anew (core/downloads.py, core/cache.py)."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from seminars.models import Seminar


def body(response):
    # Read to the end, the test client closes the file (as a WSGI server would).
    return b"".join(response.streaming_content)


def built_file(exports_root, name):
    path = exports_root / name
    return path.stat().st_ino, path.stat().st_mtime_ns


@pytest.mark.parametrize(
    ("url", "name", "content_type"),
    [
        ("/api/archive.zip", "metodkopilka.zip", "application/zip"),
        ("/api/archive.json", "metodkopilka.json", "application/json"),
    ],
)
def test_an_unknown_parameter_does_not_rebuild(
    client, demo_seminar, exports_root, url, name, content_type
):
    first = client.get(url)
    built = built_file(exports_root, name)

    again = client.get(url, {"r": "8f3a1c"})

    assert first.status_code == again.status_code == 200
    assert again["Content-Type"] == content_type
    assert again["Content-Disposition"] == f'attachment; filename="{name}"'
    assert body(first) == body(again)
    assert built_file(exports_root, name) == built  # the same file, not built again


def test_a_change_to_a_seminar_rebuilds_the_archive(
    client, demo_seminar, exports_root, django_capture_on_commit_callbacks
):
    body(client.get("/api/archive.zip"))
    built = built_file(exports_root, "metodkopilka.zip")

    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.title = "Новое название семинара"
        demo_seminar.save()
    response = client.get("/api/archive.zip", {"r": "1"})

    assert built_file(exports_root, "metodkopilka.zip") != built
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert "Новое название семинара" in archive.read("seminars.csv").decode("utf-8-sig")


def test_statistics_workbook_is_a_file_per_period(client, demo_seminar, exports_root):
    response = client.get("/statistics/report.xlsx", {"year_from": 2021, "year_to": 2021, "r": "x"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="statistika-2021-2021.xlsx"'
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook["Итоги"]["A5"].value == "Мероприятия"
    assert (exports_root / "statistika-2021-2021.xlsx").exists()


def test_the_page_cache_ignores_parameters_a_page_does_not_take(client, demo_seminar, settings):
    settings.PAGE_CACHE_SECONDS = 60
    period = {"year_from": 2021, "year_to": 2021}
    first = client.get("/statistics/", period | {"r": "1"})

    with CaptureQueriesContext(connection) as queries:
        again = client.get("/statistics/", period | {"r": "2", "utm_source": "letter"})
    assert len(queries) == 0  # from the cache
    assert again.content == first.content

    with CaptureQueriesContext(connection) as queries:
        other = client.get("/statistics/", {"year_from": 2020, "year_to": 2021})
    assert len(queries) > 0  # a parameter the page takes is another page
    assert other.status_code == 200

    url = Seminar.objects.get().get_absolute_url()
    assert client.get(url, {"r": "1"}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"r": "2"})
    assert len(queries) == 0
