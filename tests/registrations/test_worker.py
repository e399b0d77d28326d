"""The production path: mail and the hourly round wait in the database for `db_worker`."""

import datetime
import io
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.models import Registration

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_data"),
]


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


def test_mail_is_sent_by_the_worker_and_retried_after_the_server_refused(
    database_tasks, settings, client, register_url, form_data
):
    response = client.post(register_url, form_data())

    assert response.status_code == 302
    assert mail.outbox == []
    [queued] = DBTaskResult.objects.all()
    assert (queued.task_path, queued.status) == ("core.mail.send_message", "READY")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    run_worker()

    queued.refresh_from_db()
    assert queued.status == "FAILED"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now() + datetime.timedelta(minutes=4)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    [message] = mail.outbox
    assert message.to == ["elkina@example.ru"]
    assert message.attachments[0][0].endswith(".ics")


def test_the_hourly_round_is_queued_once_and_queues_the_next(database_tasks, upcoming):
    call_command("schedule_rounds", stdout=io.StringIO())
    call_command("schedule_rounds", stdout=io.StringIO())

    [first] = DBTaskResult.objects.all()
    run_worker()

    first.refresh_from_db()
    assert first.status == "SUCCESSFUL"
    [following] = DBTaskResult.objects.filter(status="READY")
    assert following.task_path == "registrations.tasks.participant_round"
    assert following.run_after > timezone.now() + datetime.timedelta(minutes=59)
    assert Registration.objects.count() == 0
