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

import hashlib
import json
import uuid

from django.conf import settings
from django.core import checks
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
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
        return store_figure(key, current, compute(*args))
    counted_in, value = stored
    if counted_in != current and cache.add(f"recount:{current}:{key}", True, RECOUNT_SECONDS):
        from core.tasks import recount

        recount.enqueue(path, args)
    return value


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


class AnonymousPageCacheMiddleware:
    """Serves GET pages to visitors without a session from the cache; never caches private pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.cacheable(request):
            return self.get_response(request)
        prefix = f"page:{generation()}"
        key = get_cache_key(request, prefix, "GET", cache=cache)
        if key is not None and (response := cache.get(key)) is not None:
            return response
        response = self.get_response(request)
        if request.method == "GET" and self.storable(response):
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
