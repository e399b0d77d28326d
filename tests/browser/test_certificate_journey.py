"""Staff issue a seminar's certificates in the admin; a visitor checks one by its QR code."""

import subprocess

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from tests.browser import screenshot
from tests.certificates.conftest import qr_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, django_user_model):
    django_user_model.objects.create_superuser("metodist", "m@example.ru", "pw-for-tests-1")
    page.goto("/admin/login/")
    page.get_by_label("Имя пользователя").fill("metodist")
    page.get_by_label("Пароль").fill("pw-for-tests-1")
    page.get_by_role("button", name="Войти").click()


def test_staff_issue_and_a_visitor_verifies_by_the_qr_code(
    new_page, django_user_model, demo_seminar, tmp_path
):
    staff = new_page()
    log_in(staff, django_user_model)
    staff.goto("/admin/certificates/certificate/")
    staff.get_by_role("link", name="Выдать сертификаты").click()
    staff.get_by_role("link", name=demo_seminar.title).click()
    expect(staff.locator("h1")).to_have_text(f"Сертификаты: {demo_seminar.title}")
    expect(staff.get_by_text("Можно выдать сейчас: 12")).to_be_visible()

    staff.get_by_role("button", name="Выдать сертификаты").click()

    # The worker runs at once in tests: the job is done when the page comes back.
    expect(staff.get_by_text("Выдача: задание поставлено в очередь.")).to_be_visible()
    expect(staff.get_by_text("12 из 12")).to_be_visible()
    expect(staff.get_by_text("Выдано сертификатов: 12.")).to_be_visible()
    screenshot(staff, "admin_certificates")
    assert Certificate.objects.count() == 12

    certificate = Certificate.objects.get(last_name="Тауль")
    staff.get_by_role("link", name=certificate.number).click()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="Скачать PDF").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"Сертификат {certificate.number} Тауль О. М.pdf"
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True).stdout
    assert "Тауль Ольге Михайловне" in " ".join(text.split())

    # The visitor's phone reads the QR code and opens the address.
    url = qr_of(saved, tmp_path)
    assert url.endswith(f"/certificates/{certificate.number}/")
    visitor = new_page(viewport={"width": 360, "height": 800})
    visitor.goto(f"/certificates/{certificate.number}/")
    expect(visitor.locator("h1")).to_have_text(f"Сертификат № {certificate.number}")
    expect(visitor.get_by_text("Сертификат действителен.")).to_be_visible()
    screenshot(visitor, "certificate_verify")
    visitor.get_by_role("link", name="Тауль Ольга Михайловна").click()
    expect(visitor.locator("h1")).to_have_text("Тауль Ольга Михайловна")
    expect(
        visitor.get_by_role("link", name=f"Сертификат докладчика № {certificate.number}")
    ).to_be_visible()

    # Staff revoke it; the visitor's page says so.
    staff.goto(f"/admin/certificates/certificate/{certificate.pk}/revoke/")
    staff.get_by_label("Причина").fill("выдан по ошибке")
    staff.get_by_role("button", name="Отозвать").click()
    expect(staff.get_by_text(f"Сертификат № {certificate.number} отозван.")).to_be_visible()
    visitor.goto(f"/certificates/{certificate.number}/")
    expect(visitor.get_by_text("Сертификат отозван")).to_be_visible()
