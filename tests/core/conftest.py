import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from people.models import Person
from seminars.models import Topic

PASSWORD = "Kamchatka-seminar-2021"


@pytest.fixture
def archive(demo_seminar, django_user_model):
    """A row of every model the admin shows, so that every object URL has a real object."""
    Topic.objects.create(name="Цифровые ресурсы")
    Person.objects.create(last_name="Ёлкина", first_name="Анна")
    django_user_model.objects.create_user("someone", password=PASSWORD)
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.9", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.9")
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.9")
    return demo_seminar
