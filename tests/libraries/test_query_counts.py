"""Each page runs the same number of queries with 1 row as with 50."""

import pytest

from libraries.models import Department
from tests import factories
from tests.queries import queries


@pytest.mark.parametrize("rows", [1, 50])
def test_library_list(client, db, rows):
    for number in range(rows):
        factories.library(f"Библиотека {number}")

    assert queries(client, "/libraries/") == 3


@pytest.mark.parametrize("rows", [1, 50])
def test_library_detail(client, db, rows):
    library = factories.library("Головная")
    factories.talks(rows, factories.seminar(organizer=library))
    for number in range(rows):
        Department.objects.create(library=library, name=f"Отдел {number}")

    # The talk count (a figure, counted once per archive change in production) finds the
    # library's talks again: five of these.
    assert queries(client, library.get_absolute_url()) == 15


@pytest.mark.parametrize("rows", [1, 50])
def test_region_list(client, db, rows):
    factories.talks(rows)

    # Regions, and the two counts that production remembers per archive change.
    assert queries(client, "/regions/") == 3


@pytest.mark.parametrize("rows", [1, 50])
def test_region_detail(client, db, rows):
    factories.talks(rows)

    assert queries(client, "/regions/kamchatskii-krai/") == 7


@pytest.mark.parametrize("libraries", [20, 50])
def test_region_detail_with_more_libraries_than_it_shows(client, db, libraries):
    factories.talks(1)
    for number in range(libraries):
        factories.library(f"Библиотека {number:02}", is_published=True)

    assert queries(client, "/regions/kamchatskii-krai/") == 7
    html = client.get("/regions/kamchatskii-krai/").content.decode()
    assert f"Все {libraries + 1} библиот" in html


@pytest.mark.parametrize("rows", [1, 50])
def test_library_suggestions(client, db, rows):
    parent = factories.library("Головная")
    for number in range(rows):
        factories.library(f"Библиотека {number}", parent=parent)

    assert queries(client, "/libraries/suggest.json", {"q": "библиотека"}) == 2
