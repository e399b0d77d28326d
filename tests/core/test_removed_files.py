"""Files a record no longer names leave the disk (nginx serves MEDIA_ROOT as it is) once the
change is committed: a cleared photo after consent is withdrawn, a replaced logo, materials of a
deleted talk, and every rendition of each."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from people.models import Person
from tests.core.test_audit import person_form
from tests.core.test_uploads import docx_bytes, image_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_under(media):
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


PHOTO_FILES = [
    "people/photos/foto.png",
    "people/photos/renditions/foto-160.webp",
    "people/photos/renditions/foto-480.webp",
]


@pytest.fixture
def person(db, media):
    person = Person.objects.create(last_name="Ёлкина", first_name="Анна")
    person.photo.save("Фото.png", ContentFile(image_bytes()))
    assert files_under(media) == PHOTO_FILES
    return person


def test_a_photo_cleared_in_the_admin_leaves_the_disk_with_its_renditions(
    staff_client, person, media, django_capture_on_commit_callbacks
):
    url = reverse("admin:people_person_change", args=[person.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(
            url, person_form(person, consent="withdrawn", **{"photo-clear": "on"})
        )
        assert response.status_code == 302
        # Not before the change is committed: a rolled back change still needs its file.
        assert files_under(media) == PHOTO_FILES
    for callback in callbacks:
        callback()

    person.refresh_from_db()
    assert person.photo.name == ""
    assert files_under(media) == []


def test_a_replaced_photo_leaves_the_disk_with_its_renditions(
    staff_client, person, media, django_capture_on_commit_callbacks
):
    url = reverse("admin:people_person_change", args=[person.pk])
    upload = SimpleUploadedFile("Новое.png", image_bytes(size=(300, 200)), "image/png")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, person_form(person, photo=upload))

    assert response.status_code == 302
    assert files_under(media) == [
        "people/photos/novoe.png",
        "people/photos/renditions/novoe-160.webp",
        "people/photos/renditions/novoe-480.webp",
    ]


def test_a_library_keeps_only_its_current_logo(
    demo_seminar, media, django_capture_on_commit_callbacks
):
    library = demo_seminar.organizer
    with django_capture_on_commit_callbacks(execute=True):
        library.logo.save("logo.png", ContentFile(image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        library.logo.save("logo.png", ContentFile(image_bytes(size=(200, 200))))

    assert files_under(media) == [
        library.logo.name,
        f"libraries/logos/renditions/{library.logo.name.rsplit('/')[-1][:-4]}-160.webp",
        f"libraries/logos/renditions/{library.logo.name.rsplit('/')[-1][:-4]}-480.webp",
    ]
    assert library.logo.name != "libraries/logos/logo.png"


def test_a_rolled_back_change_keeps_the_file(person, media):
    with transaction.atomic():
        person.photo = ""
        person.save()
        transaction.set_rollback(True)

    person.refresh_from_db()
    assert person.photo.name == "people/photos/foto.png"
    assert files_under(media) == PHOTO_FILES


def test_a_deleted_person_leaves_no_photo(person, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person.delete()

    assert files_under(media) == []


def test_materials_of_a_deleted_talk_leave_the_disk(
    demo_seminar, media, django_capture_on_commit_callbacks
):
    talk = demo_seminar.talks.get(order=1)
    talk.materials.save("slides.docx", ContentFile(docx_bytes()))
    assert files_under(media) == ["talks/materials/slides.docx"]

    with django_capture_on_commit_callbacks(execute=True):
        talk.delete()

    assert files_under(media) == []


def test_restoring_a_version_whose_photo_is_gone_empties_the_field_and_says_so(
    staff_client, person, media, django_capture_on_commit_callbacks
):
    url = reverse("admin:people_person_change", args=[person.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, person_form(person, **{"photo-clear": "on"}))
    with_photo = person.history.filter(photo="people/photos/foto.png").latest("history_id")
    version_url = reverse("admin:people_person_simple_history", args=[person.pk, with_photo.pk])

    response = staff_client.post(version_url, person_form(with_photo.instance, bio="Вернули"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.bio, person.photo.name) == ("Вернули", "")
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        "Файла в поле «фотография» больше нет (удалён вместе с прежней версией): поле очищено."
        in messages
    )
