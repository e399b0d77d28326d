import datetime
from email.headerregistry import HeaderRegistry

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from jsonschema import Draft202012Validator

from people.models import Person
from seminars.models import Talk
from tests import factories


def strict(schema):
    """Every documented object also forbids undocumented properties."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            strict(value)
    elif isinstance(schema, list):
        for value in schema:
            strict(value)
    return schema


@pytest.fixture
def openapi(client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return strict(response.json())


def assert_valid(openapi, template, response):
    assert response.status_code == 200, response.content
    operation = openapi["paths"][template]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": openapi["components"]})
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())
    ]
    assert errors == []


def test_schema_is_openapi_3_1_with_every_resource(openapi):
    assert openapi["openapi"] == "3.1.0"
    assert sorted(openapi["paths"]) == [
        "/api/archive.json",
        "/api/archive.zip",
        "/api/libraries/",
        "/api/libraries/{id}/",
        "/api/people/",
        "/api/people/{id}/",
        "/api/regions/",
        "/api/regions/{id}/",
        "/api/seminars/",
        "/api/seminars/{id}/",
        "/api/talks/",
        "/api/talks/{id}/",
        "/api/topics/",
        "/api/topics/{id}/",
    ]


def test_every_response_validates_against_the_schema(client, demo_seminar, openapi):
    talk = demo_seminar.talks.get(order=1)
    person = talk.speakers.get().person
    library = demo_seminar.organizer
    checks = [
        ("/api/seminars/", "/api/seminars/"),
        ("/api/seminars/{id}/", f"/api/seminars/{demo_seminar.pk}/"),
        ("/api/talks/", "/api/talks/"),
        ("/api/talks/{id}/", f"/api/talks/{talk.pk}/"),
        ("/api/people/", "/api/people/"),
        ("/api/people/{id}/", f"/api/people/{person.pk}/"),
        ("/api/libraries/", "/api/libraries/"),
        ("/api/libraries/{id}/", f"/api/libraries/{library.pk}/"),
        ("/api/regions/", "/api/regions/"),
        ("/api/regions/{id}/", f"/api/regions/{library.region.pk}/"),
        ("/api/topics/", "/api/topics/"),
    ]
    for template, url in checks:
        assert_valid(openapi, template, client.get(url))


def test_unconsented_speaker_validates_against_the_schema(client, demo_seminar, openapi):
    Person.objects.update(consent=Person.Consent.WITHDRAWN)

    assert_valid(openapi, "/api/talks/", client.get("/api/talks/"))
    assert_valid(openapi, "/api/seminars/{id}/", client.get(f"/api/seminars/{demo_seminar.pk}/"))


def test_talks_of_the_demo_seminar_with_speakers_and_regions(client, demo_seminar):
    body = client.get("/api/talks/").json()

    assert body["count"] == 12
    first = body["results"][0]
    assert first["title"] == (
        "Выход библиотек в виртуальное пространство: особенности и перспективы работы "
        "в цифровой среде"
    )
    assert first["seminar"] == {
        "id": demo_seminar.pk,
        "slug": demo_seminar.slug,
        "title": demo_seminar.title,
        "start_date": "2021-11-24",
    }
    speaker = first["speakers"][0]
    assert speaker["person"]["name"] == "Абрамкина Елена Ивановна"
    assert speaker["position"] == "директор"
    assert speaker["library"]["full_name"] == (
        "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»"
    )
    assert [r["name"] for r in first["regions"]] == ["Камчатский край"]
    assert [t["order"] for t in body["results"]] == list(range(1, 13))
    assert {r["regions"][0]["code"] for r in body["results"]} == {
        "41",
        "65",
        "27",
        "63",
        "75",
        "37",
        "57",
        "33",
    }


def test_seminar_detail_has_iso_dates_and_its_talks(client, demo_seminar):
    body = client.get(f"/api/seminars/{demo_seminar.pk}/").json()

    assert body["start_date"] == "2021-11-24"
    assert body["end_date"] is None
    datetime.datetime.fromisoformat(body["created_at"])
    assert body["talks_count"] == 12
    assert len(body["talks"]) == 12
    assert len(body["regions"]) == 8
    assert body["organizer"]["slug"] == demo_seminar.organizer.slug


def test_unpublished_seminars_and_their_talks_are_hidden(client, draft_talk):
    talk, draft = draft_talk, draft_talk.seminar
    person = talk.speakers.get().person

    assert client.get("/api/seminars/").json()["count"] == 1
    assert client.get("/api/talks/").json()["count"] == 12
    assert client.get(f"/api/seminars/{draft.pk}/").status_code == 404
    assert client.get(f"/api/talks/{talk.pk}/").status_code == 404
    assert client.get(f"/api/people/{person.pk}/").status_code == 404
    assert client.get("/api/people/").json()["count"] == 12


def test_people_without_consent_are_only_surname_and_initials(client, demo_seminar):
    person = Person.objects.get(last_name="Абрамкина")
    person.consent = Person.Consent.WITHDRAWN
    person.bio = "Окончила институт культуры."
    person.save()

    talks = client.get("/api/talks/")
    speaker = talks.json()["results"][0]["speakers"][0]

    assert speaker["person"] == {"id": None, "slug": None, "name": "Абрамкина Е. И."}
    assert speaker["position"] is None
    assert "Абрамкина Елена" not in talks.content.decode()
    assert person.slug not in talks.content.decode()
    assert client.get("/api/people/").json()["count"] == 11
    assert client.get(f"/api/people/{person.pk}/").status_code == 404
    detail = client.get(f"/api/seminars/{demo_seminar.pk}/").content.decode()
    assert "Абрамкина Е. И." in detail
    assert "Абрамкина Елена" not in detail
    assert "институт" not in detail


def test_person_with_consent_has_full_record(client, demo_seminar):
    person = Person.objects.get(last_name="Абрамкина")

    body = client.get(f"/api/people/{person.pk}/").json()

    assert body == {
        "id": person.pk,
        "slug": person.slug,
        "last_name": "Абрамкина",
        "first_name": "Елена",
        "patronymic": "Ивановна",
        "full_name": "Абрамкина Елена Ивановна",
        "short_name": "Абрамкина Е. И.",
        "bio": "",
        "photo": None,
    }


def test_seminars_filter_like_the_seminar_list(client, demo_seminar):
    assert client.get("/api/seminars/", {"region": "kamchatskii-krai"}).json()["count"] == 1
    assert client.get("/api/seminars/", {"kind": "webinar"}).json()["count"] == 0
    assert client.get("/api/seminars/", {"region": "moskva"}).json()["count"] == 0
    assert client.get("/api/seminars/", {"year": 2021}).json()["count"] == 1
    assert client.get("/api/seminars/", {"year": 2020}).json()["count"] == 0
    assert client.get("/api/seminars/", {"year": 0}).status_code == 400


def test_libraries_filter_by_region(client, demo_seminar):
    body = client.get("/api/libraries/", {"region": "kamchatskii-krai"}).json()

    assert [library["name"] for library in body["results"]] == [
        "Камчатская краевая детская библиотека им. В. Кручины",
        "Соболевская библиотека",
        "Централизованная библиотечная система г. Петропавловска-Камчатского",
    ]


def test_pagination(client, demo_seminar):
    body = client.get("/api/talks/", {"page_size": 5, "page": 2}).json()

    assert body["count"] == 12
    assert [talk["order"] for talk in body["results"]] == [6, 7, 8, 9, 10]
    assert body["next"] == "http://testserver/api/talks/?page=3&page_size=5"
    assert client.get("/api/regions/").json()["count"] == 89


def test_talk_list_query_count_does_not_grow(client, demo_seminar, django_assert_num_queries):
    with django_assert_num_queries(4):
        client.get("/api/talks/", {"page_size": 1})
    with django_assert_num_queries(4):
        client.get("/api/talks/")
    with django_assert_num_queries(7):
        client.get(f"/api/seminars/{demo_seminar.pk}/")


def test_api_root_lists_the_resources(client):
    assert client.get("/api/").json() == {
        "seminars": "http://testserver/api/seminars/",
        "talks": "http://testserver/api/talks/",
        "people": "http://testserver/api/people/",
        "libraries": "http://testserver/api/libraries/",
        "regions": "http://testserver/api/regions/",
        "topics": "http://testserver/api/topics/",
    }


def api_titles(client, query):
    response = client.get("/api/talks/", query)
    assert response.status_code == 200, response.content
    return [talk["title"] for talk in response.json()["results"]]


def page_titles(client, query):
    html = client.get("/talks/", query).content.decode()
    return [talk.title for talk in Talk.objects.published() if f">{escape(talk.title)}<" in html]


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"region": "kamchatskii-krai"}, 5),
        ({"region": ["kamchatskii-krai", "sakhalinskaia-oblast"]}, 6),
        ({"district": "far-eastern"}, 8),
        ({"year_from": 2021, "year_to": 2021}, 12),
        ({"year_from": 2022}, 0),
        ({"kind": "seminar", "format": "blended"}, 12),
        ({"speaker": "Абрамкина"}, 1),
    ],
)
def test_talks_filter_like_the_talks_page(client, demo_seminar, query, count):
    titles = api_titles(client, query)

    assert len(titles) == count
    assert sorted(titles) == sorted(page_titles(client, query))


def test_talks_of_a_region_with_their_speakers(client, demo_seminar):
    body = client.get("/api/talks/", {"region": "kamchatskii-krai"}).json()

    assert [talk["order"] for talk in body["results"]] == [1, 3, 5, 8, 11]
    assert [talk["speakers"][0]["person"]["name"] for talk in body["results"]] == [
        "Абрамкина Елена Ивановна",
        "Тауль Ольга Михайловна",
        "Масенкова Людмила Валерьевна",
        "Толстоногова Елена Павловна",
        "Сафонова Светлана Юрьевна",
    ]
    assert {talk["regions"][0]["name"] for talk in body["results"]} == {"Камчатский край"}


def test_invalid_talk_filter_is_a_400_with_the_reason(client, demo_seminar):
    response = client.get("/api/talks/", {"year_from": 0, "region": "no-such-region"})

    assert response.status_code == 400
    assert sorted(response.json()) == ["region", "year_from"]


def test_schema_is_yaml_by_default(client):
    response = client.get("/api/schema/")

    assert response["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    assert response.content.decode().startswith("openapi: 3.1.0\n")


def test_talks_page_links_to_the_same_filter_in_the_api(client, demo_seminar):
    html = client.get("/talks/", {"region": "kamchatskii-krai", "page": 1}).content.decode()

    assert '<a href="/api/talks/?region=kamchatskii-krai">JSON (API)</a>' in html
    assert client.get("/api/talks/?region=kamchatskii-krai").json()["count"] == 5


def test_totals_are_counted_once_per_archive_change(
    client, demo_seminar, settings, django_capture_on_commit_callbacks
):
    settings.AGGREGATE_CACHE_SECONDS = 60
    cache.clear()
    assert client.get("/api/talks/", {"region": "kamchatskii-krai"}).json()["count"] == 5
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/talks/", {"region": "kamchatskii-krai", "page_size": 2})
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.filter(speakers__library__region__slug="kamchatskii-krai")[0].delete()

    assert not [q for q in queries if "COUNT(" in q["sql"]]
    # The previous total while the worker counts it again, then the new one.
    assert client.get("/api/talks/", {"region": "kamchatskii-krai"}).json()["count"] == 5
    assert client.get("/api/talks/", {"region": "kamchatskii-krai"}).json()["count"] == 4
    cache.clear()


def test_schema_documents_the_errors_of_every_operation(openapi):
    errors = {
        path: sorted(code for code in item["get"]["responses"] if code != "200")
        for path, item in openapi["paths"].items()
    }

    filtered = ["400", "404", "406"]
    assert errors == {
        "/api/archive.json": ["406"],
        "/api/archive.zip": ["406"],
        "/api/libraries/": filtered,
        "/api/libraries/{id}/": filtered,
        "/api/people/": ["404", "406"],
        "/api/people/{id}/": ["404", "406"],
        "/api/regions/": ["404", "406"],
        "/api/regions/{id}/": ["404", "406"],
        "/api/seminars/": filtered,
        "/api/seminars/{id}/": filtered,
        "/api/talks/": filtered,
        "/api/talks/{id}/": filtered,
        "/api/topics/": ["404", "406"],
        "/api/topics/{id}/": ["404", "406"],
    }
    talks = openapi["paths"]["/api/talks/"]["get"]["responses"]
    assert talks["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    invalid = talks["400"]["content"]["application/json"]["schema"]
    assert invalid["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert "format" in invalid["propertyNames"]["enum"]


def test_page_size_is_documented_up_to_its_maximum(client, demo_seminar, openapi):
    parameters = openapi["paths"]["/api/talks/"]["get"]["parameters"]
    schemas = {parameter["name"]: parameter["schema"] for parameter in parameters}

    assert schemas["page"] == {"type": "integer", "minimum": 1}
    assert schemas["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200}
    # More is not an error: the page holds the maximum.
    body = client.get("/api/regions/", {"page_size": 1000}).json()
    assert len(body["results"]) == 89
    assert len(client.get("/api/regions/", {"page_size": 60}).json()["results"]) == 60


def test_a_missing_record_is_a_russian_404(client, db):
    response = client.get("/api/talks/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Запись не найдена: её нет или она не опубликована."}


def test_the_archive_zip_answers_a_client_that_asks_for_zip(client, demo_seminar):
    response = client.get("/api/archive.zip", headers={"Accept": "application/zip"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response.getvalue().startswith(b"PK")


def test_schema_file_name_is_rfc_6266(client):
    response = client.get("/api/schema/")

    value = response["Content-Disposition"]
    assert value == (
        "inline; filename=\"metodkopilka-openapi.yaml\"; filename*=UTF-8''"
        "%D0%9C%D0%B5%D1%82%D0%BE%D0%B4%D0%B8%D1%87%D0%B5%D1%81%D0%BA%D0%B0%D1%8F%20"
        "%D0%BA%D0%BE%D0%BF%D0%B8%D0%BB%D0%BA%D0%B0%20%E2%80%94%20%D0%BE%D1%82%D0%BA%D1%80"
        "%D1%8B%D1%82%D1%8B%D0%B5%20%D0%B4%D0%B0%D0%BD%D0%BD%D1%8B%D0%B5.yaml"
    )
    # Python's RFC 2231 parser reads each parameter: the Cyrillic name and the ASCII fallback.
    disposition, fallback, extended = value.split("; ")
    for parameter, name in [
        (extended, "Методическая копилка — открытые данные.yaml"),
        (fallback, "metodkopilka-openapi.yaml"),
    ]:
        header = HeaderRegistry()("Content-Disposition", f"{disposition}; {parameter}")
        assert (header.content_disposition, header.params, header.defects) == (
            "inline",
            {"filename": name},
            (),
        )
    json_value = client.get("/api/schema/", headers={"Accept": "application/json"})[
        "Content-Disposition"
    ]
    assert json_value.startswith('inline; filename="metodkopilka-openapi.json"; ')


def test_seminar_list_counts_each_seminars_talks(client, db):
    busy = factories.seminar("Семинар с докладами", start=datetime.date(2023, 5, 1))
    factories.talks(3, of_seminar=busy)
    factories.seminar("Семинар без докладов", start=datetime.date(2022, 5, 1))

    results = client.get("/api/seminars/").json()["results"]

    assert [(r["title"], r["talks_count"]) for r in results] == [
        ("Семинар с докладами", 3),
        ("Семинар без докладов", 0),
    ]
