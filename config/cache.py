"""Whole-page caching for anonymous visitors, dropped whenever staff change the archive.

Every cached page key carries the archive's *generation*, a token kept in the cache itself. Any
save or delete of a library, person or seminar record (signals connected in `SeminarsConfig.ready`)
replaces the token once the transaction commits, so every page rendered before the change is
simply never read again and expires on its own.

With Redis (`REDIS_URL`) the token is shared by all workers. The default local-memory cache is
per process: the worker that saved the change drops its pages at once, the others within
`PAGE_CACHE_SECONDS`.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import get_cache_key, learn_cache_key

GENERATION_KEY = "archive-generation"
ARCHIVE_APPS = {"libraries", "people", "seminars"}


def generation():
    return cache.get(GENERATION_KEY) or "0"


def new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def archive_changed(sender, **kwargs):
    if sender._meta.app_label in ARCHIVE_APPS:
        transaction.on_commit(new_generation)


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
