"""Whole-page caching for anonymous visitors, dropped whenever staff change the archive.

Every cached page key carries the archive's *generation*, a token kept in the cache itself. Any
save or delete of a library, person or seminar record (signals connected in `SeminarsConfig.ready`)
replaces the token once the transaction commits, so every page rendered before the change is
simply never read again and expires on its own.

With Redis (`REDIS_URL`) the token is shared by all workers. The default local-memory cache is
per process: only the worker that saved the change sees a new generation. The others would keep
their pages for `PAGE_CACHE_SECONDS`, and their remembered counts and kept rankings (a search's
hits, a ranked list's keys) for `AGGREGATE_CACHE_SECONDS` — a day — so `check --deploy` warns of
several gunicorn workers without Redis (`shared_cache_check`).
"""

import contextlib
import contextvars
import hashlib
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core import checks
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils.cache import get_cache_key, learn_cache_key
from django.utils.functional import cached_property
from django.utils.http import urlencode

GENERATION_KEY = "archive-generation"
# How long other requests wait for one request's recount before recounting themselves.
RECOUNT_SECONDS = 120
# A remembered value that took longer than this to compute is recounted in the background.
BACKGROUND_RECOUNT_AFTER = 0.25
# Recounts waiting for the recount thread at most; beyond that a request recounts itself.
RECOUNTS_WAITING = 16
_recounts = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recount")
_recount_slots = threading.BoundedSemaphore(RECOUNTS_WAITING)
logger = logging.getLogger(__name__)
_served_stale = contextvars.ContextVar("served_stale", default=False)
ARCHIVE_APPS = {"libraries", "people", "seminars"}


def generation():
    """The archive's generation: a token replaced on every change. A cache that has none (new,
    flushed, or full and culled) starts a new one, so that nothing kept from before is current."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        current = cache.get(GENERATION_KEY) or "0"
    return current


def new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def remember(key, compute):
    """`compute()`, kept until the archive next changes: for counts over the whole archive.

    Home statistics and facet counts aggregate every talk; they are exact, and computed once per
    archive generation instead of once per visitor. After a change the first request recounts at
    once if that took under `BACKGROUND_RECOUNT_AFTER` last time; a longer recount (seconds at 1M
    talks) runs in a background thread while that request, too, shows the previous figures.
    Requests arriving meanwhile get the previous figures rather than starting the same count (at
    1M talks every worker and visitor would otherwise recount at once), and pages rendered with
    previous figures are not stored in the page cache.
    """
    seconds = settings.AGGREGATE_CACHE_SECONDS
    if not seconds:
        return compute()
    digest = _digest(key)
    current = generation()
    stored = cache.get(f"remembered:{digest}")
    if stored is not None and stored.generation == current:
        return stored.value
    recount = partial(_recount, digest, current, compute, seconds)
    if stored is None:
        return recount()
    if not cache.add(f"recount:{current}:{digest}", True, RECOUNT_SECONDS) or (
        stored.seconds > BACKGROUND_RECOUNT_AFTER and _in_background(recount)
    ):
        # Another request is recounting, or this slow recount now runs in the background.
        _served_stale.set(True)
        return stored.value
    return recount()


def kept(key, compute):
    """`compute()`, kept for the archive's current generation and never served after a change.

    For what must be exact rather than recent, such as which talks a list holds in which order:
    unlike `remember`, a request after a change computes it again at once.
    """
    seconds = settings.AGGREGATE_CACHE_SECONDS
    if not seconds:
        return compute()
    cache_key = f"kept:{generation()}:{_digest(key)}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds)
    return value


def _digest(key):
    return hashlib.sha256(repr(key).encode()).hexdigest()[:32]


class Remembered(NamedTuple):
    generation: str
    value: object
    seconds: float  # what computing it took


def _recount(digest, current, compute, seconds):
    started = time.monotonic()
    try:
        with parallel_query():
            value = compute()
    except BaseException:
        cache.delete(f"recount:{current}:{digest}")
        raise
    remembered = Remembered(current, value, time.monotonic() - started)
    cache.set(f"remembered:{digest}", remembered, seconds)
    return value


def _in_background(task):
    """Runs `task` in the recount thread; False when enough recounts already wait there."""
    if not _recount_slots.acquire(blocking=False):
        return False

    def run():
        try:
            task()
        except Exception:
            logger.exception("Background recount failed")
        finally:
            connection.close()  # the recount thread's own connection
            _recount_slots.release()

    _recounts.submit(run)
    return True


def wait_for_recounts():
    """Returns once every background recount queued so far is done (for tests)."""
    _recounts.submit(lambda: None).result()


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


def remembered_count(count_key, count):
    """`count()`, remembered as the total of the list `count_key` names (its paginator's)."""
    return remember(("count", count_key), count)


class RememberedCountPaginator(Paginator):
    """A paginator whose total is remembered per archive generation under `count_key`."""

    def __init__(self, object_list, per_page, *, count_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return remembered_count(self.count_key, self.object_list.count)


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """Several workers need one cache for an archive change to reach them all."""
    from config import gunicorn

    kept = settings.PAGE_CACHE_SECONDS or settings.AGGREGATE_CACHE_SECONDS
    if not kept or gunicorn.workers < 2 or not isinstance(caches["default"], LocMemCache):
        return []
    return [
        checks.Warning(
            f"{gunicorn.workers} gunicorn workers with a local-memory cache: an archive change "
            "reaches only the worker that saved it; the others show what they kept for up to "
            "AGGREGATE_CACHE_SECONDS, unpublished talks in search results included.",
            hint="Set REDIS_URL (one cache for all workers), or WEB_CONCURRENCY=1.",
            id="metodkopilka.W001",
        )
    ]


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
