import datetime

import pytest

from seminars.models import Seminar
from tests import factories


@pytest.fixture
def three_seminars(db):
    kamchatka = factories.library("Камчатская", code="41")
    ivanovo = factories.library("Ивановская", code="37")
    return [
        factories.seminar(
            "Весенний вебинар",
            kamchatka,
            datetime.date(2023, 4, 5),
            kind=Seminar.Kind.WEBINAR,
            format=Seminar.Format.ONLINE,
        ),
        factories.seminar(
            "Осенний семинар", ivanovo, datetime.date(2022, 10, 1), scope=Seminar.Scope.MUNICIPAL
        ),
        factories.seminar("Черновик", kamchatka, datetime.date(2024, 1, 1), is_published=False),
    ]


def titles(response):
    return [seminar.title for seminar in response.context["page"]]


def test_newest_published_first(client, three_seminars):
    response = client.get("/seminars/")

    assert titles(response) == ["Весенний вебинар", "Осенний семинар"]
    assert "Найдено: 2 семинара" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": 2022}, ["Осенний семинар"]),
        ({"kind": "webinar"}, ["Весенний вебинар"]),
        ({"format": "online"}, ["Весенний вебинар"]),
        ({"scope": "municipal"}, ["Осенний семинар"]),
        ({"region": "ivanovskaia-oblast"}, ["Осенний семинар"]),
        ({"region": "kamchatskii-krai", "year": 2022}, []),
    ],
)
def test_filters(client, three_seminars, params, expected):
    assert titles(client.get("/seminars/", params)) == expected


def test_nothing_found_says_what_to_do(client, three_seminars):
    html = client.get("/seminars/", {"year": 1999}).content.decode()

    assert "<strong>Ничего не найдено.</strong> Выберите другой год" in html


@pytest.mark.parametrize(
    "params",
    [{"year": "abc"}, {"year": "0"}, {"kind": "party"}, {"region": "atlantida"}, {"page": "0"}],
)
def test_invalid_input_is_never_a_500(client, three_seminars, params):
    response = client.get("/seminars/", params)

    assert response.status_code == 200
    if "page" not in params:
        assert titles(response) == []
        assert "Исправьте фильтр, и список появится" in response.content.decode()


def test_drafts_are_not_listed_even_for_staff(staff_client, three_seminars):
    assert "Черновик" not in titles(staff_client.get("/seminars/"))
