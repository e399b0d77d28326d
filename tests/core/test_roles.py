import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from people.models import Person
from seminars.models import Seminar
from tests.core.admin_urls import every_admin_action, every_admin_url

pytestmark = pytest.mark.django_db

EDITOR = "Редактор"
DEPARTMENT_ADMIN = "Администратор методического отдела"
PARTICIPANTS = "Участники"
PASSWORD = "Kamchatka-seminar-2021"


def codenames(group_name):
    permissions = Group.objects.get(name=group_name).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


@pytest.fixture
def user_in(django_user_model):
    def make(*group_names, username="member"):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.set(Group.objects.filter(name__in=group_names))
        return user

    return make


def test_roles_are_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) == {
        EDITOR,
        DEPARTMENT_ADMIN,
        PARTICIPANTS,
    }


def test_personal_data_of_participants_need_the_participants_permission():
    registrations = {f"registrations.{a}_registration" for a in ("view", "add", "change", "delete")}
    registrations.add("registrations.participants")

    assert codenames(PARTICIPANTS) == registrations
    assert not codenames(EDITOR) & registrations
    assert codenames(DEPARTMENT_ADMIN) >= registrations


def test_editor_permissions():
    edit = {"view", "add", "change"}
    edit_and_delete = edit | {"delete"}
    expected = {
        f"seminars.{a}_{m}"
        for m in ["seminar", "talk", "talkspeaker", "seminarlink", "resolution", "resolutionitem"]
        for a in edit_and_delete
    }
    expected |= {f"seminars.{a}_topic" for a in edit}
    expected |= {f"people.{a}_person" for a in edit}
    expected |= {f"libraries.{a}_{m}" for m in ["library", "department", "locality"] for a in edit}
    expected |= {"libraries.view_region", "seminars.import_seminar", "core.view_organization"}
    # Certificates: templates in full; issue, revoke and mail, but never delete one.
    expected |= {f"certificates.{a}_certificatetemplate" for a in edit_and_delete}
    expected |= {"certificates.view_certificate", "certificates.change_certificate"}
    expected |= {"certificates.view_job"}

    assert codenames(EDITOR) == expected


def test_department_admin_has_everything_users_included():
    granted = codenames(DEPARTMENT_ADMIN)
    everything = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(
            content_type__app_label__in=[
                "auth",
                "admin",
                "axes",
                "core",
                "libraries",
                "people",
                "seminars",
                "registrations",
                "certificates",
            ]
        ).select_related("content_type")
    }

    assert granted == everything
    assert {
        "auth.add_user",
        "auth.change_user",
        "auth.change_group",
        "seminars.delete_published_seminar",
        "seminars.import_seminar",
        "people.delete_person",
        "axes.delete_accessattempt",
        "seminars.change_historicalseminar",
    } <= granted


def test_staff_without_permissions_gets_403_from_every_admin_url(client, archive, user_in):
    client.force_login(user_in())
    urls = every_admin_url()
    assert len(urls) >= 75  # 14 models, 5–6 URLs each: the enumeration really ran

    answers = {url: client.get(url).status_code for url in urls}
    answers |= {f"POST {url}": client.post(url, {}).status_code for url in urls}

    assert {url: code for url, code in answers.items() if code != 403} == {}


def test_staff_without_permissions_gets_403_from_every_action(client, archive, user_in):
    client.force_login(user_in())
    people = Person.objects.count()
    actions = every_admin_action(None)
    assert {name for _, name, _ in actions} >= {"delete_selected", "merge_selected"}

    answers = {
        (url, name): client.post(
            url,
            {
                "action": name,
                "_selected_action": pks,
                "post": "yes",
                "confirm": "1",
                "keep": pks[0] if pks else "",
            },
        ).status_code
        for url, name, pks in actions
    }

    assert {key: code for key, code in answers.items() if code != 403} == {}
    assert Person.objects.count() == people


def test_staff_without_permissions_gets_403_from_autocomplete(client, archive, user_in):
    client.force_login(user_in())

    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "seminars", "model_name": "seminar", "field_name": "organizer"},
    )

    assert response.status_code == 403


def test_editor_edits_but_does_not_merge_or_manage_users(client, archive, user_in):
    client.force_login(user_in(EDITOR))
    people = list(Person.objects.values_list("pk", flat=True)[:2])

    assert (
        client.get(reverse("admin:seminars_seminar_change", args=[archive.pk])).status_code == 200
    )
    assert client.get(reverse("admin:people_person_add")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    response = client.post(
        reverse("admin:people_person_changelist"),
        {"action": "merge_selected", "_selected_action": people, "confirm": "1", "keep": people[0]},
    )
    assert response.status_code == 403
    assert Person.objects.filter(pk__in=people).count() == 2


def test_editor_cannot_delete_a_published_seminar(client, archive, user_in):
    client.force_login(user_in(EDITOR))
    talk = archive.talks.first()

    assert (
        client.get(reverse("admin:seminars_seminar_delete", args=[archive.pk])).status_code == 403
    )
    assert (
        client.post(
            reverse("admin:seminars_seminar_delete", args=[archive.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:seminars_talk_delete", args=[talk.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    changelist = reverse("admin:seminars_seminar_changelist")
    confirmation = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [archive.pk]}
    )
    assert confirmation.status_code == 200
    assert "опубликованные семинары" in confirmation.content.decode()
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [archive.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert Seminar.objects.filter(pk=archive.pk).exists()
    assert archive.talks.filter(pk=talk.pk).exists()


def test_editor_deletes_an_unpublished_seminar(client, archive, user_in):
    client.force_login(user_in(EDITOR))
    Seminar.objects.filter(pk=archive.pk).update(is_published=False, published_at=None)

    response = client.post(
        reverse("admin:seminars_seminar_delete", args=[archive.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Seminar.objects.filter(pk=archive.pk).exists()


def test_department_admin_manages_users_merges_and_deletes(client, archive, user_in):
    client.force_login(user_in(DEPARTMENT_ADMIN))
    keep, duplicate = Person.objects.order_by("pk")[:2]

    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    response = client.post(
        reverse("admin:people_person_changelist"),
        {
            "action": "merge_selected",
            "_selected_action": [keep.pk, duplicate.pk],
            "confirm": "1",
            "keep": keep.pk,
        },
    )
    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert (
        client.get(reverse("admin:seminars_seminar_delete", args=[archive.pk])).status_code == 200
    )


def test_import_needs_its_own_permission(client, archive, user_in, django_user_model):
    url = reverse("admin:seminars_seminar_import")
    adder = django_user_model.objects.create_user("adder", password=PASSWORD, is_staff=True)
    adder.user_permissions.set(
        Permission.objects.filter(codename__in=["add_seminar", "view_seminar", "change_seminar"])
    )
    client.force_login(adder)
    assert client.get(url).status_code == 403
    assert (
        "Импорт резолюции"
        not in client.get(reverse("admin:seminars_seminar_changelist")).content.decode()
    )

    client.force_login(user_in(EDITOR))
    assert client.get(url).status_code == 200
    assert (
        "Импорт резолюции"
        in client.get(reverse("admin:seminars_seminar_changelist")).content.decode()
    )


def test_inline_delete_permission_for_a_talk_not_saved_yet(rf, db, user_in):
    from seminars.admin import TalkSpeakerInline
    from seminars.models import Talk

    request = rf.get("/admin/seminars/seminar/add/")
    request.user = user_in(EDITOR)
    inline = TalkSpeakerInline(Talk, admin.site)

    # A talk added together with a new seminar has no seminar yet: nothing published to guard.
    assert inline.has_delete_permission(request, Talk()) is True
