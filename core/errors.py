"""Russian error pages, and a 503 instead of a 500 while the database is away.

The pages extend base.html but never touch the database: they are what is left to show when it
is down, so they get no context processors that might read the session.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from core.context_processors import site_urls

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def _page(template, status, title, **context):
    context = {"page_title": title, **site_urls(None), **context}
    html = loader.render_to_string(template, context)
    return HttpResponse(html, status=status)


@requires_csrf_token
def bad_request(request, exception):
    return _page("400.html", 400, "Неверный запрос")


@requires_csrf_token
def permission_denied(request, exception):
    return _page("403.html", 403, "Доступ запрещён")


@requires_csrf_token
def page_not_found(request, exception):
    return _page("404.html", 404, "Страница не найдена", request_path=request.path)


@requires_csrf_token
def server_error(request):
    # The id of the log record with the traceback (core/logs.py), for the visitor to quote.
    request_id = getattr(request, "request_id", None)
    return _page("500.html", 500, "Ошибка на сервере", request_id=request_id)


def csrf_failure(request, reason=""):
    return _page("403_csrf.html", 403, "Форма устарела")


def service_unavailable():
    response = _page("503.html", 503, "Сайт временно недоступен")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 with Retry-After when a view cannot reach the database (down or hung).

    The connect timeout in settings bounds how long that takes; once the database is back the
    next request simply opens a new connection.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # OperationalError covers refused and timed-out connections and a server that went away;
        # other database errors (a bad query) are bugs and stay 500s.
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable: %s", exception)
            return service_unavailable()
        return None
