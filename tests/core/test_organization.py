"""Whose archive this is: one record in the admin, shown on every page at no query's cost."""

import io
import json

import pytest
from django.core.management import call_command

from core.models import Organization
from tests.queries import queries

NAME = "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»"
SHORT = "Камчатская краевая детская библиотека им. В. Кручины"
DEPARTMENT = "Отдел научно-методической и проектной работы"


def test_demo_enters_the_organisation_once_and_keeps_staff_edits(demo_seminar):
    organization = Organization.objects.get()
    assert (organization.name, organization.short_name, organization.department) == (
        NAME,
        SHORT,
        DEPARTMENT,
    )
    organization.phone = "+7 (4152) 11-22-33"
    organization.save()

    call_command("load_demo", stdout=io.StringIO())

    assert Organization.objects.get().phone == "+7 (4152) 11-22-33"


def test_header_footer_and_title_name_the_organisation(client, demo_seminar):
    html = client.get("/talks/").content.decode()

    assert f"<title>Доклады — Методическая копилка · {SHORT}</title>" in html
    assert f'<p class="topbar-org">{SHORT} · {DEPARTMENT}</p>' in html
    footer = html[html.index('<footer class="site-footer">') :]
    assert "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»<br>" in footer
    assert "Петропавловск-Камчатский, Камчатский край" in footer
    assert '<meta property="og:site_name" content="Методическая копилка · ' in html


def test_pages_without_an_organisation_name_only_the_archive(client, db):
    html = client.get("/talks/").content.decode()

    assert "<title>Доклады — Методическая копилка</title>" in html
    assert "topbar-org" not in html
    assert "Архив семинаров методического отдела." in html


def test_the_organisation_costs_a_page_no_query(client, db):
    without = queries(client, "/about/")
    Organization.objects.create(name=NAME, department=DEPARTMENT)

    assert queries(client, "/about/") == without == 0


def test_an_edit_shows_at_once(client, demo_seminar):
    organization = Organization.objects.get()
    organization.short_name = "Библиотека им. В. Кручины"
    organization.save()

    html = client.get("/").content.decode()
    assert "Методическая копилка · Библиотека им. В. Кручины</title>" in html


def test_about_page_has_the_text_and_contacts(client, demo_seminar):
    organization = Organization.objects.get()
    organization.email = "metod@example.ru"
    organization.save()

    html = client.get("/about/").content.decode()

    assert "<h1>О проекте</h1>" in html
    assert "<p>«Методическая копилка» — открытый архив семинаров" in html
    assert "<dt>Отдел</dt><dd>Отдел научно-методической и проектной работы</dd>" in html
    assert '<a href="mailto:metod@example.ru">metod@example.ru</a>' in html
    assert '<a href="/about/">О проекте</a>' in html


def test_favicon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    # The ICO header: reserved 0, type 1 (icon), then the number of images.
    assert response.content[:4] == b"\x00\x00\x01\x00"
    assert response.content[4] == 3


def test_schema_org_for_feeds_and_json_ld(demo_seminar):
    organization = Organization.current()
    organization.website = "https://kdb.example.ru/"

    data = organization.schema_org()

    assert json.loads(json.dumps(data, ensure_ascii=False)) == {
        "@type": "Organization",
        "name": NAME,
        "department": {"@type": "Organization", "name": DEPARTMENT},
        "url": "https://kdb.example.ru/",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Петропавловск-Камчатский, Камчатский край",
            "addressCountry": "RU",
        },
    }


@pytest.mark.parametrize("url", ["/", "/seminars/2021/{slug}/resolution/"])
def test_printed_resolution_and_home_carry_the_identity(client, demo_seminar, url):
    html = client.get(url.format(slug=demo_seminar.slug)).content.decode()

    assert DEPARTMENT in html
