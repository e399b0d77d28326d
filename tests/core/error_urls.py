"""The project's URLs plus views that fail, for the error page tests."""

from django.db import OperationalError, ProgrammingError
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise ValueError("a bug")


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5999 failed')


def bad_query(request):
    raise ProgrammingError('relation "nowhere" does not exist')


urlpatterns = [
    path("broken/", broken),
    path("database-down/", database_down),
    path("bad-query/", bad_query),
    *urlpatterns,
]
