"""The production path of background work: a task stored in the database, run by `db_worker`.

The worker is a process of its own in production; here it runs in the test's process, reading
what the test committed (hence `transaction=True`).
"""

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core.cache import figure, new_generation
from tests.core import figures

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_data"),
]


@pytest.fixture
def database_tasks(settings, aggregate_cache):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


def test_a_recount_waits_in_the_database_until_the_worker_runs_it(database_tasks):
    figures.calls.clear()
    figure(figures.count, "talks")
    new_generation()

    during = figure(figures.count, "talks")
    queued = list(DBTaskResult.objects.values_list("status", "task_path"))
    still_during = figure(figures.count, "talks")
    run_worker()

    assert (during, still_during, figure(figures.count, "talks")) == (1, 1, 2)
    assert queued == [("READY", "core.tasks.recount")]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_download_is_built_by_the_worker_never_by_the_request(database_tasks, client, db):
    from django_tasks_db.models import DBTaskResult

    call_command("load_demo", stdout=io.StringIO())
    DBTaskResult.objects.all().delete()

    waiting = client.get("/api/archive.zip", {"r": "1"})
    again = client.get("/api/archive.zip", {"r": "2"})
    queued = list(DBTaskResult.objects.values_list("task_path", flat=True))
    run_worker()
    ready = client.get("/api/archive.zip", {"r": "3"})

    assert (waiting.status_code, again.status_code) == (503, 503)
    assert waiting["Retry-After"] == "30"
    assert "<h1>Файл готовится</h1>" in waiting.content.decode()
    assert queued == ["core.tasks.build_download"]  # once, whatever the parameters
    assert ready.status_code == 200
    assert ready.getvalue().startswith(b"PK")
