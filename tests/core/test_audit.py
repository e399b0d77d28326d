import re

import pytest
from django.urls import reverse

from people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return Person.objects.create(last_name="Ёлкина", first_name="Анна", bio="Первая версия")


def person_form(person, **changes):
    data = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "patronymic": person.patronymic,
        "consent": person.consent,
        "consent_date": "",
        "consent_note": person.consent_note,
        "bio": person.bio,
        "slug": person.slug,
        "speaker_roles-TOTAL_FORMS": "0",
        "speaker_roles-INITIAL_FORMS": "0",
        "speaker_roles-MIN_NUM_FORMS": "0",
        "speaker_roles-MAX_NUM_FORMS": "0",
    }
    return data | changes


def test_admin_change_is_recorded_with_who_when_and_what(staff_client, person):
    url = reverse("admin:people_person_change", args=[person.pk])

    response = staff_client.post(url, person_form(person, bio="Вторая версия"))

    assert response.status_code == 302
    latest, first = person.history.order_by("-history_id")[:2]
    assert latest.history_user.username == "staff"
    assert latest.history_type == "~"
    changes = latest.diff_against(first, excluded_fields=["version"]).changes
    assert [change.field for change in changes] == ["bio"]
    assert changes[0].old == "Первая версия"
    assert (first.version, latest.version) == (0, 1)

    page = staff_client.get(reverse("admin:people_person_history", args=[person.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "staff" in text
    assert "Вторая версия" in text
    assert "<strong>версия:</strong>" not in text.lower()


def test_earlier_version_is_viewable_and_restorable(staff_client, person):
    staff_client.post(
        reverse("admin:people_person_change", args=[person.pk]),
        person_form(person, bio="Испорченная версия"),
    )
    first = person.history.earliest("history_id")
    version_url = reverse("admin:people_person_simple_history", args=[person.pk, first.pk])

    page = staff_client.get(version_url)
    assert page.status_code == 200
    assert re.search(
        r"<textarea[^>]*name=\"bio\"[^>]*>\s*Первая версия</textarea>", page.content.decode()
    )

    response = staff_client.post(version_url, person_form(first.instance))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.bio == "Первая версия"
    assert person.history.count() == 3
    assert person.history.latest("history_id").history_user.username == "staff"


def test_deleted_record_keeps_its_history(staff_client, person):
    response = staff_client.post(
        reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    deleted = Person.history.get(id=person.pk, history_type="-")
    assert deleted.history_user.username == "staff"
    deleted.instance.save()  # a deleted record can be brought back from its last version
    assert Person.objects.get(pk=person.pk).bio == "Первая версия"


def test_nested_talk_changes_are_recorded(staff_client, demo_seminar):
    talk = demo_seminar.talks.order_by("order").first()
    talk.title = "Новое название доклада"
    talk.save()

    history = talk.history.latest("history_id")
    assert history.title == "Новое название доклада"
    assert history.prev_record.title != "Новое название доклада"


def test_history_page_is_in_russian(staff_client, person):
    page = staff_client.get(reverse("admin:people_person_history", args=[person.pk]))

    text = page.content.decode()
    assert "<title>История изменений: Ёлкина Анна | Методическая копилка</title>" in text
    assert "Выберите дату из списка ниже, чтобы вернуться к предыдущей версии" in text


def test_import_through_the_admin_is_recorded_with_the_editor(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from seminars.models import Seminar
    from tests.seminars.importer.importer_fixtures import SEED
    from tests.seminars.importer.test_importer_admin import review_data

    url = reverse("admin:seminars_seminar_import")
    review = staff_client.post(
        url, {"stage": "upload", "file": SimpleUploadedFile("r.txt", SEED.read_bytes())}
    )
    response = staff_client.post(url, review_data(review.context["form"]))

    assert response.status_code == 302
    seminar = Seminar.objects.get()
    assert seminar.history.earliest("history_id").history_type == "+"
    assert {version.history_user.username for version in seminar.history.all()} == {"staff"}
    talk_versions = {v.history_user.username for t in seminar.talks.all() for v in t.history.all()}
    assert talk_versions == {"staff"}
    assert Person.history.filter(history_user__username="staff").count() == Person.objects.count()


def test_version_page_names_the_app_and_model_in_russian(staff_client, person):
    first = person.history.earliest("history_id")

    page = staff_client.get(
        reverse("admin:people_person_simple_history", args=[person.pk, first.pk])
    )

    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', page.content.decode(), re.S)[1]
    assert "Historical" not in crumbs
    assert ">People<" not in crumbs
    assert ">Люди<" in crumbs
