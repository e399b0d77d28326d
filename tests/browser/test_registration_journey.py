"""The whole flow of issue 25 in a real browser: a visitor registers for the demo's upcoming
seminar, the confirmation mail carries its .ics, the cancel link works, staff import the
webinar's participant report, and the statistics page shows the participant's region."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from registrations.models import Registration
from seminars.management.commands.load_demo import UPCOMING_TITLE
from seminars.models import Seminar
from tests.browser import axe, blocking, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def register(page, url, last_name, first_name, email, region):
    page.goto(url)
    expect(page.get_by_text("Регистрация открыта до")).to_be_visible()
    page.locator("#id_last_name").fill(last_name)
    page.locator("#id_first_name").fill(first_name)
    page.locator("#id_position").fill("библиотекарь")
    page.locator("#id_library_text").fill("Центральная районная библиотека")
    page.locator("#id_locality").fill("Корсаков")
    page.locator("#id_region").select_option(label=region)
    page.locator("#id_email").fill(email)
    page.get_by_label("онлайн").check()
    page.get_by_label("Согласен (согласна) на обработку моих персональных данных").check()
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.locator("h1")).to_have_text("Вы зарегистрированы")


def test_register_confirm_cancel_import_attendance_and_count(new_page, site, django_user_model):
    call_command("load_demo", "--upcoming", stdout=io.StringIO())
    seminar = Seminar.objects.get(title=UPCOMING_TITLE)
    url = seminar.get_absolute_url()

    page = new_page()
    page.goto(url)
    assert blocking(axe(page)) == []
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert not page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        screenshot(page, "registration")
    # A form with a mistake: the message says what to fix, and nothing is lost.
    page.locator("#id_last_name").fill("Иванова2")
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.get_by_role("alert")).to_contain_text("Только буквы, дефис и пробел.")
    expect(page.locator("#id_last_name")).to_have_value("Иванова2")

    register(page, url, "Иванова", "Мария", "ivanova@example.ru", "Сахалинская область")
    register(new_page(), url, "Петров", "Олег", "petrov@example.ru", "Магаданская область")

    first = mail.outbox[0]
    assert first.to == ["ivanova@example.ru"]
    [(name, ics, mimetype)] = first.attachments
    assert name.endswith(".ics") and mimetype == "text/calendar"
    assert f"SUMMARY:{seminar.title[:40]}" in ics.replace("\r\n ", "")
    cancel = re.search(r"http://\S+/registration/cancel/\S+/", first.body).group(0)

    # The link from the letter, opened on the live server.
    page.goto(cancel.replace("http://127.0.0.1:8000", site.url))
    page.get_by_role("button", name="Отменить регистрацию").click()
    expect(page.get_by_role("status")).to_contain_text("ваши персональные данные удалены")
    assert not Registration.objects.filter(email="ivanova@example.ru").exists()

    staff = new_page()
    django_user_model.objects.create_superuser("metodist", "m@example.ru", "Секрет-пароль-2021")
    staff.goto("/admin/registrations/registration/attendance/")
    staff.get_by_label("Имя пользователя").fill("metodist")
    staff.get_by_label("Пароль").fill("Секрет-пароль-2021")
    staff.get_by_role("button", name="Войти").click()
    staff.locator("#id_seminar").select_option(label=seminar.title)
    report = "ФИО;E-mail;Время\nПетров Олег;PETROV@example.ru;10:02\nГость;guest@example.ru;10:05\n"
    staff.locator("#id_report").set_input_files(
        {"name": "webinar.csv", "mimeType": "text/csv", "buffer": report.encode()}
    )
    staff.get_by_role("button", name="Отметить присутствие").click()
    expect(staff.locator("#content")).to_contain_text("присутствие отмечено — 1 участник")
    expect(staff.locator(".unmatched")).to_contain_text("Гость · guest@example.ru")

    page.goto(f"/statistics/?year_from={seminar.start_date.year}")
    table = page.locator("section", has=page.locator("h2", has_text="Участники по регионам"))
    expect(table).to_contain_text("Магаданская область")
    expect(page.locator("body")).not_to_contain_text("Петров Олег")
