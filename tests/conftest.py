import io
import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

from core.models import remember_absent
from libraries.models import Department, Library, Locality
from people.models import Person
from seminars.models import Seminar, TalkSpeaker, Topic
from tests.browser import CHROMIUM
from tests.browser import unavailable_reason as browser_unavailable_reason


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages and aggregates are cached; tests see fresh ones unless they test the cache."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.AGGREGATE_CACHE_SECONDS = 0
    cache.clear()
    # A fresh test database has no organisation record; saving one replaces this (core/models.py).
    remember_absent()


@pytest.fixture(autouse=True)
def exports_root(settings, tmp_path_factory):
    """Built downloads go to a folder of the test's own (core/downloads.py)."""
    settings.EXPORTS_ROOT = tmp_path_factory.mktemp("exports")
    return settings.EXPORTS_ROOT


@pytest.fixture(autouse=True)
def certificates_root(settings, tmp_path):
    """Certificates drawn by a test go into a folder of its own, never the project's."""
    settings.CERTIFICATES_ROOT = tmp_path / "certificates"
    return settings.CERTIFICATES_ROOT


@pytest.fixture(autouse=True)
def tasks_at_once(settings):
    """Background tasks run as they are enqueued; tests of the worker use the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def aggregate_cache(settings):
    """Figures over the whole archive kept in the cache, as in production."""
    settings.AGGREGATE_CACHE_SECONDS = 60
    cache.clear()
    remember_absent()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def restore_migrated_data(django_db_blocker):
    """Puts back what migrations wrote (the 89 regions …) once a module of committing tests is done.

    Tests that commit (`django_db(transaction=True)`: live-server and thread tests) empty every
    table in their teardown; `serialized_rollback` refills them before each such test, but not for
    the ordinary tests that the same xdist worker may run afterwards. Such tests get a module of
    their own that uses this fixture.
    """
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            if contents := getattr(connections[alias], "_test_serialized_contents", None):
                connections[alias].creation.deserialize_db_from_string(contents)


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


def pytest_report_header(config):
    if reason := browser_unavailable_reason():
        return f"browser tests: NOT RUN — {reason}"
    return f"browser tests: Chromium at {CHROMIUM}"


def pytest_configure(config):
    # CI sets this so that a machine without Chromium fails instead of silently skipping.
    if os.environ.get("REQUIRE_BROWSER_TESTS") and (reason := browser_unavailable_reason()):
        raise pytest.UsageError(f"REQUIRE_BROWSER_TESTS is set but {reason}")


def pytest_terminal_summary(terminalreporter):
    if reason := browser_unavailable_reason():
        terminalreporter.write_sep("!", f"browser tests were NOT run: {reason}", yellow=True)


def pytest_runtest_setup(item):
    from django.db import connection

    if item.get_closest_marker("postgresql") and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


@pytest.fixture
def synthetic_archive(db):
    """Builds a `generate_archive` archive of the given size, replacing the one built before."""

    def build(talks=2000, seed=5):
        TalkSpeaker.objects.all().delete()
        Seminar.objects.all().delete()
        Person.objects.all().delete()
        Department.objects.all().delete()
        Library.objects.filter(parent__isnull=False).delete()
        Library.objects.all().delete()
        Locality.objects.all().delete()
        Topic.objects.all().delete()
        call_command(
            "generate_archive", talks=talks, seed=seed, stdout=io.StringIO(), stderr=io.StringIO()
        )

    return build
