"""Certificates in the background (`manage.py db_worker`): issuing, the ZIP of all, mailing.

Each is a `Job` whose progress the tasks write into it every second or so, so the admin shows
how far it has gone; one certificate at a time is in memory. Issuing is cut into chunks, each
a task of its own: with several workers (`db_worker` on each core) they draw in parallel, and a
worker that dies loses one chunk, which «Выдать сертификаты» issues again.
"""

import dataclasses
import datetime
import logging
import os
import smtplib
import tempfile
import time
import zipfile

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from core.cache import new_generation

from .issue import Composer, Recipient, due, ensure_pdf, issue, mail_for
from .models import Certificate, Job

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds), and always at the end of a task.
PROGRESS_EVERY = 1.0
# Certificates per issuing task: small enough to spread over workers, large enough that a
# task's start-up (the seminar, its templates) is paid rarely.
CHUNK = 50
# A job that reported nothing for this long lost its worker (stopped, killed): another click
# may start the work again instead of waiting for it for ever.
SILENT_FOR = datetime.timedelta(minutes=10)


class Progress:
    """Counts what one task did and adds it to the job's totals (other tasks add theirs)."""

    def __init__(self, job):
        self.job = job
        self.done = self.skipped = 0
        self.written = time.monotonic()

    def step(self, skipped=False):
        if skipped:
            self.skipped += 1
        else:
            self.done += 1
        if time.monotonic() - self.written >= PROGRESS_EVERY:
            self.save()

    def save(self, **fields):
        Job.objects.filter(pk=self.job.pk).update(
            done=F("done") + self.done,
            skipped=F("skipped") + self.skipped,
            updated_at=timezone.now(),
            **fields,
        )
        self.done = self.skipped = 0
        self.written = time.monotonic()


def start(seminar, action, kinds, user=None):
    """Queues `action` for the seminar's certificates of `kinds`, unless the same work is already
    queued or running (a second click gives the first job). Returns (job, created)."""
    with transaction.atomic():
        active = Job.objects.select_for_update().filter(
            seminar=seminar, action=action, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        )
        silent = timezone.now() - SILENT_FOR
        active.filter(updated_at__lt=silent).update(
            status=Job.Status.FAILED,
            message="Прервано: задание долго не сообщало о ходе работы и запущено заново.",
            finished_at=timezone.now(),
        )
        running = active.filter(updated_at__gte=silent).first()
        if running:
            return running, False
        job = Job.objects.create(
            seminar=seminar,
            action=action,
            kinds=",".join(kinds),
            created_by=user if user and user.is_authenticated else None,
        )
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job, True


def failed(job, progress, error):
    logger.exception("Certificate job %s failed", job.pk)
    progress.save(
        status=Job.Status.FAILED,
        message=f"Ошибка: {error}. Сделанное сохранено; запустите ещё раз, чтобы продолжить.",
        finished_at=timezone.now(),
    )


@task()
def run_job(job_id):
    job = Job.objects.select_related("seminar").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, updated_at=timezone.now())
    progress = Progress(job)
    if job.action == Job.Action.ISSUE:
        split_issue(job)
        return
    work = {Job.Action.ZIP: build_zip, Job.Action.MAIL: send_all}[job.action]
    try:
        message = work(job, progress)
    except Exception as error:
        failed(job, progress, error)
        raise
    progress.save(status=Job.Status.DONE, message=message, finished_at=timezone.now())


def split_issue(job):
    """Who is due, in chunks of CHUNK, each queued as a task; the last to finish closes the job."""
    recipients = [dataclasses.asdict(recipient) for recipient in due(job.seminar, job.kind_list)]
    Job.objects.filter(pk=job.pk).update(total=len(recipients), updated_at=timezone.now())
    if not recipients:
        finish_issue(job.pk)
        return
    for first in range(0, len(recipients), CHUNK):
        issue_chunk.enqueue(job.pk, recipients[first : first + CHUNK])


@task()
def issue_chunk(job_id, recipients):
    job = Job.objects.select_related("seminar").get(pk=job_id)
    if job.status != Job.Status.RUNNING:
        return  # failed meanwhile: the rest waits for the next «Выдать сертификаты»
    composer = Composer(job.seminar)
    progress = Progress(job)
    try:
        for values in recipients:
            try:
                issue(composer, Recipient(**values))
            except IntegrityError:
                # Issued meanwhile (the command line, a re-issue): one valid certificate is enough.
                progress.step(skipped=True)
            else:
                progress.step()
    except Exception as error:
        failed(job, progress, error)
        raise
    progress.save()
    finish_issue(job_id)


def finish_issue(job_id):
    """Closes the job once every chunk has counted its certificates."""
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.RUNNING or job.done + job.skipped < job.total:
        return
    message = f"Выдано сертификатов: {job.done}." + (
        f" Уже были выданы: {job.skipped}." if job.skipped else ""
    )
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        status=Job.Status.DONE,
        message=message,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    # Speakers' pages list their certificates: once per job, not per certificate issued.
    new_generation()


def certificates_of(job):
    return Certificate.objects.printable(job.seminar, job.kind_list)


def build_zip(job, progress):
    """All valid certificates into one ZIP file beside them, written whole or not at all."""
    certificates = certificates_of(job)
    Job.objects.filter(pk=job.pk).update(total=certificates.count(), updated_at=timezone.now())
    path = job.zip_path
    path.parent.mkdir(parents=True, exist_ok=True)
    # PDFs are compressed already: stored as they are, the archive builds at disk speed.
    with (
        tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as part,
        zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as archive,
    ):
        for certificate in certificates.iterator(chunk_size=200):
            archive.write(ensure_pdf(certificate), certificate.filename)
            progress.step()
    os.replace(part.name, path)
    return f"Архив готов: сертификатов в нём — {progress.done}."


def send_all(job, progress):
    """Mails each valid certificate with an address that has not been mailed yet, over one
    connection to the mail server; a refused address is reported and the rest go on."""
    certificates = certificates_of(job).filter(emailed_at__isnull=True)
    without_address = certificates.filter(email="").count()
    certificates = certificates.exclude(email="")
    Job.objects.filter(pk=job.pk).update(total=certificates.count(), updated_at=timezone.now())
    failed = []
    with get_connection() as connection:
        for certificate in certificates.iterator(chunk_size=200):
            subject, body = mail_for(certificate)
            message = EmailMessage(subject, body, to=[certificate.email], connection=connection)
            message.attach(
                certificate.filename, ensure_pdf(certificate).read_bytes(), "application/pdf"
            )
            try:
                message.send()
            except (OSError, smtplib.SMTPException) as error:
                logger.warning("Certificate %s not mailed: %s", certificate.number, error)
                failed.append(certificate.email)
                progress.step(skipped=True)
                continue
            Certificate.objects.filter(pk=certificate.pk).update(emailed_at=timezone.now())
            progress.step()
    message = f"Отправлено писем: {progress.done}."
    if failed:
        message += f" Не приняты сервером ({len(failed)}): {', '.join(failed[:20])}."
    if without_address:
        message += f" Без адреса электронной почты: {without_address}."
    return message
