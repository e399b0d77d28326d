"""Integrity lives in the database: constraints, and PROTECT wherever a delete would lose history."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from libraries.models import Library, Region
from people.models import Person
from seminars.models import Resolution, Seminar, Talk, TalkSpeaker


def counts():
    return (
        Seminar.objects.count(),
        Talk.objects.count(),
        TalkSpeaker.objects.count(),
        Person.objects.count(),
        Library.objects.count(),
    )


def test_deleting_a_person_with_talks_is_refused(demo_seminar):
    before = counts()
    person = Person.objects.get(last_name="Абрамкина")
    with pytest.raises(ProtectedError):
        person.delete()
    assert counts() == before


def test_deleting_a_library_with_talks_or_branches_is_refused(demo_seminar):
    before = counts()
    for name in ["Соболевская библиотека", "ЦБС г. Чита"]:
        with pytest.raises(ProtectedError), transaction.atomic():
            Library.objects.get(name=name).delete()
    assert counts() == before


def test_deleting_a_region_with_libraries_is_refused(demo_seminar):
    with pytest.raises(ProtectedError):
        Region.objects.get(name="Камчатский край").delete()
    assert Region.objects.count() == 89


def test_deleting_a_seminar_removes_only_what_it_owns(demo_seminar):
    demo_seminar.delete()
    assert (Talk.objects.count(), TalkSpeaker.objects.count(), Resolution.objects.count()) == (
        0,
        0,
        0,
    )
    assert Person.objects.count() == 12
    assert Library.objects.count() == 13


def test_admin_refuses_to_delete_a_protected_library_and_says_why(demo_seminar, staff_client):
    library = Library.objects.get(name="Соболевская библиотека")
    url = f"/admin/libraries/library/{library.pk}/delete/"
    page = staff_client.get(url).content.decode()
    assert "<h1>Удаление невозможно: библиотека</h1>" in page
    assert "нельзя удалить: на неё ссылаются защищённые записи:" in page
    assert "Сафонова Светлана Юрьевна" in page
    staff_client.post(url, {"post": "yes"})
    assert Library.objects.filter(pk=library.pk).exists()


def test_end_date_before_start_date_is_rejected(demo_seminar):
    with pytest.raises(IntegrityError):
        Seminar.objects.filter(pk=demo_seminar.pk).update(end_date=datetime.date(2021, 11, 23))


def test_one_order_number_per_seminar(demo_seminar):
    with pytest.raises(IntegrityError):
        Talk.objects.create(seminar=demo_seminar, order=1, title="Второй доклад под номером 1")


def test_one_resolution_per_seminar(demo_seminar):
    with pytest.raises(IntegrityError):
        Resolution.objects.create(seminar=demo_seminar)


def test_a_person_speaks_once_per_talk(demo_seminar):
    role = TalkSpeaker.objects.first()
    with pytest.raises(IntegrityError):
        TalkSpeaker.objects.create(talk=role.talk, person=role.person, order=2)


@pytest.mark.django_db
def test_consent_given_needs_a_date():
    with pytest.raises(IntegrityError):
        Person.objects.create(last_name="Иванова", first_name="Анна", consent="given")


@pytest.mark.django_db
def test_a_library_cannot_be_its_own_parent():
    library = Library.objects.create(name="Районная библиотека")
    with pytest.raises(IntegrityError):
        Library.objects.filter(pk=library.pk).update(parent=library)


def copies(seminar):
    """What the talks of `seminar` hold of it (migration seminars.0013: database triggers)."""
    return set(seminar.talks.values_list("seminar_date", "seminar_published"))


def test_talks_copy_their_seminars_date_and_publication(demo_seminar):
    assert copies(demo_seminar) == {(datetime.date(2021, 11, 24), True)}
    talk = Talk.objects.create(seminar=demo_seminar, order=99, title="Новый доклад")
    assert Talk.objects.filter(pk=talk.pk, seminar_date=demo_seminar.start_date).exists()


def test_changing_a_seminar_changes_its_talks_copies(demo_seminar):
    demo_seminar.start_date = datetime.date(2022, 3, 1)
    demo_seminar.save()
    assert copies(demo_seminar) == {(datetime.date(2022, 3, 1), True)}

    Seminar.objects.filter(pk=demo_seminar.pk).update(is_published=False)
    assert copies(demo_seminar) == {(datetime.date(2022, 3, 1), False)}
    assert not Talk.objects.published().filter(seminar=demo_seminar).exists()


def test_a_talk_moved_or_saved_stale_copies_the_seminar_it_is_in(demo_seminar):
    other = Seminar.objects.create(
        title="Другой семинар",
        start_date=datetime.date(2019, 5, 6),
        organizer=demo_seminar.organizer,
    )
    talk = demo_seminar.talks.first()
    talk.seminar = other
    talk.save()
    assert copies(other) == {(datetime.date(2019, 5, 6), False)}

    # An instance read before its seminar was published, saved after: the copy stays right.
    stale = Talk.objects.get(pk=talk.pk)
    Seminar.objects.filter(pk=other.pk).update(is_published=True)
    stale.title = "Исправленная тема"
    stale.save()
    assert copies(other) == {(datetime.date(2019, 5, 6), True)}
