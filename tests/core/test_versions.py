"""Two people editing one record: the second save never silently undoes the first."""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from libraries.models import Library, Region
from people.models import Person
from seminars.models import Seminar, Talk
from tests.seminars.test_admin_change_form import FormFields, seminar_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_staff(django_user_model):
    clients = []
    for username, name in [("first", "Анна"), ("second", "Ольга")]:
        user = django_user_model.objects.create_superuser(username, f"{username}@example.ru", "x")
        user.first_name, user.last_name = name, "Иванова"
        user.save()
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def fields_of(html):
    parser = FormFields()
    parser.feed(html)
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def opened(client, obj):
    return fields_of(client.get(change_url(obj)).content.decode())


def test_the_second_save_is_refused_and_keeps_what_was_typed(two_staff):
    first, second = two_staff
    seminar = seminar_with(2)
    first_form, second_form = opened(first, seminar), opened(second, seminar)
    assert first_form["version"] == second_form["version"] == str(seminar.version)

    assert (
        first.post(change_url(seminar), first_form | {"title": "Новое название"}).status_code == 302
    )
    response = second.post(change_url(seminar), second_form | {"description": "Описание второй"})

    assert response.status_code == 200
    seminar.refresh_from_db()
    assert (seminar.title, seminar.description) == ("Новое название", "")
    page = response.content.decode()
    assert re.search(
        r"Пока вы редактировали, эту запись сохранил\(а\) Анна Иванова \(\d+ \w+ \d{4} г\. в "
        r"\d\d:\d\d\)\. Изменено: «название»: «Тестовый семинар» → «Новое название»\. "
        r"Ваши правки не сохранены и остались в форме",
        page,
    )
    again = fields_of(page)
    assert again["description"] == "Описание второй"  # what the second person typed
    assert again["title"] == "Тестовый семинар"
    assert again["version"] == str(seminar.version)

    # Having read the message, the second person keeps the new title and saves again.
    response = second.post(change_url(seminar), again | {"title": "Новое название"})

    assert response.status_code == 302
    seminar.refresh_from_db()
    assert (seminar.title, seminar.description) == ("Новое название", "Описание второй")


def test_a_talk_deleted_meanwhile_is_named_not_a_bare_error(two_staff):
    first, second = two_staff
    seminar = seminar_with(2)
    first_form, second_form = opened(first, seminar), opened(second, seminar)
    index = next(
        k for k, v in first_form.items() if re.fullmatch(r"talks-\d+-title", k) and v == "Доклад 2"
    )
    prefix = index.removesuffix("-title")

    assert (
        first.post(change_url(seminar), first_form | {f"{prefix}-DELETE": "on"}).status_code == 302
    )
    assert not seminar.talks.filter(title="Доклад 2").exists()
    response = second.post(change_url(seminar), second_form | {"goal": "Цель второй"})

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Доклады: «Доклад 2» — удалено другим пользователем, пока вы редактировали, и в форме "
        "больше не показано." in page
    )
    assert "Выберите корректный вариант" not in page
    assert fields_of(page)["goal"] == "Цель второй"


@pytest.mark.parametrize("model", [Person, Library, Region, Talk])
def test_every_archive_form_is_checked(two_staff, demo_seminar, model):
    first, second = two_staff
    obj = model.objects.order_by("pk").first()
    first_form, second_form = opened(first, obj), opened(second, obj)
    assert first_form["version"] == str(obj.version)

    assert first.post(change_url(obj), first_form).status_code == 302
    response = second.post(change_url(obj), second_form)

    assert response.status_code == 200
    assert "Пока вы редактировали, эту запись сохранил(а) Анна Иванова" in response.content.decode()


def test_every_archive_model_in_the_admin_has_a_version():
    archive = {"libraries", "people", "seminars"}
    unversioned = [
        model._meta.label
        for model in admin.site._registry
        if model._meta.app_label in archive and not hasattr(model, "version")
    ]
    assert unversioned == []


def test_a_version_restored_from_the_history_is_not_taken_for_a_conflict(staff_client):
    person = Person.objects.create(last_name="Ёлкина", first_name="Анна", bio="Первая")
    person.bio = "Вторая"
    person.save()
    first = person.history.earliest("history_id")
    url = reverse("admin:people_person_simple_history", args=[person.pk, first.pk])

    response = staff_client.post(url, fields_of(staff_client.get(url).content.decode()))

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.bio, person.version) == ("Первая", 2)


def test_a_save_outside_the_admin_counts_from_what_is_stored():
    person = Person.objects.create(last_name="Ёлкина", first_name="Анна")
    stale = Person.objects.get(pk=person.pk)
    person.save()
    stale.save()

    assert Person.objects.get(pk=person.pk).version == 2
    assert Seminar._meta.get_field("version").default == 0
