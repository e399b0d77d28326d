import io

import pytest
from django.core.management import call_command

from seminars.models import Seminar


@pytest.fixture
def demo_seminar(db):
    """The seminar of 24 November 2021, loaded by `load_demo` exactly as `make run` loads it."""
    call_command("load_demo", stdout=io.StringIO())
    return Seminar.objects.get()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.ru", "pw-not-used-1")
    client.force_login(user)
    return client
