import os

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path

from core.views import about, favicon, healthz, robots_txt
from seminars.sitemaps import SITEMAPS

admin.site.site_header = "Методическая копилка — администрирование"
admin.site.site_title = "Методическая копилка"
admin.site.index_title = "Данные архива"

urlpatterns = [
    path("_nested_admin/", include("nested_admin.urls")),
    path("admin/", admin.site.urls),
    path("lowvision/", include("lowvision.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("seminars.urls")),
    path("", include("libraries.urls")),
    path("", include("people.urls")),
    path("", include("registrations.urls")),
    path("", include("certificates.urls")),
    path("api/", include("api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("about/", about, name="about"),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)


if os.environ.get("BENCH_FLOOR") == "1":
    # The benchmark's floor (bench/run.py): Django and our middleware, no database, no template.
    def bench_floor(request):
        return HttpResponse("<!doctype html><title>floor</title><p>ok</p>")

    urlpatterns.append(path("_bench/floor/", bench_floor))
