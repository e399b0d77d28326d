"""/certificates/<number>/: who, which seminar, when, what kind, valid or revoked; 404 for any
number not issued; participants only as «Фамилия И. О.»."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certificates.issue import Composer, Recipient, issue, reissue, revoke
from certificates.models import Kind, download_key
from people.models import Person
from tests.certificates.conftest import attended


def speaker_certificate(seminar, last_name="Абрамкина"):
    person = Person.objects.get(last_name=last_name)
    recipient = Recipient(
        Kind.SPEAKER, person.last_name, person.first_name, person.patronymic, person_id=person.pk
    )
    return issue(Composer(seminar), recipient)


def participant_certificate(seminar):
    registration = attended(seminar, "Петрова", "Мария", "Ивановна", email="p@example.ru")
    recipient = Recipient(
        Kind.PARTICIPANT, "Петрова", "Мария", "Ивановна", registration_id=registration.pk
    )
    return issue(Composer(seminar), recipient)


def test_a_consenting_speaker_is_named_in_full_with_a_link(demo_seminar, client):
    certificate = speaker_certificate(demo_seminar)

    page = client.get(f"/certificates/{certificate.number}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Сертификат действителен." in html
    person = certificate.person
    assert f'<a href="{person.get_absolute_url()}">Абрамкина Елена Ивановна</a>' in html
    assert "Сертификат докладчика" in html
    assert demo_seminar.title in html
    assert "24 ноября 2021 г." in html
    assert '<meta name="robots" content="noindex">' in html
    download = reverse("certificates:download", args=[certificate.number])
    assert f'<a class="button secondary" href="{download}">Скачать PDF</a>' in html


def test_a_speaker_without_consent_is_surname_and_initials(demo_seminar, client):
    certificate = speaker_certificate(demo_seminar)
    Person.objects.filter(pk=certificate.person_id).update(consent=Person.Consent.WITHDRAWN)

    html = client.get(f"/certificates/{certificate.number}/").content.decode()

    assert "Абрамкина Е. И." in html
    assert "Елена" not in html
    assert certificate.person.get_absolute_url() not in html
    assert reverse("certificates:download", args=[certificate.number]) not in html


def test_a_participant_is_surname_and_initials_only(demo_seminar, client):
    certificate = participant_certificate(demo_seminar)

    html = client.get(f"/certificates/{certificate.number}/").content.decode()

    assert "Петрова М. И." in html
    assert "Мария" not in html and "p@example.ru" not in html
    assert "Сертификат участника" in html


def without_path(response):
    return re.sub(r"/certificates/[^/]*/", "", response.content.decode())


@pytest.mark.parametrize("number", ["0000-0000-0000", "12345", "abcd-efgh-ijkl", "%D0%AF"])
def test_unknown_and_malformed_numbers_answer_the_same_404(demo_seminar, client, number):
    issued = speaker_certificate(demo_seminar)
    revoke(issued, "проверка")

    response = client.get(f"/certificates/{number}/")

    assert response.status_code == 404
    unknown = client.get("/certificates/9999-9999-9999/")
    assert without_path(response) == without_path(unknown)
    assert "Сертификат" not in without_path(response)


def test_revoked_certificate_says_so_at_once_though_pages_are_cached(
    demo_seminar, client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    certificate = speaker_certificate(demo_seminar)
    url = f"/certificates/{certificate.number}/"
    assert "Сертификат действителен." in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        fresh = reissue(certificate, "ошибка в отчестве", patronymic="Ивановна")

    html = client.get(url).content.decode()
    assert "Сертификат отозван" in html
    assert (
        f'Взамен выдан сертификат <a href="{fresh.get_absolute_url()}">№ {fresh.number}</a>' in html
    )
    assert "ошибка в отчестве" not in html
    assert certificate.history.first().history_change_reason == "ошибка в отчестве"


def test_verification_page_reads_one_query(demo_seminar, client, django_assert_num_queries):
    certificate = speaker_certificate(demo_seminar)

    with django_assert_num_queries(1):
        client.get(f"/certificates/{certificate.number}/")


def test_participant_downloads_with_the_key_from_the_mail_only(demo_seminar, client):
    certificate = participant_certificate(demo_seminar)
    url = reverse("certificates:download", args=[certificate.number])

    assert client.get(url).status_code == 404
    assert client.get(url, {"key": "forged"}).status_code == 404
    response = client.get(url, {"key": download_key(certificate.number)})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "private" in response["Cache-Control"]


def test_revoked_certificate_is_not_downloaded_by_visitors(demo_seminar, client):
    certificate = speaker_certificate(demo_seminar)
    url = reverse("certificates:download", args=[certificate.number])
    response = client.get(url)
    assert response.status_code == 200
    # Reading the file to its end closes it (the test client's wrapper).
    b"".join(response.streaming_content)

    revoke(certificate, "не выступала")

    assert client.get(url).status_code == 404
    assert client.get(url, {"key": download_key(certificate.number)}).status_code == 404


def test_missing_file_is_drawn_again(demo_seminar, client):
    certificate = speaker_certificate(demo_seminar)
    certificate.path.unlink()

    response = client.get(reverse("certificates:download", args=[certificate.number]))

    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert certificate.path.is_file()
    assert not mail.outbox


def test_removing_a_participants_data_removes_the_name_and_file(
    demo_seminar, client, django_capture_on_commit_callbacks
):
    certificate = participant_certificate(demo_seminar)
    registration = certificate.registration
    assert certificate.path.is_file()

    registration.last_name = registration.first_name = registration.patronymic = ""
    registration.purged_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        registration.save()

    certificate.refresh_from_db()
    html = client.get(f"/certificates/{certificate.number}/").content.decode()
    assert (certificate.last_name, certificate.name_dative, certificate.email) == ("", "", "")
    assert set(certificate.history.values_list("last_name", flat=True)) == {""}
    assert not certificate.path.exists()
    assert "Петрова" not in html
    assert "сведения о владельце удалены" in html
    url = reverse("certificates:download", args=[certificate.number])
    assert client.get(url, {"key": download_key(certificate.number)}).status_code == 404


def test_deleting_a_registration_deletes_its_certificate_and_file(
    demo_seminar, client, django_capture_on_commit_callbacks
):
    certificate = participant_certificate(demo_seminar)

    with django_capture_on_commit_callbacks(execute=True):
        certificate.registration.delete()

    assert not certificate.path.exists()
    assert set(certificate.history.values_list("last_name", flat=True)) == {""}
    assert client.get(f"/certificates/{certificate.number}/").status_code == 404


def test_speaker_page_links_to_their_certificates(demo_seminar, client):
    certificate = speaker_certificate(demo_seminar)
    revoked = speaker_certificate(demo_seminar, "Тауль")
    revoke(revoked, "ошибка")

    html = client.get(certificate.person.get_absolute_url()).content.decode()
    other = client.get(revoked.person.get_absolute_url()).content.decode()

    assert (
        f'<a href="/certificates/{certificate.number}/">Сертификат докладчика № {certificate.number}</a>'
        in html
    )
    assert "Сертификаты" not in other and revoked.number not in other
