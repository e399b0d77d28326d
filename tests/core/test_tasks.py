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
