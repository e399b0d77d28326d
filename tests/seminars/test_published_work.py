"""Published work is not lost through the back door: unpublishing needs the right to delete
published seminars, a published address never changes silently, and a deleted seminar comes back
from «История» whole."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from seminars.models import Resolution, ResolutionItem, Seminar, SeminarLink, Talk, TalkSpeaker
from tests.seminars.test_admin_change_form import FormFields, change_url, form_data, seminar_with

EDITOR = "Редактор"
DEPARTMENT_ADMIN = "Администратор методического отдела"


@pytest.fixture
def login(client, django_user_model):
    def as_member_of(group):
        user = django_user_model.objects.create_user(group[:8], password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return as_member_of


@pytest.fixture
def seminar(db):
    return seminar_with(2)


def test_an_editor_cannot_unpublish_a_published_seminar(login, seminar):
    client = login(EDITOR)
    data = form_data(client, seminar)
    assert "is_published" not in data  # shown, not editable
    data.pop("is_published", None)

    response = client.post(change_url(seminar), data)

    assert response.status_code == 302
    assert Seminar.objects.get(pk=seminar.pk).is_published


def test_an_editor_cannot_delete_a_seminar_that_was_published_once(login, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(is_published=False)  # an administrator hid it
    client = login(EDITOR)

    url = reverse("admin:seminars_seminar_delete", args=[seminar.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    talk = seminar.talks.first()
    assert (
        client.post(reverse("admin:seminars_talk_delete", args=[talk.pk]), {"post": "yes"})
    ).status_code == 403
    assert Seminar.objects.filter(pk=seminar.pk).exists()


def test_an_editor_may_still_delete_a_draft_never_published(login, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(is_published=False, published_at=None)
    client = login(EDITOR)

    response = client.post(
        reverse("admin:seminars_seminar_delete", args=[seminar.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Seminar.objects.filter(pk=seminar.pk).exists()


def test_an_administrator_unpublishes(login, seminar):
    client = login(DEPARTMENT_ADMIN)
    data = form_data(client, seminar)
    data.pop("is_published")

    assert client.post(change_url(seminar), data).status_code == 302
    assert not Seminar.objects.get(pk=seminar.pk).is_published


def test_an_editor_cannot_change_the_address_of_a_seminar_published_once(login, seminar):
    Seminar.objects.filter(pk=seminar.pk).update(is_published=False)
    client = login(EDITOR)
    data = form_data(client, seminar)
    assert "slug" not in data
    data["slug"] = "novyi-adres"

    client.post(change_url(seminar), data)

    assert Seminar.objects.get(pk=seminar.pk).slug == seminar.slug


def test_an_address_changed_by_an_administrator_redirects_from_the_old_one(client, login, seminar):
    old = seminar.get_absolute_url()
    admin = login(DEPARTMENT_ADMIN)
    data = form_data(admin, seminar) | {"slug": "novyi-adres"}
    assert admin.post(change_url(seminar), data).status_code == 302
    admin.logout()

    seminar.refresh_from_db()
    new = seminar.get_absolute_url()
    assert new == "/seminars/2022/novyi-adres/"
    for suffix in ("", "calendar.ics"):
        response = client.get(old + suffix, {"utm": "letter"})
        assert response.status_code == 301
        assert response["Location"] == f"{new}{suffix}?utm=letter"
    assert client.get(new).status_code == 200


def test_a_new_year_leaves_a_redirect_too_and_changing_back_removes_it(client, seminar):
    old = seminar.get_absolute_url()
    seminar.start_date = seminar.start_date.replace(year=2023)
    seminar.save()

    assert client.get(old)["Location"] == "/seminars/2023/testovyi-seminar/"

    seminar.start_date = seminar.start_date.replace(year=2022)
    seminar.save()
    assert client.get(old).status_code == 200
    assert client.get("/seminars/2023/testovyi-seminar/")["Location"] == old


def test_no_redirect_to_an_unpublished_seminar_for_visitors(client, seminar):
    old = seminar.get_absolute_url()
    Seminar.objects.get(pk=seminar.pk).save()  # nothing changed: nothing recorded
    seminar.slug = "drugoi"
    seminar.is_published = False
    seminar.save()

    assert client.get(old).status_code == 404


def snapshot(seminar_pk):
    talks = Talk.objects.filter(seminar=seminar_pk)
    return {
        "talks": sorted(talks.values_list("pk", "order", "title", "abstract")),
        "topics": sorted(
            Talk.topics.through.objects.filter(talk__in=talks).values_list("talk", "topic")
        ),
        "speakers": sorted(
            TalkSpeaker.objects.filter(talk__in=talks).values_list(
                "pk", "talk", "person", "order", "position", "library", "department"
            )
        ),
        "resolution": list(
            Resolution.objects.filter(seminar=seminar_pk).values_list("pk", "preamble")
        ),
        "items": sorted(
            ResolutionItem.objects.filter(resolution__seminar=seminar_pk).values_list(
                "pk", "section", "order", "text"
            )
        ),
        "links": list(
            SeminarLink.objects.filter(seminar=seminar_pk).values_list("pk", "title", "url")
        ),
        "regions": sorted(
            Seminar.regions.through.objects.filter(seminar=seminar_pk).values_list(
                "region", flat=True
            )
        ),
    }


def test_a_deleted_seminar_comes_back_whole_from_its_history(staff_client, seminar):
    seminar.regions.set([seminar.organizer.region])
    seminar.save()
    talk = seminar.talks.get(order=1)
    gone_before = talk.speakers.get(order=2)
    before_deletion = snapshot(seminar.pk)
    # A speaker removed on purpose before the seminar was deleted stays removed.
    gone_before.delete()
    expected = snapshot(seminar.pk)
    assert len(expected["speakers"]) == len(before_deletion["speakers"]) - 1
    assert expected["items"] and expected["topics"] and expected["links"] and expected["regions"]

    response = staff_client.post(
        reverse("admin:seminars_seminar_delete", args=[seminar.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert snapshot(seminar.pk)["talks"] == []

    history = staff_client.get(reverse("admin:seminars_seminar_history", args=[seminar.pk]))
    assert history.status_code == 200
    last = Seminar.history.filter(id=seminar.pk).exclude(history_type="-").latest("history_id")
    version_url = reverse("admin:seminars_seminar_simple_history", args=[seminar.pk, last.pk])
    assert version_url in history.content.decode()
    parser = FormFields()
    parser.feed(staff_client.get(version_url).content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)

    response = staff_client.post(version_url, parser.data, follow=True)

    assert response.redirect_chain
    assert snapshot(seminar.pk) == expected
    page = response.content.decode()
    assert (
        "Восстановлено вместе с семинаром: 2 доклада, 4 докладчика, резолюция, 3 пункта резолюции, 1 ссылка."
        in page
    )


def test_a_deleted_talk_comes_back_with_its_speakers(staff_client, seminar):
    talk = seminar.talks.get(order=1)
    speakers = sorted(talk.speakers.values_list("pk", "person", "position"))
    staff_client.post(reverse("admin:seminars_talk_delete", args=[talk.pk]), {"post": "yes"})
    assert not TalkSpeaker.objects.filter(pk__in=[pk for pk, *_ in speakers]).exists()

    last = Talk.history.filter(id=talk.pk).exclude(history_type="-").latest("history_id")
    version_url = reverse("admin:seminars_talk_simple_history", args=[talk.pk, last.pk])
    parser = FormFields()
    parser.feed(staff_client.get(version_url).content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    response = staff_client.post(version_url, parser.data, follow=True)

    assert sorted(talk.speakers.values_list("pk", "person", "position")) == speakers
    assert "Восстановлено вместе с докладом: 3 докладчика." in response.content.decode()
