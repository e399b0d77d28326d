"""Mail, always sent by the background worker: a slow or dead mail server never holds a request.

`send_message.enqueue(...)` (or `send_later(...)`, which waits for the transaction to commit)
takes plain values only, because the database backend stores a task's arguments as JSON:
attachments are `[filename, content, mimetype]`, the content text for `text/*` types and base64
for anything else (a PDF certificate).
"""

import base64
import smtplib
from datetime import timedelta
from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

# A message the server refused for a while is tried again: after 5, 10, 20, 40 minutes.
RETRIES = 4
FIRST_RETRY = timedelta(minutes=5)


@task()
def send_message(subject, body, to, attachments=(), reply_to=(), attempt=0):
    message = EmailMessage(subject, body, to=list(to), reply_to=list(reply_to))
    for filename, content, mimetype in attachments:
        if not mimetype.startswith("text/"):
            content = base64.b64decode(content)
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        # A backend that runs tasks at once (tests, development without a worker) cannot wait.
        if attempt < RETRIES and send_message.get_backend().supports_defer:
            send_message.using(run_after=timezone.now() + FIRST_RETRY * 2**attempt).enqueue(
                subject, body, to, attachments, reply_to, attempt + 1
            )
        raise


def send_later(subject, body, to, attachments=(), reply_to=()):
    """Queues the message once the current transaction commits (nothing is sent for a
    registration that was rolled back)."""
    transaction.on_commit(
        partial(send_message.enqueue, subject, body, list(to), list(attachments), list(reply_to))
    )
