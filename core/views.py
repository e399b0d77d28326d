from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 only when the database answers a query; 503 otherwise (load balancers, monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


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
