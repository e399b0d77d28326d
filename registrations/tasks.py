"""The hourly round of the background worker: reminders the day before a seminar, thanks after
it, and removal of participants' personal data after PARTICIPANT_DATA_MONTHS.

django-tasks has no schedule of its own: each round queues the next one an hour ahead
(`manage.py schedule_rounds`, run by `make run` and by the worker's systemd unit, queues the
first one unless a round is already waiting).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import mail
from .models import Registration

ROUND_EVERY = datetime.timedelta(hours=1)
# Thanks go out only for a seminar that ended in the last week.
THANKS_WITHIN = datetime.timedelta(days=7)


def months_before(day, months):
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _send(due, send, stamp):
    """Sends `send(registration)` to each registration due and stamps `stamp` with the time."""
    sent = 0
    for registration in due.select_related("seminar__organizer__parent__parent"):
        with transaction.atomic():
            send(registration)
            # An update, not a save: no public page shows the stamp, so the archive's cached
            # pages and figures (renewed on every save of a registration) stay.
            Registration.objects.filter(pk=registration.pk).update(**{stamp: timezone.now()})
        sent += 1
    return sent


def send_reminders(today):
    due = Registration.objects.registered().filter(
        seminar__start_date=today + datetime.timedelta(days=1),
        reminded_at__isnull=True,
        purged_at__isnull=True,
    )
    return _send(due, mail.reminder, "reminded_at")


def send_thanks(today):
    after = today - THANKS_WITHIN
    due = (
        Registration.objects.alias(last_day=Coalesce("seminar__end_date", "seminar__start_date"))
        .filter(attended=True, thanked_at__isnull=True, purged_at__isnull=True)
        .exclude(email="")
        # The bound on the start date lets the database use its index.
        .filter(seminar__start_date__gte=after - datetime.timedelta(days=30))
        .filter(last_day__gte=after, last_day__lt=today)
    )
    return _send(due, mail.thanks, "thanked_at")


def purge(today):
    """Personal data of seminars that ended PARTICIPANT_DATA_MONTHS ago or earlier; returns the
    number of registrations cleared and the day before which seminars were cleared."""
    before = months_before(today, settings.PARTICIPANT_DATA_MONTHS)
    old = Registration.objects.alias(
        last_day=Coalesce("seminar__end_date", "seminar__start_date")
    ).filter(purged_at__isnull=True, last_day__lt=before)
    count = 0
    for registration in old.iterator():
        registration.erase()
        registration.save()
        count += 1
    return count, before


def schedule(after=datetime.timedelta(0)):
    """Queues the next round unless one is waiting; nothing where tasks cannot wait (tests,
    the immediate backend)."""
    backend = participant_round.get_backend()
    if not backend.supports_defer:
        return
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=participant_round.module_path
        )
        if waiting.exists():
            return
    participant_round.using(run_after=timezone.now() + after).enqueue()


@task()
def participant_round():
    today = timezone.localdate()
    try:
        reminded = send_reminders(today)
        thanked = send_thanks(today)
        purged, _ = purge(today)
    finally:
        schedule(ROUND_EVERY)
    return {"reminded": reminded, "thanked": thanked, "purged": purged}
