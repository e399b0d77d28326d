"""What search engines see: sitemap.xml with every public page, and robots.txt pointing to it."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse

from libraries.models import Library, Region
from people.models import Person
from people.views import speakers
from seminars.models import Seminar


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "seminars:home",
            "seminars:seminar_list",
            "seminars:talk_list",
            "people:person_list",
            "libraries:library_list",
            "libraries:region_list",
            "seminars:statistics",
        ]

    def location(self, name):
        return reverse(name)


class SeminarSitemap(Sitemap):
    def items(self):
        return Seminar.objects.published().order_by("start_date", "pk")

    def lastmod(self, seminar):
        return seminar.updated_at


class PersonSitemap(Sitemap):
    def items(self):
        # Only people with a page: consent given (152-ФЗ) and a talk in a published seminar.
        return speakers().filter(consent=Person.Consent.GIVEN).order_by("pk")


class LibrarySitemap(Sitemap):
    def items(self):
        return Library.objects.published().order_by("pk")


class RegionSitemap(Sitemap):
    def items(self):
        return Region.objects.order_by("pk")


SITEMAPS = {
    "pages": PagesSitemap,
    "seminars": SeminarSitemap,
    "people": PersonSitemap,
    "libraries": LibrarySitemap,
    "regions": RegionSitemap,
}


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
