"""A request id on every log record, and records that are kept from flooding the log or the
administrators' mail.

The id comes from the reverse proxy (nginx's `$request_id` in `X-Request-ID`, docs/deployment.md)
or is made here; it goes back in the response's `X-Request-ID` and on the 500 page, so a
visitor's report, the access log and the traceback in the journal can be matched.
"""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.log import AdminEmailHandler

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is taken as it is if it looks like one; anything else could forge log lines.
PROXY_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

current_request_id = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    """Gives each request an id (`request.request_id`) for the log records made while it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if PROXY_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: Django logs a response's status after the middleware
    has finished, so the request the record carries is asked first."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class Throttle:
    """Says yes to a key at most once per `seconds` in this process."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.last = {}

    def ready(self, key):
        now = time.monotonic()
        if now - self.last.get(key, -self.seconds) < self.seconds:
            return False
        self.last[key] = now
        return True


class AdminEmailOncePerInterval(AdminEmailHandler):
    """Django's error mail to ADMINS, one per kind of failure per interval: a failure that hits
    every request (a dependency that is down) sends one mail, not one per visitor."""

    def __init__(self, seconds=300, **kwargs):
        super().__init__(**kwargs)
        self.throttle = Throttle(seconds)

    def emit(self, record):
        if settings.ADMINS and self.throttle.ready(failure_kind(record)):
            super().emit(record)


def failure_kind(record):
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        return (type(error).__qualname__, str(error)[:200])
    return (record.name, str(record.msg))


def sentry_before_send(event, hint):
    """Tags an error sent to Sentry with the request id that the log and the page show."""
    if (request_id := current_request_id.get()) != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return event
