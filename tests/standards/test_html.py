"""Every public page, the error pages, the admin login and our CSS through the Nu Html Checker.

The pages are every public URL pattern with real arguments (tests/core/public_urls.py, so a new
page is checked without touching this file) plus the same pages in the states that add markup:
filters with facets and form errors, search results, a region, library and speaker with talks,
the low-vision version. All go to the checker in one batch: zero errors and zero warnings.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone

from core import errors
from people.models import Person
from seminars.models import Seminar
from tests.core.public_urls import read, working_urls
from tests.standards import nu_messages

LOW_VISION = "font=largest&scheme=wb&images=off&spacing=wide"


@pytest.fixture
def archive(demo_seminar):
    """The demo seminar and an upcoming blended one with registration open, so that the home
    page shows both lists and the seminar page its registration form."""
    soon = timezone.localdate() + datetime.timedelta(days=20)
    Seminar.objects.create(
        title="Вебинар о чтении",
        kind=Seminar.Kind.WEBINAR,
        format=Seminar.Format.BLENDED,
        start_date=soon,
        organizer=demo_seminar.organizer,
        is_published=True,
        registration_open=True,
        capacity=10,
    )
    return demo_seminar


def rich_pages(seminar):
    """Pages in the states that working_urls does not reach: with data, results and errors."""
    person = Person.objects.get(last_name="Абрамкина")
    url = seminar.get_absolute_url()
    return [
        url,
        f"{url}resolution/",
        person.get_absolute_url(),
        seminar.organizer.get_absolute_url(),
        "/regions/kamchatskii-krai/",
        "/talks/?region=kamchatskii-krai&format=blended&sort=title",
        "/talks/?q=библиотека",
        "/talks/?year_from=0&library=нет-такой",
        "/talks/?year_from=abc&year_to=2021,5",
        "/talks/?region=moskva",
        "/seminars/?year=2021&kind=seminar",
        "/seminars/?year=0",
        "/seminars/?year=abc",
        "/search/?q=маяк",
        "/search/?q=библиотека&group=talks",
        "/search/?q=калиновкая",
        "/statistics/?year_from=2021&year_to=2021",
        "/statistics/?year_from=abc",
        "/lowvision/?next=/talks/",
    ]


def error_pages():
    request = RequestFactory().get("/")
    return {
        "400": errors.bad_request(request, None),
        "403": errors.permission_denied(request, None),
        "403 csrf": errors.csrf_failure(request),
        "500": errors.server_error(request),
        "503": errors.service_unavailable(),
    }


def test_every_page_is_valid_html(client, archive):
    documents = {}
    for url in [*working_urls(client).values(), *rich_pages(archive)]:
        response = client.get(url)
        body = read(response)
        if response["Content-Type"].startswith("text/html"):
            assert response.status_code in (200, 400), (url, response.status_code)
            documents[url] = body
    low_vision = Client()
    low_vision.cookies["lowvision"] = LOW_VISION
    for url in ["/", archive.get_absolute_url(), "/lowvision/"]:
        documents[f"{url} (для слабовидящих)"] = low_vision.get(url).content
    documents["/no-such-page/"] = client.get("/no-such-page/").content
    documents["/admin/login/"] = client.get("/admin/login/").content
    for name, response in error_pages().items():
        documents[name] = response.content
    for stylesheet in sorted((settings.BASE_DIR / "static" / "css").glob("*.css")):
        documents[f"static/css/{stylesheet.name}"] = stylesheet.read_bytes()

    assert nu_messages(documents) == []
    assert len(documents) >= 45


def test_the_checker_reports_what_it_finds():
    """The checker is really run: a skipped heading level, a stray end tag, a CSS typo."""
    page = (
        '<!doctype html><html lang="ru"><title>Проверка</title>'
        "<h1>Резолюция</h1><h3>Задачи</h3><p>Текст</div>"
    ).encode()

    messages = nu_messages({"проверка": page, "site.css": b"a { colr: red; }"})

    assert [re.sub(r":\d+:", ":", message) for message in messages] == [
        "проверка: error: Stray end tag “div”.",
        "проверка: error: The heading “h3” (with computed level 3) follows the heading “h1” "
        "(with computed level 1), skipping 1 heading level.",
        "site.css: error: CSS: “colr”: Property “colr” doesn't exist.",
    ]
