"""What search engines see: sitemap.xml with every public page (robots.txt points to it)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from libraries.models import Library, Region
from seminars.models import Seminar, published_speakers


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
        return published_speakers().public().order_by("pk")


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
