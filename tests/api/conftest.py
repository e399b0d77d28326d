import datetime

import pytest

from people.models import Person
from seminars.models import Seminar, Talk, TalkSpeaker


@pytest.fixture
def draft_talk(demo_seminar):
    """A talk of an unpublished seminar, by a person who consented: it must never show."""
    draft = Seminar.objects.create(
        title="Черновик", start_date=datetime.date(2022, 1, 1), organizer=demo_seminar.organizer
    )
    talk = Talk.objects.create(seminar=draft, order=1, title="Секретный доклад")
    person = Person.objects.create(
        last_name="Новикова",
        first_name="Анна",
        consent=Person.Consent.GIVEN,
        consent_date=datetime.date(2022, 1, 1),
    )
    TalkSpeaker.objects.create(talk=talk, person=person)
    return talk
