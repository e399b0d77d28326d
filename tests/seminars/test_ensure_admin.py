import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory


@pytest.mark.django_db
def test_creates_an_admin_with_a_random_password_printed_once(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().split("с паролем: ")[1].split()[0]
    assert len(password) >= 16
    assert password not in {"admin", "password", "12345678"}
    assert authenticate(
        RequestFactory().post("/admin/login/"), username="admin", password=password
    ).is_superuser

    again = io.StringIO()
    call_command("ensure_admin", stdout=again)
    assert password not in again.getvalue()
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_takes_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "metodist")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Kamchatka-2021-seminar")
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    assert "Kamchatka-2021-seminar" not in out.getvalue()
    assert authenticate(
        RequestFactory().post("/admin/login/"),
        username="metodist",
        password="Kamchatka-2021-seminar",
    ).is_superuser
