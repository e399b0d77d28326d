"""Whole pages for anonymous visitors, and figures over the whole archive, both following the
archive's *generation*.

The generation is a token kept in the cache itself. Any save or delete of a library, person or
seminar record (signals connected in `CoreConfig.ready`) replaces it once the transaction
commits, so every page cached before the change is never read again and expires on its own.

A figure over the whole archive (the home page's counts, a list's facets and total) takes seconds
to count at a million talks, so no visitor waits for it after a change: `figure()` shows the
previous value and asks the background worker (`core.tasks.recount`) to count it again.

With Redis (`REDIS_URL`) the token is shared by all workers; the default local-memory cache is
per process, so `check --deploy` warns of several gunicorn workers without Redis.
"""

import copy
import hashlib
import json
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core import checks
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, transaction
from django.urls import Resolver404, resolve
from django.utils.cache import get_cache_key, learn_cache_key

GENERATION_KEY = "archive-generation"
# `core` holds the organisation shown on every page; registrations change the places left and
# the counts of participants.
ARCHIVE_APPS = {"core", "libraries", "people", "seminars", "registrations"}
# How long a recount may take before another request may ask for it again.
RECOUNT_SECONDS = 10 * 60


def generation():
    """The archive's generation. A cache that has none (new, flushed, or full and culled) starts
    a new one, so that nothing kept from before is taken for current."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        current = cache.get(GENERATION_KEY) or "0"
    return current


def new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def archive_changed(sender, **kwargs):
    if sender._meta.app_label in ARCHIVE_APPS:
        transaction.on_commit(new_generation)


def figure(compute, *args):
    """`compute(*args)`, a figure over the whole archive, kept in the cache.

    Counted in the request only when the cache has never held it. After the archive changes the
    previous value is returned while the background worker counts it again, once per change.
    `args` must survive JSON: the worker receives them as the task's arguments.
    """
    if not settings.AGGREGATE_CACHE_SECONDS:
        return compute(*args)
    path = f"{compute.__module__}.{compute.__qualname__}"
    args = json.loads(json.dumps(args))
    key = figure_key(path, args)
    current = generation()
    stored = cache.get(key)
    if stored is None:
        try:
            return store_figure(key, current, compute(*args))
        except OperationalError:
            # Longer than a web request may query (DATABASE_STATEMENT_TIMEOUT): the worker, which
            # has no such limit, counts it, and the visitor gets the 503 page with Retry-After.
            recount_later(path, args, key, current)
            raise
    counted_in, value = stored
    if counted_in != current:
        recount_later(path, args, key, current)
    return value


def recount_later(path, args, key, current):
    """Asks the background worker to count a figure, once per figure and generation."""
    if cache.add(f"recount:{current}:{key}", True, RECOUNT_SECONDS):
        from core.tasks import recount

        recount.enqueue(path, args)


def figure_key(path, args):
    digest = hashlib.sha256(json.dumps([path, args], ensure_ascii=False).encode()).hexdigest()
    return f"figure:{digest[:32]}"


def store_figure(key, counted_in, value):
    cache.set(key, (counted_in, value), settings.AGGREGATE_CACHE_SECONDS)
    return value


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
            "reaches only the worker that saved it; the others show their cached pages and "
            "figures until they expire.",
            hint="Set REDIS_URL (one cache for all workers), or WEB_CONCURRENCY=1.",
            id="metodkopilka.W001",
        )
    ]


def query_parameters(*names):
    """Declares the query parameters a view reads: the page cache keys its pages on those alone,
    so `?r=<random>` or a tracking tag is the same cache entry, not one more."""

    def declare(view):
        view.query_parameters = frozenset(names)
        return view

    return declare


def as_cached(request):
    """The request as the page cache keys it: without parameters its view does not declare."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return request
    declared = getattr(view, "query_parameters", None)
    if declared is None:
        return request
    kept = sorted((name, value) for name, value in request.GET.lists() if name in declared)
    keyed = copy.copy(request)
    keyed.META = {**request.META, "QUERY_STRING": urlencode(kept, doseq=True)}
    return keyed


class AnonymousPageCacheMiddleware:
    """Serves GET pages to visitors without a session from the cache; never caches private pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.cacheable(request):
            return self.get_response(request)
        prefix = f"page:{generation()}"
        keyed = as_cached(request)
        key = get_cache_key(keyed, prefix, "GET", cache=cache)
        if key is not None and (response := cache.get(key)) is not None:
            return response
        response = self.get_response(request)
        if request.method == "GET" and self.storable(response):
            key = learn_cache_key(keyed, response, seconds, prefix, cache=cache)
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
