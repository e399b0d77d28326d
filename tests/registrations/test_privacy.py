"""152-ФЗ: participants are never public, and their data go after PARTICIPANT_DATA_MONTHS."""

import datetime
import io
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registrations import tasks
from registrations.models import Registration
from seminars.models import Seminar
from tests.core.public_urls import working_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def past(upcoming):
    """The demo's seminar of 2021, beside the upcoming one."""
    return Seminar.objects.exclude(pk=upcoming.pk).get()


SECRETS = ("Зюзюкина", "zyuzyukina", "Ипполитовна", "914 555", "Секретная библиотека")


def test_participants_appear_on_no_public_page_feed_api_search_or_download(
    client, post, upcoming, register_url, form_data
):
    post(
        register_url,
        form_data(
            last_name="Зюзюкина",
            patronymic="Ипполитовна",
            email="zyuzyukina@example.ru",
            phone="+7 914 555-00-00",
            library_text="Секретная библиотека",
        ),
    )
    Registration.objects.update(attended=True)
    client.cookies.clear()

    urls = working_urls(client)
    urls["search"] = "/search/?q=Зюзюкина"
    urls["search-email"] = "/search/?q=zyuzyukina"
    urls["api-people"] = "/api/people/?page_size=200"
    assert len(urls) > 30
    leaks = {}
    for name, url in urls.items():
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        texts = [body]
        if body.startswith(b"PK"):
            archive = zipfile.ZipFile(io.BytesIO(body))
            texts = [archive.read(member) for member in archive.namelist()]
        # A search page repeats its query: what the visitor typed is not a leak.
        shown = [secret for secret in SECRETS if secret not in url]
        found = [secret for secret in shown for text in texts if secret.encode() in text]
        if found:
            leaks[name] = found
    assert leaks == {}


def registration(seminar, **changes):
    values = {
        "seminar": seminar,
        "last_name": "Ёлкина",
        "first_name": "Анна",
        "email": "elkina@example.ru",
        "position": "методист",
        "locality": "Соболево",
        "consent_at": timezone.now(),
        "attended": True,
    }
    return Registration.objects.create(**(values | changes))


def test_purge_removes_personal_data_after_the_retention_period_and_keeps_the_counts(
    settings, upcoming, past
):
    from libraries.models import Region

    settings.PARTICIPANT_DATA_MONTHS = 12
    kamchatka = Region.objects.get(code="41")
    old = registration(past, region=kamchatka)
    recent = registration(upcoming, region=kamchatka)
    out = io.StringIO()

    call_command("purge_participants", stdout=out)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.last_name, old.first_name, old.email, old.position) == ("", "", "", "")
    assert (old.region, old.attended, old.purged_at is not None) == (kamchatka, True, True)
    assert recent.last_name == "Ёлкина" and recent.purged_at is None
    assert out.getvalue().startswith("Персональные данные удалены: 1 регистрация семинаров")
    assert "(срок хранения — 12 месяцев)" in out.getvalue()


def test_the_retention_period_is_counted_from_the_seminar(settings, past):
    old = registration(past)
    today = past.start_date + datetime.timedelta(days=40)

    settings.PARTICIPANT_DATA_MONTHS = 2
    assert tasks.purge(today)[0] == 0
    settings.PARTICIPANT_DATA_MONTHS = 1
    assert tasks.purge(today)[0] == 1

    old.refresh_from_db()
    assert old.purged_at is not None


def test_months_before_handles_short_months():
    assert tasks.months_before(datetime.date(2027, 3, 31), 1) == datetime.date(2027, 2, 28)
    assert tasks.months_before(datetime.date(2027, 1, 15), 12) == datetime.date(2026, 1, 15)
    assert tasks.months_before(datetime.date(2027, 1, 15), 13) == datetime.date(2025, 12, 15)


def test_the_round_reminds_the_day_before_and_thanks_after(
    upcoming, past, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    upcoming.start_date = today + datetime.timedelta(days=1)
    upcoming.save()
    past.start_date = today - datetime.timedelta(days=1)
    past.save()
    reminded = registration(upcoming, participation="online", attended=False)
    thanked = registration(past, email="other@example.ru")
    registration(past, email="absent@example.ru", attended=False)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.participant_round.call()
    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.participant_round.call()

    assert result == {"reminded": 1, "thanked": 1, "purged": 0}
    assert again == {"reminded": 0, "thanked": 0, "purged": 0}
    reminder, thanks = mail.outbox
    assert (reminder.to, thanks.to) == ([reminded.email], [thanked.email])
    assert reminder.subject == f"Напоминание: {upcoming.title}"
    assert "Ссылка на онлайн-комнату: https://example.ru/webinar/detskaya-kniga" in reminder.body
    assert thanks.subject == f"Спасибо за участие: {past.title}"
