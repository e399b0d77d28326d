"""Mail leaves through the background worker: a dead mail server never breaks registration."""

import socket

import pytest
from django.core import mail

from config.settings import email_settings
from registrations.models import Registration

pytestmark = pytest.mark.django_db


def closed_port():
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_dead_mail_server_does_not_break_registration(settings, post, register_url, form_data):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()

    response = post(register_url, form_data())

    assert response.status_code == 302
    assert Registration.objects.get().email == "elkina@example.ru"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://kopilka%40example.ru:p%40ss@mail.example.ru:587",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "mail.example.ru",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "kopilka@example.ru",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_SSL": False,
                "EMAIL_USE_TLS": True,
            },
        ),
        (
            "smtps://user:secret@smtp.example.ru",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "smtp.example.ru",
                "EMAIL_PORT": 465,
                "EMAIL_HOST_USER": "user",
                "EMAIL_HOST_PASSWORD": "secret",
                "EMAIL_USE_SSL": True,
                "EMAIL_USE_TLS": False,
            },
        ),
        (
            "file:///var/mail/kopilka",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/var/mail/kopilka",
            },
        ),
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ("locmem://", {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}),
    ],
)
def test_email_url_sets_djangos_mail_settings(url, expected):
    assert email_settings(url) == expected


def test_an_unknown_email_url_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings("pop3://mail.example.ru")


def test_the_file_backend_writes_what_would_be_sent(
    settings, tmp_path, post, register_url, form_data
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)

    post(register_url, form_data())

    [letter] = list(tmp_path.iterdir())
    text = letter.read_text()
    assert "To: elkina@example.ru" in text
    assert "text/calendar" in text
    assert mail.outbox == []
