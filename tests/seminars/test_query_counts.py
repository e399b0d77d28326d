"""Each page runs the same number of queries with 1 row as with 50."""

import pytest

from tests import factories
from tests.queries import queries


@pytest.mark.parametrize("rows", [1, 50])
def test_home(client, db, rows):
    for number in range(rows):
        factories.talks(1, factories.seminar(f"Семинар {number}", slug=f"s-{number}"))

    assert queries(client, "/") == 7


@pytest.mark.parametrize("rows", [1, 50])
def test_seminar_list(client, db, rows):
    organizer = factories.library()
    for number in range(rows):
        factories.seminar(f"Семинар {number}", organizer=organizer, slug=f"s-{number}")

    assert queries(client, "/seminars/", {"year": 2022}) == 3


@pytest.mark.parametrize("rows", [1, 50])
def test_seminar_detail(client, db, rows):
    seminar = factories.seminar()
    factories.talks(rows, seminar)
    factories.resolution(seminar, rows)

    assert queries(client, seminar.get_absolute_url()) == 9


def test_seminar_detail_without_a_resolution(client, db):
    seminar = factories.seminar()
    factories.talks(3, seminar)

    assert queries(client, seminar.get_absolute_url()) == 8


@pytest.mark.parametrize("rows", [1, 50])
def test_resolution_print(client, db, rows):
    seminar = factories.seminar()
    factories.resolution(seminar, rows)

    assert queries(client, seminar.get_absolute_url() + "resolution/") == 3


@pytest.mark.parametrize("rows", [1, 50])
def test_talk_list(client, db, rows):
    factories.talks(rows)

    assert queries(client, "/talks/") == 9


@pytest.mark.parametrize("rows", [1, 50])
def test_talk_list_with_every_filter(client, db, rows):
    talks = factories.talks(rows)
    seminar = talks[0].seminar
    params = {
        "q": "доклад",
        "region": "kamchatskii-krai",
        "district": "far-eastern",
        "library": seminar.organizer.slug,
        "speaker": "Докладчикова1",
        "seminar": seminar.slug,
        "year_from": 2022,
        "year_to": 2022,
        "kind": "seminar",
        "format": "offline",
        "topic": talks[0].topics.get().slug,
        "sort": "title",
    }

    # With the figures not kept (as here), the total and the facets each look the filter's names
    # up again: in production they are counted once per archive change.
    assert queries(client, "/talks/", params) == 33


@pytest.mark.parametrize("rows", [1, 50])
def test_talk_list_nothing_found(client, db, rows):
    factories.talks(rows)

    data = {"q": "нет такого", "region": "kamchatskii-krai"}
    assert queries(client, "/talks/", data) == 13


@pytest.mark.parametrize("rows", [1, 50])
def test_talk_export(client, db, rows):
    factories.talks(rows)

    assert queries(client, "/talks/export.csv") == 2
    assert queries(client, "/talks/export.xlsx") == 2
