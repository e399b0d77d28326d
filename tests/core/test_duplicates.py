"""Duplicates: a warning before a lookalike is created, and a merge that moves every reference."""

import pytest

from libraries.models import Department, Library
from people.models import Person
from seminars.models import Seminar, TalkSpeaker

PERSON_FORM = {
    "last_name": "ЧЕЛЬШЕВА",
    "first_name": "Ирина",
    "patronymic": "",
    "consent": "unknown",
    "consent_date": "",
    "consent_note": "",
    "bio": "",
    "slug": "",
    "speaker_roles-TOTAL_FORMS": "0",
    "speaker_roles-INITIAL_FORMS": "0",
}


def test_a_lookalike_person_is_not_created_without_confirmation(demo_seminar, staff_client):
    response = staff_client.post("/admin/people/person/add/", PERSON_FORM)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Похожая запись уже есть" in page
    assert "Чельшева Ирина Викторовна" in page
    assert 'name="confirm_lookalike"' in page
    assert Person.objects.count() == 12

    response = staff_client.post(
        "/admin/people/person/add/", {**PERSON_FORM, "confirm_lookalike": "on"}
    )
    assert response.status_code == 302
    assert Person.objects.filter(last_name="ЧЕЛЬШЕВА").count() == 1


def test_different_initials_are_not_lookalikes(demo_seminar, staff_client):
    response = staff_client.post("/admin/people/person/add/", {**PERSON_FORM, "first_name": "Анна"})
    assert response.status_code == 302


def test_a_lookalike_library_ignores_case_yo_and_quotes(demo_seminar, staff_client):
    form = {
        "legal_form": "",
        "name": "«СОБОЛЕВСКАЯ  библиотека»",
        "short_name": "",
        "website": "",
        "slug": "",
        "is_published": "on",
        "departments-TOTAL_FORMS": "0",
        "departments-INITIAL_FORMS": "0",
        "branches-TOTAL_FORMS": "0",
        "branches-INITIAL_FORMS": "0",
    }
    response = staff_client.post("/admin/libraries/library/add/", form)
    assert "Похожая запись уже есть" in response.content.decode()
    assert Library.objects.count() == 13


def merge_via_admin(client, path, records, keep):
    ids = [str(record.pk) for record in records]
    page = client.post(f"/admin/{path}/", {"action": "merge_selected", "_selected_action": ids})
    assert "Какую запись оставить?" in page.content.decode()
    return client.post(
        f"/admin/{path}/",
        {
            "action": "merge_selected",
            "_selected_action": ids,
            "keep": str(keep.pk),
            "confirm": "yes",
        },
    )


def test_merge_people_moves_talks_and_deletes_the_duplicate(demo_seminar, staff_client):
    kept = Person.objects.get(last_name="Абрамкина")
    duplicate = Person.objects.create(last_name="Абрамкина", first_name="Е.", patronymic="И.")
    role = TalkSpeaker.objects.get(person__last_name="Калиновская")
    TalkSpeaker.objects.create(talk=role.talk, person=duplicate, order=2, position="директор")
    # Both records already speak in talk 1: the shared talk must collapse into one row.
    first_talk = TalkSpeaker.objects.get(person=kept).talk
    TalkSpeaker.objects.create(talk=first_talk, person=duplicate, order=2)
    others = list(
        TalkSpeaker.objects.exclude(person__in=[kept, duplicate]).values_list("pk", "person")
    )

    response = merge_via_admin(staff_client, "people/person", [kept, duplicate], kept)

    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert sorted(
        TalkSpeaker.objects.filter(person=kept).values_list("talk__order", flat=True)
    ) == [1, 2]
    assert list(TalkSpeaker.objects.exclude(person=kept).values_list("pk", "person")) == others
    assert Person.objects.count() == 12


def test_merge_libraries_moves_speakers_seminars_and_departments(demo_seminar, staff_client):
    kept = Library.objects.get(name="Соболевская библиотека")
    duplicate = Library.objects.create(
        legal_form="МКУК", name="Соболевская библиотека ", region=kept.region
    )
    Department.objects.create(library=duplicate, name="отдел обслуживания")
    role = TalkSpeaker.objects.get(person__last_name="Лысанова")
    TalkSpeaker.objects.filter(pk=role.pk).update(library=duplicate)
    Seminar.objects.filter(pk=demo_seminar.pk).update(organizer=duplicate)

    response = merge_via_admin(staff_client, "libraries/library", [kept, duplicate], kept)

    assert response.status_code == 302
    assert not Library.objects.filter(pk=duplicate.pk).exists()
    assert TalkSpeaker.objects.get(pk=role.pk).library == kept
    assert Seminar.objects.get().organizer == kept
    assert list(kept.departments.values_list("name", flat=True)) == ["отдел обслуживания"]
    assert Library.objects.count() == 13


def test_merge_collapses_departments_with_the_same_name(demo_seminar):
    from core.duplicates import merge

    kept = Library.objects.get(name="Ивановская областная библиотека для детей и юношества")
    duplicate = Library.objects.create(name="Ивановская областная библиотека для детей и юношества")
    twin = Department.objects.create(library=duplicate, name="отдел «Детство»")
    TalkSpeaker.objects.filter(department__library=kept).update(library=duplicate, department=twin)

    merge(kept, [duplicate])

    role = TalkSpeaker.objects.get(person__last_name="Чельшева")
    assert (role.library, role.department.library) == (kept, kept)
    assert kept.departments.count() == 1


def test_a_library_cannot_be_merged_into_its_own_branch(demo_seminar, staff_client):
    parent = Library.objects.get(name="ЦБС г. Чита")
    branch = Library.objects.get(name="Модельная библиотека")
    merge_via_admin(staff_client, "libraries/library", [parent, branch], branch)
    assert Library.objects.filter(pk=parent.pk).exists()
    assert Library.objects.get(pk=branch.pk).parent == parent


@pytest.mark.django_db
def test_merging_needs_delete_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", password="x-not-used-1", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_person", "change_person"])
    )
    client.force_login(editor)
    first = Person.objects.create(last_name="Петрова", first_name="Анна")
    second = Person.objects.create(last_name="Петрова", first_name="А.")
    page = client.get("/admin/people/person/").content.decode()
    assert "merge_selected" not in page
    client.post(
        "/admin/people/person/",
        {
            "action": "merge_selected",
            "_selected_action": [first.pk, second.pk],
            "keep": first.pk,
            "confirm": "yes",
        },
    )
    assert Person.objects.count() == 2
