"""Staff issue, download, mail, revoke and re-issue certificates from the admin; the work runs
in the background (django-tasks: at once in tests) and its progress shows on the page."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate, Job, Kind
from tests.certificates.conftest import attended


def seminar_page(seminar):
    return reverse("admin:certificates_seminar", args=[seminar.pk])


def run(client, seminar, action, capture, **extra):
    with capture(execute=True):
        response = client.post(seminar_page(seminar), {"action": action, **extra})
    assert response.status_code == 302
    return Job.objects.filter(seminar=seminar, action=action).latest("created_at")


def test_issue_all_in_the_background_with_progress(
    demo_seminar, staff_client, django_capture_on_commit_callbacks
):
    attended(demo_seminar, "Петрова", "Мария", "Ивановна", email="p@example.ru")

    job = run(staff_client, demo_seminar, "issue", django_capture_on_commit_callbacks)

    assert (job.status, job.done, job.total) == (Job.Status.DONE, 13, 13)
    assert job.message == "Выдано сертификатов: 13."
    assert Certificate.objects.filter(kind=Kind.SPEAKER).count() == 12
    assert Certificate.objects.filter(kind=Kind.PARTICIPANT).count() == 1
    page = staff_client.get(seminar_page(demo_seminar)).content.decode()
    assert "13 из 13" in page
    assert "Можно выдать сейчас: <strong>0</strong>" in page
    assert 'http-equiv="refresh"' not in page  # nothing running: no reloading


def test_a_second_click_while_queued_starts_nothing_new(demo_seminar, staff_client):
    staff_client.post(seminar_page(demo_seminar), {"action": "issue"})  # never committed: queued
    page = staff_client.post(seminar_page(demo_seminar), {"action": "issue"}, follow=True)

    assert Job.objects.count() == 1
    assert "Выдача уже выполняется." in page.content.decode()
    assert 'http-equiv="refresh"' in page.content.decode()


def test_zip_of_all(demo_seminar, staff_client, django_capture_on_commit_callbacks):
    run(staff_client, demo_seminar, "issue", django_capture_on_commit_callbacks)

    job = run(staff_client, demo_seminar, "zip", django_capture_on_commit_callbacks)

    assert job.message == "Архив готов: сертификатов в нём — 12."
    response = staff_client.get(reverse("admin:certificates_job_zip", args=[job.pk]))
    content = b"".join(response.streaming_content)
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert len(names) == 12
    assert "Сертификат" in names[0] and names[0].endswith(".pdf")


def test_mail_to_everyone_with_an_address_once(
    demo_seminar, staff_client, django_capture_on_commit_callbacks
):
    attended(demo_seminar, "Петрова", "Мария", "Ивановна", email="p@example.ru")
    run(staff_client, demo_seminar, "issue", django_capture_on_commit_callbacks)

    job = run(staff_client, demo_seminar, "mail", django_capture_on_commit_callbacks)

    assert job.message == "Отправлено писем: 1. Без адреса электронной почты: 12."
    [message] = mail.outbox
    certificate = Certificate.objects.get(kind=Kind.PARTICIPANT)
    assert message.to == ["p@example.ru"]
    assert message.subject == f"Сертификат участника: {demo_seminar.title}"
    assert message.body.startswith(
        "Здравствуйте, Мария Ивановна!\n\nБлагодарим вас за участие в работе межрегионального семинара"
    )
    assert f"https://kopilka.example.ru/certificates/{certificate.number}/" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (certificate.filename, "application/pdf")
    assert content.startswith(b"%PDF")
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None

    again = run(staff_client, demo_seminar, "mail", django_capture_on_commit_callbacks)
    assert again.message == "Отправлено писем: 0. Без адреса электронной почты: 12."
    assert len(mail.outbox) == 1


def test_revoke_and_reissue_keep_the_reason(
    demo_seminar, staff_client, django_capture_on_commit_callbacks
):
    run(staff_client, demo_seminar, "issue", django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(last_name="Тауль")

    url = reverse("admin:certificates_certificate_reissue", args=[certificate.pk])
    assert staff_client.post(url, {"reason": ""}).status_code == 200  # the reason is required
    response = staff_client.post(
        url,
        {
            "reason": "ошибка в имени",
            "last_name": "Тауль",
            "first_name": "Ольга",
            "patronymic": "Михайловна",
            "name_dative": "",
        },
    )

    certificate.refresh_from_db()
    fresh = certificate.replaced_by
    assert response.status_code == 302
    assert not certificate.is_valid and certificate.reason == "ошибка в имени"
    assert fresh.is_valid and fresh.number != certificate.number
    assert fresh.name_dative == "Тауль Ольге Михайловне"
    reasons = list(certificate.history.values_list("history_change_reason", flat=True))
    assert "ошибка в имени" in reasons

    revoke_url = reverse("admin:certificates_certificate_revoke", args=[fresh.pk])
    staff_client.post(revoke_url, {"reason": "не выступала"})
    fresh.refresh_from_db()
    assert fresh.reason == "не выступала" and not fresh.is_valid


def test_editors_without_the_participants_permission_see_speakers_only(
    demo_seminar, client, django_user_model, django_capture_on_commit_callbacks, staff_client
):
    attended(demo_seminar, "Петрова", "Мария", "Ивановна")
    run(staff_client, demo_seminar, "issue", django_capture_on_commit_callbacks)
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Редактор"))
    client.force_login(editor)

    changelist = client.get(reverse("admin:certificates_certificate_changelist")).content.decode()
    page = client.get(seminar_page(demo_seminar)).content.decode()

    assert "Петрова" not in changelist and "Петрова" not in page
    assert "Тауль Ольга Михайловна" in changelist
    participant = Certificate.objects.get(kind=Kind.PARTICIPANT)
    change = reverse("admin:certificates_certificate_change", args=[participant.pk])
    assert client.get(change).status_code == 302  # Django's "not found" redirect
    delete = reverse("admin:certificates_certificate_delete", args=[participant.pk])
    assert client.get(delete).status_code in (302, 403)


@pytest.mark.parametrize("speakers", [1, 12])
def test_seminar_page_queries_do_not_grow(
    demo_seminar,
    staff_client,
    django_capture_on_commit_callbacks,
    speakers,
    django_assert_num_queries,
):
    from seminars.models import TalkSpeaker

    TalkSpeaker.objects.filter(talk__order__gt=speakers).delete()
    run(staff_client, demo_seminar, "issue", django_capture_on_commit_callbacks)
    staff_client.get(seminar_page(demo_seminar))  # session, user and messages warmed

    with django_assert_num_queries(13):
        staff_client.get(seminar_page(demo_seminar))


def test_a_job_silent_for_long_is_given_up_and_started_again(demo_seminar, staff_client):
    import datetime

    from django.utils import timezone

    staff_client.post(seminar_page(demo_seminar), {"action": "issue"})  # never runs
    Job.objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=11))

    staff_client.post(seminar_page(demo_seminar), {"action": "issue"})

    old, new = Job.objects.order_by("pk")
    assert old.status == Job.Status.FAILED
    assert old.message.startswith("Прервано:")
    assert new.status == Job.Status.QUEUED


def test_editors_do_not_download_participants_pdfs_either(
    demo_seminar, client, django_user_model, django_capture_on_commit_callbacks, staff_client
):
    attended(demo_seminar, "Петрова", "Мария", "Ивановна")
    run(staff_client, demo_seminar, "issue", django_capture_on_commit_callbacks)
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Редактор"))
    client.force_login(editor)
    participant = Certificate.objects.get(kind=Kind.PARTICIPANT)

    url = reverse("certificates:download", args=[participant.number])
    assert client.get(url).status_code == 404
    client.force_login(django_user_model.objects.get(username="staff"))  # all permissions
    response = client.get(url)
    assert response.status_code == 200
    # Reading the file to its end closes it (the test client's wrapper).
    b"".join(response.streaming_content)


def test_a_speakers_cached_page_lists_the_certificate_once_issued(
    demo_seminar, staff_client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    visitor = Client()  # staff_client has a session: its pages are never cached
    speaker = demo_seminar.talks.first().speakers.filter(person__consent="given").first().person
    assert "Сертификат" not in visitor.get(speaker.get_absolute_url()).content.decode()

    run(staff_client, demo_seminar, "issue", django_capture_on_commit_callbacks)

    certificate = Certificate.objects.get(person=speaker, seminar=demo_seminar)
    page = visitor.get(speaker.get_absolute_url()).content.decode()
    assert certificate.get_absolute_url() in page
