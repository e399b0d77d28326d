import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone

from registrations.models import CONSENT_VERSION, Registration


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://kopilka.example.ru"


@pytest.fixture(autouse=True)
def mail_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def attended(seminar, last_name, first_name, patronymic="", email="", attended=True):
    return Registration.objects.create(
        seminar=seminar,
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        position="библиотекарь",
        locality="Елизово",
        email=email,
        attended=attended,
        consent_version=CONSENT_VERSION,
        consent_at=timezone.make_aware(datetime.datetime(2021, 11, 20, 10, 0)),
    )


def pdf_text(path):
    """The text of a PDF as pdftotext (poppler) reads it, lines joined."""
    assert shutil.which("pdftotext"), "pdftotext missing: make pdf"
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def qr_of(path, tmp_path):
    """What the QR code on the PDF's page says, read by zbarimg from a 150 dpi picture."""
    assert shutil.which("zbarimg") and shutil.which("pdftoppm"), "make pdf installs them"
    picture = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(picture)], check=True
    )
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", f"{picture}.png"], capture_output=True, check=True
    )
    return result.stdout.decode().strip()
