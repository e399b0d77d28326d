"""Whole-page caching for anonymous visitors, dropped whenever staff change the archive.

Every cached page key carries the archive's *generation*, a token kept in the cache itself. Any
save or delete of a library, person or seminar record (signals connected in `SeminarsConfig.ready`)
replaces the token once the transaction commits, so every page rendered before the change is
simply never read again and expires on its own.

With Redis (`REDIS_URL`) the token is shared by all workers. The default local-memory cache is
per process: the worker that saved the change drops its pages at once, the others within
`PAGE_CACHE_SECONDS`.
"""

import contextlib
import contextvars
import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils.cache import get_cache_key, learn_cache_key
from django.utils.functional import cached_property
from django.utils.http import urlencode

GENERATION_KEY = "archive-generation"
# How long other requests wait for one request's recount before recounting themselves.
RECOUNT_SECONDS = 120
_served_stale = contextvars.ContextVar("served_stale", default=False)
ARCHIVE_APPS = {"libraries", "people", "seminars"}


def generation():
    return cache.get(GENERATION_KEY) or "0"


def new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def remember(key, compute):
    """`compute()`, kept until the archive next changes: for counts over the whole archive.

    Home statistics and facet counts aggregate every talk; they are exact, and computed once per
    archive generation instead of once per visitor. After a change one request recounts; requests
    arriving meanwhile get the previous figures rather than starting the same seconds-long count
    (at 1M talks every worker and visitor would otherwise recount at once), and the pages they
    render are not stored in the page cache.
    """
    seconds = settings.AGGREGATE_CACHE_SECONDS
    if not seconds:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    current = generation()
    stored = cache.get(f"data:{digest}")
    if stored is not None and stored[0] == current:
        return stored[1]
    recount = f"recount:{current}:{digest}"
    if stored is not None and not cache.add(recount, True, RECOUNT_SECONDS):
        _served_stale.set(True)
        return stored[1]
    try:
        with parallel_query():
            value = compute()
    except BaseException:
        cache.delete(recount)
        raise
    cache.set(f"data:{digest}", (current, value), seconds)
    return value


@contextlib.contextmanager
def parallel_query():
    """PostgreSQL's parallel workers (off for page queries, config/settings.py) for one count over
    the whole archive: the home figures take 4 s at 1M talks with them, twice that without."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
        before = cursor.fetchone()[0]
        # 2 is PostgreSQL's own default. SET LOCAL would last to the end of an enclosing
        # transaction: set back afterwards (an error rolls the setting back with the savepoint).
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")
        yield
        cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)", [before])


def filters_fragment(request):
    """For `{% cache filters.seconds name filters.key %}` around a list's filter form.

    A filter form with its facet counts renders the same for the same query until the archive
    changes, and rendering it — a select of 89 regions, a checkbox per facet option — costs more
    than the list beside it. The page number does not change the form. Call it after the counts
    the form shows have been read.
    """
    query = sorted((name, value) for name, values in request.GET.lists() for value in values)
    return {
        # A form showing previous figures while they are recounted is not kept.
        "seconds": 0 if _served_stale.get() else settings.AGGREGATE_CACHE_SECONDS,
        "key": f"{generation()}:{urlencode([item for item in query if item[0] != 'page'])}",
    }


class RememberedCountPaginator(Paginator):
    """A paginator whose total is remembered per archive generation under `count_key`."""

    def __init__(self, object_list, per_page, *, count_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return remember(("count", self.count_key), self.object_list.count)


def archive_changed(sender, **kwargs):
    if sender._meta.app_label in ARCHIVE_APPS:
        transaction.on_commit(new_generation)


class AnonymousPageCacheMiddleware:
    """Serves GET pages to visitors without a session from the cache; never caches private pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Whether this request was given previous figures (`remember`): asked of every request.
        stale = _served_stale.set(False)
        try:
            return self.respond(request)
        finally:
            _served_stale.reset(stale)

    def respond(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.cacheable(request):
            return self.get_response(request)
        prefix = f"page:{generation()}"
        key = get_cache_key(request, prefix, "GET", cache=cache)
        if key is not None and (response := cache.get(key)) is not None:
            return response
        response = self.get_response(request)
        if request.method == "GET" and not _served_stale.get() and self.storable(response):
            key = learn_cache_key(request, response, seconds, prefix, cache=cache)
            cache.set(key, response, seconds)
        return response

    def cacheable(self, request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(settings.PAGE_CACHE_EXCLUDE)
        )

    def storable(self, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
