from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """For load balancers and monitoring: the first line is the verdict, then one line per part.

    200 «ok» when all answer; 200 «degraded» when the site works without a part it can do
    without (the cache: pages come from the database, slower); 503 «unavailable» when the
    database does not answer, and no page can be shown.
    """
    parts = {"database": _database_answers(), "cache": _cache_answers()}
    if not parts["database"]:
        status, verdict = 503, "unavailable"
    else:
        status, verdict = 200, "ok" if all(parts.values()) else "degraded"
    lines = [verdict] + [f"{name}: {'ok' if up else 'unavailable'}" for name, up in parts.items()]
    return HttpResponse("\n".join(lines) + "\n", status=status, content_type="text/plain")


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def _cache_answers():
    # The Redis backend says whether Redis answers; the local-memory cache always does.
    available = getattr(cache, "available", None)
    return available() if available else True


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /_nested_admin/",
        "Disallow: /statistics/report.xlsx",
        "Disallow: /api/archive.",
        "",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def about(request):
    from core.models import Organization

    organization = Organization.current()
    context = {
        "page_title": "О проекте",
        "page_description": "Кто ведёт «Методическую копилку», зачем она и как с нами связаться.",
        "about": organization,
    }
    return render(request, "about.html", context)


# Browsers ask for /favicon.ico whatever the page says; the same file is in static/.
FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"


def favicon(request):
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response
