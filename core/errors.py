"""Russian error pages, and a 503 instead of a 500 while the database is away.

The pages extend base.html but never touch the database: they are what is left to show when it
is down, so they get no context processors that might read the session.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.deprecation import MiddlewareMixin
from django.views.decorators.csrf import requires_csrf_token

from core.context_processors import site_urls

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def _page(template, status, title, **context):
    context = {"page_title": title, **site_urls(None), **context}
    return HttpResponse(loader.render_to_string(template, context), status=status)


@requires_csrf_token
def bad_request(request, exception, reason=""):
    return _page("400.html", 400, "Неверный запрос", reason=reason)


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


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """Answers 503 with Retry-After when a view cannot reach the database (down or hung).

    The connect timeout in settings bounds how long that takes; once the database is back the
    next request simply opens a new connection.
    """

    def process_exception(self, request, exception):
        # OperationalError covers refused and timed-out connections and a server that went away;
        # other database errors (a bad query) are bugs and stay 500s.
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable: %s", exception)
            return service_unavailable()
        return None


# Far longer than any search, filter or page number: the search cuts a long query itself and
# says so; beyond this nothing was typed by a person.
MAX_PARAMETER_LENGTH = 10_000
# What Django puts in place of bytes that are not UTF-8 (`%ff`).
NOT_UTF8 = "\ufffd"
API_PREFIX = "/api/"


def unusable_input(request):
    """Why the request's address or cookies cannot be used, in Russian, or "".

    PostgreSQL cannot store or compare a string with a NUL character, so one in a parameter
    reached the driver as a ValueError (a 500); bytes that are not UTF-8 and values longer than
    anything the site reads carry no meaning either.
    """
    if "\x00" in request.path_info:
        return "В адресе страницы есть нулевой символ (%00)."
    if any("\x00" in value for value in request.COOKIES.values()):
        return "В cookie браузера есть нулевой символ: удалите cookie этого сайта."
    if request.path_info.startswith(API_PREFIX):
        return ""  # the API refuses bad parameters itself, in JSON, as its OpenAPI document says
    for key, values in request.GET.lists():
        for text in (key, *values):
            if "\x00" in text:
                return "В параметрах адреса есть нулевой символ (%00)."
            if NOT_UTF8 in text:
                return "В параметрах адреса есть байты, которые не являются текстом в UTF-8."
            if len(text) > MAX_PARAMETER_LENGTH:
                limit = f"{MAX_PARAMETER_LENGTH:,}".replace(",", "\u00a0")  # «10 000»
                return f"Параметр адреса длиннее {limit} символов: сократите запрос."
    return ""


class UnusableInputMiddleware(MiddlewareMixin):
    """Answers 400 with the reason, before any view, to input no page can use (see
    `unusable_input`): one check for every page and the admin."""

    def process_request(self, request):
        if reason := unusable_input(request):
            return bad_request(request, None, reason=reason)
        return None
