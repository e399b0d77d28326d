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
