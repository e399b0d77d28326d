"""Feeds of the archive: RSS and Atom of newly published seminars, iCalendar of upcoming ones."""

import datetime
import functools
import operator

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar, Event, Timezone

from core.models import Organization
from libraries.models import Library, Region

from .models import Seminar, Talk
from .views import follows_former_address

LATEST = 30
# As item_pubdate dates them; the index `seminar_published_latest`.
LATEST_ORDER = (Coalesce("published_at", "created_at").desc(), "-pk")


def region_sources(region):
    """What makes a seminar one of a region's: its organiser, a listed participant, a speaker."""
    return (
        Q(organizer__region=region),
        Q(pk__in=Seminar.regions.through.objects.filter(region=region).values("seminar")),
        Q(pk__in=Talk.objects.filter(speakers__library__region=region).values("seminar")),
    )


def in_region(seminars, region):
    """Seminars a region took part in: as organiser, as a listed participant or by a speaker."""
    return seminars.filter(functools.reduce(operator.or_, region_sources(region)))


def latest_in_region(region):
    """The region's latest seminars: the latest of each source, each planned on its own, then the
    latest of those. With the three sources in one condition PostgreSQL read every talk of the
    region's speakers, which for a large region outlasts a web request's statement timeout."""
    keys = set()
    for source in region_sources(region):
        newest = Seminar.objects.published().filter(source).order_by(*LATEST_ORDER)
        keys.update(newest.values_list("pk", flat=True)[:LATEST])
    return latest(Seminar.objects.filter(pk__in=keys))


def by_organizer(seminars, library):
    """Seminars organised by a library or by one of its branches."""
    return seminars.filter(Q(organizer=library) | Q(organizer__parent=library))


def latest(seminars):
    return seminars.select_related("organizer__parent__parent").order_by(*LATEST_ORDER)[:LATEST]


def dates(seminar):
    if seminar.end_date and seminar.end_date != seminar.start_date:
        return f"{seminar.start_date:%d.%m.%Y}–{seminar.end_date:%d.%m.%Y}"
    return f"{seminar.start_date:%d.%m.%Y}"


class LatestSeminarsFeed(Feed):
    title = f"{settings.SITE_NAME}: новые семинары"
    description = "Семинары, конференции и вебинары, недавно опубликованные в архиве."

    def link(self):
        return reverse("seminars:home")

    def items(self):
        return latest(Seminar.objects.published())

    def item_title(self, seminar):
        return seminar.title

    def item_description(self, seminar):
        kind = seminar.get_kind_display().capitalize()
        text = f"{kind}, {dates(seminar)}. Организатор: {seminar.organizer}."
        return f"{text} Цель — {seminar.goal}." if seminar.goal else text

    def item_pubdate(self, seminar):
        return seminar.published_at or seminar.created_at

    def item_updateddate(self, seminar):
        return seminar.updated_at

    def item_guid(self, seminar):
        return f"seminar-{seminar.pk}"

    item_guid_is_permalink = False

    def item_categories(self, seminar):
        return [seminar.get_kind_display(), seminar.get_format_display()]


def entry_id(seminar):
    """A tag: URI (RFC 4151) naming the seminar for good: it survives edits of its date or slug.

    Minted under the site's domain on the day (UTC) the seminar was first published.
    """
    published = (seminar.published_at or seminar.created_at).astimezone(datetime.UTC)
    return f"tag:{settings.FEED_ID_DOMAIN},{published:%Y-%m-%d}:seminar-{seminar.pk}"


class AtomEntries:
    """Atom (RFC 4287) wants an absolute IRI as each entry's id and an author for each entry."""

    feed_type = Atom1Feed

    def author_name(self):
        # The organisation as entered in the admin, else the site.
        return str(Organization.current() or settings.SITE_NAME)

    def item_guid(self, seminar):
        return entry_id(seminar)

    def item_author_name(self, seminar):
        return str(seminar.organizer)


class LatestSeminarsAtomFeed(AtomEntries, LatestSeminarsFeed):
    subtitle = LatestSeminarsFeed.description


class RegionSeminarsFeed(LatestSeminarsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Region, slug=slug)

    def title(self, region):
        return f"{settings.SITE_NAME}: новые семинары — {region.name}"

    def description(self, region):
        return f"Семинары с участием региона «{region.name}», недавно опубликованные в архиве."

    def link(self, region):
        return region.get_absolute_url()

    def items(self, region):
        return latest_in_region(region)


class RegionSeminarsAtomFeed(AtomEntries, RegionSeminarsFeed):
    def subtitle(self, region):
        return self.description(region)


@functools.lru_cache(maxsize=16)
def time_zone(name, first_year, last_year):
    # Reading the zone database costs more than the rest of a calendar: once per process.
    return Timezone.from_tzid(
        name, first_date=datetime.date(first_year, 1, 1), last_date=datetime.date(last_year, 1, 1)
    )


def _calendar(request, name, seminars):
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    seminars = list(seminars.select_related("organizer__parent__parent"))
    # RFC 5545 §3.6 wants at least one component, and a calendar with nothing upcoming has no
    # event: each calendar carries the department's time zone, over the years of its seminars.
    years = [timezone.localdate().year] + [seminar.start_date.year for seminar in seminars]
    calendar.add_component(time_zone(settings.TIME_ZONE, min(years), max(years) + 2))
    for seminar in seminars:
        url = request.build_absolute_uri(seminar.get_absolute_url())
        event = Event()
        event.add("uid", f"seminar-{seminar.pk}@{request.get_host()}")
        event.add("summary", seminar.title)
        # All-day events; DTEND is exclusive.
        event.add("dtstart", seminar.start_date)
        event.add("dtend", (seminar.end_date or seminar.start_date) + datetime.timedelta(days=1))
        event.add("dtstamp", seminar.updated_at)
        event.add("last-modified", seminar.updated_at)
        event.add("url", url)
        event.add("location", f"{seminar.organizer} ({seminar.get_format_display()})")
        event.add("categories", [seminar.get_kind_display()])
        goal = f"Цель — {seminar.goal}.\n\n" if seminar.goal else ""
        event.add("description", f"{goal}Организатор: {seminar.organizer}.\n{url}")
        calendar.add_component(event)
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")


def upcoming():
    return Seminar.objects.not_over(timezone.localdate()).order_by("start_date", "pk")


def upcoming_ics(request):
    return _calendar(request, f"{settings.SITE_NAME}: ближайшие семинары", upcoming())


def region_ics(request, slug):
    region = get_object_or_404(Region, slug=slug)
    name = f"{settings.SITE_NAME}: ближайшие семинары — {region.name}"
    return _calendar(request, name, in_region(upcoming(), region))


def organizer_ics(request, slug):
    library = get_object_or_404(Library.objects.published(), slug=slug)
    name = f"{settings.SITE_NAME}: ближайшие семинары — {library}"
    return _calendar(request, name, by_organizer(upcoming(), library))


@follows_former_address
def seminar_ics(request, year, slug):
    # By slug, then the year compared in Python: a year lookup on /seminars/0/… raised a 500.
    seminars = Seminar.objects.published().filter(slug=slug)
    seminar = get_object_or_404(seminars)
    if seminar.start_date.year != year:
        raise Http404("Семинар не найден.")
    response = _calendar(request, seminar.title, seminars)
    response["Content-Disposition"] = f'attachment; filename="{seminar.slug}.ics"'
    return response
