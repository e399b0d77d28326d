"""Every API operation's answers, successes and errors, against the OpenAPI document.

The document is checked against the OpenAPI 3.1 meta-schema (openapi-spec-validator), and each
real request and response through openapi-core, a validator independent of drf-spectacular
that wrote the document. The operations come from the document itself: a new endpoint is
covered without touching this file, and one without a request below fails the test.
"""

import pytest
import yaml
from django.test import Client
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate
from werkzeug.datastructures import MultiDict

from people.models import Person
from seminars.models import Topic

pytestmark = pytest.mark.django_db

MISSING = 999_999_999


@pytest.fixture
def document(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.fixture
def record_ids(demo_seminar):
    talk = demo_seminar.talks.get(order=1)
    return {
        "seminars": demo_seminar.pk,
        "talks": talk.pk,
        "people": Person.objects.get(last_name="Абрамкина").pk,
        "libraries": demo_seminar.organizer_id,
        "regions": demo_seminar.organizer.region_id,
        "topics": Topic.objects.create(name="Цифровые ресурсы").pk,
    }


def success_url(path, record_ids):
    resource = path.split("/")[2]
    return path.replace("{id}", str(record_ids.get(resource, MISSING)))


def error_request(path, operation, code):
    """A request that the document says answers `code`: (url, query, headers)."""
    if code == "404":
        if "{id}" in path:
            return path.replace("{id}", str(MISSING)), {}, {}
        return path, {"page": MISSING}, {}
    if code == "400":
        # Any filter the document names refuses a NUL character.
        invalid = operation["responses"]["400"]["content"]["application/json"]["schema"]
        name = invalid["propertyNames"]["enum"][0]
        return path.replace("{id}", "1"), {name: "\x00"}, {}
    if code == "406":
        return path.replace("{id}", "1"), {}, {"Accept": "text/html"}
    raise AssertionError(f"no request provokes {code} from {path}")


def validated(openapi, response, *, request_too):
    """The exchange as any HTTP client sees it: path, query, headers; status, type, body."""
    sent = response.wsgi_request
    request = MockRequest(
        "http://testserver",
        sent.method,
        sent.path,
        args=MultiDict([(name, value) for name in sent.GET for value in sent.GET.getlist(name)]),
        headers=dict(sent.headers),
    )
    if request_too:
        openapi.validate_request(request)
    answer = MockResponse(
        # The archive's downloads are files, streamed.
        response.getvalue() if response.streaming else response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response["Content-Type"],
    )
    openapi.validate_response(request, answer)
    return response.status_code


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_operation_answers_as_documented(document, record_ids):
    openapi = OpenAPI.from_dict(document)
    client = Client(raise_request_exception=False)
    answered = []
    for path, item in document["paths"].items():
        operation = item["get"]
        for code in operation["responses"]:
            if code == "200":
                response = client.get(success_url(path, record_ids))
                assert validated(openapi, response, request_too=True) == 200, path
            else:
                url, query, headers = error_request(path, operation, code)
                response = client.get(url, query, headers=headers)
                assert validated(openapi, response, request_too=False) == int(code), (path, code)
            answered.append(f"{code} {path}")

    assert len(answered) == 46
    assert "404 /api/talks/" in answered
    assert "400 /api/talks/{id}/" in answered
    assert "406 /api/archive.zip" in answered


def test_filtered_and_paged_lists_answer_as_documented(document, demo_seminar):
    openapi = OpenAPI.from_dict(document)
    client = Client()
    for url, query in [
        ("/api/talks/", {"region": "kamchatskii-krai", "page_size": 2, "page": 2}),
        ("/api/talks/", {"year_from": 2021, "format": "blended", "sort": "title"}),
        ("/api/seminars/", {"kind": "seminar", "year": 2021}),
        ("/api/libraries/", {"region": "kamchatskii-krai"}),
        ("/api/regions/", {"page_size": 200}),
    ]:
        response = client.get(url, query)
        assert validated(openapi, response, request_too=True) == 200, (url, query)


def test_unconsented_speakers_answer_as_documented(document, demo_seminar):
    Person.objects.update(consent=Person.Consent.WITHDRAWN)
    openapi = OpenAPI.from_dict(document)

    for url in ["/api/talks/", f"/api/seminars/{demo_seminar.pk}/"]:
        assert validated(openapi, Client().get(url), request_too=True) == 200
