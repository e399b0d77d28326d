"""The participant's thank-you letter (registrations/) links to their certificate."""

from django.core import mail

from certificates.issue import Composer, Recipient, issue
from certificates.models import Kind, download_key
from registrations import mail as registration_mail
from tests.certificates.conftest import attended


def test_thanks_letter_links_to_the_certificate_with_its_key(
    demo_seminar, client, django_capture_on_commit_callbacks
):
    registration = attended(demo_seminar, "Петрова", "Мария", "Ивановна", email="p@example.ru")
    certificate = issue(
        Composer(demo_seminar),
        Recipient(
            Kind.PARTICIPANT, "Петрова", "Мария", "Ивановна", registration_id=registration.pk
        ),
    )

    with django_capture_on_commit_callbacks(execute=True):
        registration_mail.thanks(registration)

    [letter] = mail.outbox
    download = (
        f"https://kopilka.example.ru/certificates/{certificate.number}/pdf/"
        f"?key={download_key(certificate.number)}"
    )
    assert f"Сертификат участника № {certificate.number} (PDF): {download}" in letter.body
    assert (
        f"Проверить подлинность: https://kopilka.example.ru/certificates/{certificate.number}/"
        in letter.body
    )
    response = client.get(download.removeprefix("https://kopilka.example.ru"))
    assert response.status_code == 200
    # Reading the file to its end closes it (the test client's wrapper).
    b"".join(response.streaming_content)


def test_thanks_letter_without_certificates_says_nothing_of_them(
    demo_seminar, django_capture_on_commit_callbacks
):
    registration = attended(demo_seminar, "Петрова", "Мария", "Ивановна", email="p@example.ru")

    with django_capture_on_commit_callbacks(execute=True):
        registration_mail.thanks(registration)

    assert "ертификат" not in mail.outbox[0].body
