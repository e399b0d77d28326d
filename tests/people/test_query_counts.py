"""Each page runs the same number of queries with 1 row as with 50."""

import pytest

from seminars.models import TalkSpeaker
from tests import factories
from tests.queries import queries


@pytest.mark.parametrize("rows", [1, 50])
def test_person_list(client, db, rows):
    factories.talks(rows)

    assert queries(client, "/speakers/") == 3
    assert queries(client, "/speakers/", {"letter": "д"}) == 3


@pytest.mark.parametrize("rows", [1, 50])
def test_person_detail(client, db, rows):
    speaker = factories.person("Постоянная")
    for talk in factories.talks(rows):
        TalkSpeaker.objects.create(talk=talk, person=speaker, order=2, position="методист")

    # The person, their talks and their certificates.
    assert queries(client, speaker.get_absolute_url()) == 3


@pytest.mark.parametrize("rows", [1, 50])
def test_person_suggestions(client, db, rows):
    factories.talks(rows)

    assert queries(client, "/speakers/suggest.json", {"q": "докладчикова"}) == 2
