import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

PASSWORD = "Kamchatka-seminar-2021"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


def log_in(client, password, ip="10.0.0.1", username="editor"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_fifth_failure_locks_that_username_from_that_ip(client, editor):
    for _ in range(4):
        assert log_in(client, "wrong").status_code == 200  # the form again, with an error

    response = log_in(client, "wrong")

    assert response.status_code == 429
    assert "Вход временно закрыт" in response.content.decode()
    # Even the right password is refused while locked.
    assert log_in(client, PASSWORD).status_code == 429


def test_lockout_leaves_colleagues_on_the_same_ip_alone(client, editor, django_user_model):
    django_user_model.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    for _ in range(5):
        log_in(client, "wrong")

    response = log_in(client, PASSWORD, username="colleague")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_lockout_ends_after_the_cool_off(client, editor):
    for _ in range(5):
        log_in(client, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    response = log_in(client, PASSWORD)

    assert response.status_code == 302


def shift_attempts_back(minutes):
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes)
    )


def test_attempts_during_the_lockout_do_not_extend_it(client, editor):
    for _ in range(5):
        log_in(client, "wrong")
    shift_attempts_back(10)
    # Still locked: the right password and a wrong one are both refused.
    assert log_in(client, PASSWORD).status_code == 429
    assert log_in(client, "wrong").status_code == 429
    shift_attempts_back(6)  # 16 minutes after the lock, 6 after the refused attempts

    response = log_in(client, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_lockout_page_says_when_to_try_again(client, editor):
    for _ in range(4):
        log_in(client, "wrong")

    response = log_in(client, "wrong")

    last_failure = AccessAttempt.objects.get().attempt_time
    unlock_at = timezone.localtime(last_failure + datetime.timedelta(minutes=15))
    text = " ".join(response.content.decode().split())
    assert response.status_code == 429
    assert f"Вход откроется сам в {unlock_at:%H:%M} (через 15 минут)" in text
    assert 899 <= int(response["Retry-After"]) <= 900
    shift_attempts_back(13)
    response = log_in(client, PASSWORD)
    assert "(через 2 минуты)" in " ".join(response.content.decode().split())
    assert 119 <= int(response["Retry-After"]) <= 120


def test_the_proxy_passes_the_client_address(client, editor):
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP="203.0.113.7",
        )

    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [
        ("203.0.113.7", 5)
    ]


def test_a_client_cannot_choose_its_address(client, editor):
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="198.51.100.2",
            HTTP_X_REAL_IP="203.0.113.7",
        )

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.2"]


@pytest.mark.parametrize("password", ["short1", "1234567890123", "password123", "editor-editor"])
def test_weak_passwords_are_refused(password, django_user_model):
    user = django_user_model(username="editor-editor")

    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_sessions_expire(client, editor):
    assert log_in(client, PASSWORD).status_code == 302
    session = Session.objects.get()
    lifetime = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < lifetime <= datetime.timedelta(hours=8)
    assert client.cookies["sessionid"]["max-age"] == ""  # gone when the browser closes
    assert client.get("/admin/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_department_admin_sees_the_lockouts_read_only(client, editor):
    for _ in range(5):
        log_in(client, "wrong")
    staff = type(editor).objects.create_superuser("boss", password=PASSWORD)
    client.force_login(staff)

    changelist = client.get("/admin/axes/accessattempt/")

    assert changelist.status_code == 200
    assert "10.0.0.1" in changelist.content.decode()
    assert client.get("/admin/axes/accessattempt/add/").status_code == 403
