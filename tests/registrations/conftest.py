import io

import pytest
from django.core.management import call_command

from libraries.models import Region
from seminars.management.commands.load_demo import UPCOMING_TITLE
from seminars.models import Seminar


@pytest.fixture
def upcoming(db):
    """The demo's upcoming seminar, registration open, as `make run` loads it."""
    call_command("load_demo", "--upcoming", stdout=io.StringIO())
    return Seminar.objects.get(title=UPCOMING_TITLE)


@pytest.fixture
def register_url(upcoming):
    return f"/seminars/{upcoming.start_date.year}/{upcoming.slug}/registration/"


@pytest.fixture
def form_data(db):
    def build(**changes):
        data = {
            "last_name": "Ёлкина",
            "first_name": "Анна-Мария",
            "patronymic": "Петровна",
            "position": "ведущий методист",
            "library_text": "Соболевская сельская библиотека",
            "locality": "с. Соболево",
            "region": Region.objects.get(code="41").pk,
            "email": "Elkina@Example.ru",
            "phone": "+7 914 123-45-67",
            "participation": "online",
            "consent": "on",
            "website": "",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return build


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """A POST whose mail goes out as it would after the request's transaction commits."""

    def send(url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return send


@pytest.fixture
def people(upcoming):
    """Three registrations for the upcoming seminar, from two regions."""
    from django.utils import timezone

    from registrations.models import Registration

    kamchatka, sakhalin = Region.objects.get(code="41"), Region.objects.get(code="65")
    rows = [
        (
            "Ёлкина",
            "Анна",
            "Петровна",
            "elkina@example.ru",
            kamchatka,
            "Соболевский муниципальный район",
        ),
        ("Иванова", "Мария", "", "ivanova@example.ru", sakhalin, ""),
        (
            "Петров",
            "Олег",
            "Ильич",
            "petrov@example.ru",
            kamchatka,
            "Елизовский муниципальный район",
        ),
    ]
    return [
        Registration.objects.create(
            seminar=upcoming,
            last_name=last,
            first_name=first,
            patronymic=middle,
            position="библиотекарь",
            library_text="Сельская библиотека",
            locality="с. Соболево",
            municipal_district=district,
            region=region,
            email=email,
            consent_version="test",
            consent_at=timezone.now(),
        )
        for last, first, middle, email, region, district in rows
    ]
