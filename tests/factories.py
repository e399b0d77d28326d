"""Small factories for tests that need many rows (query counts, pagination)."""

import datetime

from libraries.models import Department, Library, Region
from people.models import Person
from seminars.models import Resolution, ResolutionItem, Seminar, Talk, TalkSpeaker, Topic


def region(code="41"):
    return Region.objects.get(code=code)


def library(name="Тестовая библиотека", parent=None, code="41", **values):
    return Library.objects.create(name=name, parent=parent, region=region(code), **values)


def person(last_name, consent=Person.Consent.GIVEN):
    return Person.objects.create(
        last_name=last_name,
        first_name="Анна",
        patronymic="Петровна",
        consent=consent,
        consent_date=datetime.date(2021, 1, 1) if consent == Person.Consent.GIVEN else None,
    )


def seminar(title="Тестовый семинар", organizer=None, start=datetime.date(2022, 3, 5), **values):
    values.setdefault("is_published", True)
    return Seminar.objects.create(
        title=title, start_date=start, organizer=organizer or library("Организатор"), **values
    )


def talks(count, of_seminar=None, at_library=None):
    """`count` talks, each with its own speaker from its own branch of one library, with a topic."""
    of_seminar = of_seminar or seminar()
    at_library = at_library or of_seminar.organizer
    department = Department.objects.create(library=at_library, name="Отдел тестов")
    topic = Topic.objects.create(name=f"Тема {of_seminar.pk}")
    created = []
    for number in range(1, count + 1):
        talk = Talk.objects.create(seminar=of_seminar, order=number, title=f"Доклад {number}")
        talk.topics.add(topic)
        branch = library(f"Филиал {number}", parent=at_library)
        TalkSpeaker.objects.create(
            talk=talk,
            person=person(f"Докладчикова{number}"),
            position="библиотекарь",
            library=branch,
            department=department if number % 2 else None,
        )
        created.append(talk)
    return created


def resolution(of_seminar, count):
    resolution = Resolution.objects.create(seminar=of_seminar, preamble="Вступление")
    for number in range(1, count + 1):
        section = ResolutionItem.Section.TASKS if number % 2 else ResolutionItem.Section.DECISIONS
        ResolutionItem.objects.create(
            resolution=resolution, section=section, order=number, text=f"Пункт {number}"
        )
    return resolution
