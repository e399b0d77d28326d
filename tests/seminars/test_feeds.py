import datetime
from xml.etree import ElementTree

import feedparser
import pytest
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from core.models import Organization
from libraries.models import Library, Region
from people.models import Person
from seminars import feeds
from seminars.models import Seminar, Talk, TalkSpeaker
from tests import factories

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def seminars(demo_seminar):
    """The demo seminar (2021, Камчатка), an upcoming one in Москва, and an unpublished draft."""
    moscow = Region.objects.get(code="77")
    library = Library.objects.create(name="Библиотека № 1", region=moscow)
    soon = timezone.localdate() + datetime.timedelta(days=30)
    upcoming = Seminar.objects.create(
        title="Вебинар о чтении",
        kind=Seminar.Kind.WEBINAR,
        start_date=soon,
        end_date=soon + datetime.timedelta(days=1),
        organizer=library,
        goal="обмен опытом",
        is_published=True,
    )
    Seminar.objects.create(
        title="Черновик",
        start_date=soon,
        organizer=demo_seminar.organizer,
    )
    return demo_seminar, upcoming


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def parse_ics(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def summaries(calendar):
    return [str(event["summary"]) for event in calendar.walk("VEVENT")]


@pytest.mark.parametrize("url", ["/feeds/seminars.rss", "/feeds/seminars.atom"])
def test_feed_has_exactly_the_published_seminars_newest_first(client, seminars, url):
    demo, upcoming = seminars

    feed = parse_feed(client, url)

    assert feed.feed.title == "Методическая копилка: новые семинары"
    assert [entry.title for entry in feed.entries] == [upcoming.title, demo.title]
    assert feed.entries[0].link == f"http://testserver{upcoming.get_absolute_url()}"
    assert "Цель — обмен опытом." in feed.entries[0].summary


def test_rss_guids_stay_as_they_were(client, seminars):
    _, upcoming = seminars

    entry = parse_feed(client, "/feeds/seminars.rss").entries[0]

    assert entry.id == f"seminar-{upcoming.pk}"
    assert entry.guidislink is False


def tag_uri(seminar):
    day = seminar.published_at.astimezone(datetime.UTC).date()
    return f"tag:kopilka.example.ru,{day:%Y-%m-%d}:seminar-{seminar.pk}"


@pytest.mark.parametrize("url", ["/feeds/seminars.atom", "/feeds/regions/moskva.atom"])
def test_atom_entries_are_named_by_tag_uris_and_have_authors(client, seminars, settings, url):
    settings.FEED_ID_DOMAIN = "kopilka.example.ru"
    demo, upcoming = seminars
    expected = [upcoming] if "moskva" in url else [upcoming, demo]
    Seminar.objects.filter(pk=demo.pk).update(
        published_at=datetime.datetime(2021, 11, 30, 23, 30, tzinfo=datetime.UTC)
    )
    demo.refresh_from_db()

    root = ElementTree.fromstring(client.get(url).content)

    # The organisation as the demo entered it in the admin.
    assert root.findtext("atom:author/atom:name", namespaces=ATOM) == str(Organization.current())
    entries = root.findall("atom:entry", ATOM)
    assert [entry.findtext("atom:id", namespaces=ATOM) for entry in entries] == [
        tag_uri(seminar) for seminar in expected
    ]
    assert tag_uri(demo) == f"tag:kopilka.example.ru,2021-11-30:seminar-{demo.pk}"
    assert [entry.findtext("atom:author/atom:name", namespaces=ATOM) for entry in entries] == [
        str(seminar.organizer) for seminar in expected
    ]


def test_an_empty_atom_feed_still_names_its_author(client, seminars):
    root = ElementTree.fromstring(client.get("/feeds/regions/altaiskii-krai.atom").content)

    assert root.findall("atom:entry", ATOM) == []
    assert root.findtext("atom:author/atom:name", namespaces=ATOM) == str(Organization.current())


def test_without_an_organisation_the_feed_is_the_sites(client, seminars):
    Organization.objects.all().delete()
    Organization.clear_cache()

    root = ElementTree.fromstring(client.get("/feeds/seminars.atom").content)

    assert root.findtext("atom:author/atom:name", namespaces=ATOM) == "Методическая копилка"


def test_feed_versions(client, seminars):
    assert parse_feed(client, "/feeds/seminars.rss").version == "rss20"
    assert parse_feed(client, "/feeds/seminars.atom").version == "atom10"


def test_region_feed_by_organiser_participant_or_speaker(client, seminars):
    demo, upcoming = seminars
    demo.regions.clear()
    # Москва took part only through a speaker of the demo seminar.
    speaker = TalkSpeaker.objects.create(
        talk=Talk.objects.create(seminar=demo, order=13, title="Гостевой доклад"),
        person=Person.objects.create(last_name="Гостева", first_name="Анна"),
        library=upcoming.organizer,
    )

    moscow = parse_feed(client, "/feeds/regions/moskva.rss")
    kamchatka = parse_feed(client, "/feeds/regions/kamchatskii-krai.atom")

    assert moscow.feed.title == "Методическая копилка: новые семинары — Москва"
    assert [entry.title for entry in moscow.entries] == [upcoming.title, demo.title]
    assert [entry.title for entry in kamchatka.entries] == [demo.title]
    speaker.delete()
    assert [e.title for e in parse_feed(client, "/feeds/regions/moskva.rss").entries] == [
        upcoming.title
    ]
    assert client.get("/feeds/regions/no-such-region.rss").status_code == 404


def test_upcoming_calendar_has_only_published_future_seminars(client, seminars):
    _, upcoming = seminars

    calendar = parse_ics(client, "/calendar/upcoming.ics")

    assert str(calendar["x-wr-calname"]) == "Методическая копилка: ближайшие семинары"
    assert summaries(calendar) == [upcoming.title]
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == upcoming.start_date
    assert event.decoded("dtend") == upcoming.end_date + datetime.timedelta(days=1)
    assert str(event["uid"]) == f"seminar-{upcoming.pk}@testserver"
    assert str(event["url"]) == f"http://testserver{upcoming.get_absolute_url()}"


def test_upcoming_calendar_keeps_a_seminar_until_its_last_day(client, seminars):
    _, upcoming = seminars
    today = timezone.localdate()
    organizer = upcoming.organizer

    def seminar(title, start, end=None):
        Seminar.objects.create(
            title=title, start_date=start, end_date=end, organizer=organizer, is_published=True
        )

    seminar("Идёт сегодня, последний день", today - datetime.timedelta(days=2), today)
    seminar("Однодневный сегодня", today)
    seminar("Закончился вчера", today - datetime.timedelta(days=3), today - datetime.timedelta(1))
    seminar("Был вчера", today - datetime.timedelta(days=1))

    assert summaries(parse_ics(client, "/calendar/upcoming.ics")) == [
        "Идёт сегодня, последний день",
        "Однодневный сегодня",
        upcoming.title,
    ]


@pytest.mark.postgresql
def test_feeds_and_calendars_read_their_indexes(seminars):
    """The latest seminars and those not over yet come from partial indexes.

    The test tables are small enough for any plan, so the plans of a large archive are made the
    cheapest: no sequential scans, no sort for the latest; for the calendars, statistics (how few
    seminars are not over) and no other partial index of published seminars (dropped for this
    test's transaction).
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
        assert "seminar_published_latest" in feeds.latest(Seminar.objects.published()).explain()
        cursor.execute(
            "SET LOCAL enable_sort = on; ANALYZE seminars_seminar; "
            "DROP INDEX seminar_published_latest, seminar_published_newest"
        )
        assert "seminar_published_last_day" in feeds.upcoming().explain()


@pytest.mark.parametrize(
    "url", ["/calendar/upcoming.ics", "/calendar/regions/altaiskii-krai.ics", "organizer"]
)
def test_a_calendar_without_seminars_still_holds_a_component(client, seminars, url):
    demo, upcoming = seminars
    upcoming.delete()
    if url == "organizer":
        url = f"/calendar/organizers/{demo.organizer.slug}.ics"

    calendar = parse_ics(client, url)

    # RFC 5545 §3.6: a VCALENDAR holds one or more components.
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    assert str(calendar.subcomponents[0]["tzid"]) == "Asia/Kamchatka"


def test_region_and_organiser_calendars(client, seminars):
    demo, upcoming = seminars

    assert summaries(parse_ics(client, "/calendar/regions/moskva.ics")) == [upcoming.title]
    assert summaries(parse_ics(client, "/calendar/regions/kamchatskii-krai.ics")) == []
    organizer = f"/calendar/organizers/{upcoming.organizer.slug}.ics"
    assert summaries(parse_ics(client, organizer)) == [upcoming.title]
    demo_organizer = f"/calendar/organizers/{demo.organizer.slug}.ics"
    assert summaries(parse_ics(client, demo_organizer)) == []


def test_organiser_calendar_includes_branches(client, seminars):
    _, upcoming = seminars
    branch = Library.objects.create(name="Филиал № 2", parent=upcoming.organizer)
    upcoming.organizer = branch
    upcoming.save()

    url = f"/calendar/organizers/{branch.parent.slug}.ics"
    assert summaries(parse_ics(client, url)) == [upcoming.title]


def test_add_to_calendar_of_one_seminar(client, seminars):
    demo, _ = seminars

    response = client.get(f"/seminars/2021/{demo.slug}/calendar.ics")

    assert response["Content-Disposition"] == f'attachment; filename="{demo.slug}.ics"'
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == demo.title
    assert event.decoded("dtstart") == datetime.date(2021, 11, 24)
    assert event.decoded("dtend") == datetime.date(2021, 11, 25)
    assert "Организатор: КГБУ «Камчатская краевая детская библиотека им. В. Кручины»." in str(
        event["description"]
    )
    assert client.get(f"/seminars/2020/{demo.slug}/calendar.ics").status_code == 404
    draft = Seminar.objects.get(title="Черновик")
    assert (
        client.get(f"/seminars/{draft.start_date.year}/{draft.slug}/calendar.ics").status_code
        == 404
    )


def test_published_at_is_set_once_on_first_publication(demo_seminar):
    seminar = Seminar.objects.create(
        title="Новый", start_date=datetime.date(2022, 1, 1), organizer=demo_seminar.organizer
    )
    assert seminar.published_at is None

    seminar.is_published = True
    seminar.save()
    first = seminar.published_at
    seminar.is_published = False
    seminar.save()
    seminar.is_published = True
    seminar.save(update_fields=["is_published"])

    seminar.refresh_from_db()
    assert first is not None
    assert seminar.published_at == first
    assert demo_seminar.published_at is not None


def test_pages_link_to_their_feeds_and_calendars(client, seminars):
    demo, upcoming = seminars

    seminar_page = client.get(demo.get_absolute_url()).content.decode()
    region_page = client.get("/regions/kamchatskii-krai/").content.decode()
    library_page = client.get(upcoming.organizer.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()

    # Only a seminar still to come goes into a calendar.
    assert "Добавить в календарь" not in seminar_page
    upcoming_page = client.get(upcoming.get_absolute_url()).content.decode()
    ics = f"/seminars/{upcoming.start_date.year}/{upcoming.slug}/calendar.ics"
    assert f'href="{ics}" download>Добавить в календарь</a>' in upcoming_page
    assert '<a href="/feeds/regions/kamchatskii-krai.rss">RSS</a>' in region_page
    assert '<a href="/calendar/regions/kamchatskii-krai.ics">' in region_page
    assert f'<a href="/calendar/organizers/{upcoming.organizer.slug}.ics">' in library_page
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Новые семинары (RSS)" '
        'href="/feeds/seminars.rss">'
    ) in home
    assert '<a href="/calendar/upcoming.ics">Календарь ближайших семинаров</a>' in home
    assert '<a href="/statistics/">Статистика</a>' in home
    assert '<a href="/api/">API</a>' in home


def test_a_region_feed_keeps_the_latest_of_all_three_sources(client, db):
    """Organised in the region, listed as a participant, with a speaker from it: more of each than
    the feed holds; the latest are mostly of one source. The feed lists the latest of them all."""
    kamchatka, moscow = factories.region("41"), factories.region("77")
    at_home = factories.library("Краевая библиотека", code="41")
    elsewhere = factories.library("Столичная библиотека", code="77")
    guest = factories.person("Гостева")
    latest = feeds.LATEST
    # Newest first: organiser, participant, speaker; each source has one more than the feed.
    sources = (
        [0] * (latest - 5) + [1] * 3 + [2] * 2 + [0] * 6 + [1] * (latest - 2) + [2] * (latest - 1)
    )
    newest = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for number, source in enumerate(sources):
        seminar = factories.seminar(f"Семинар {number}", at_home if source == 0 else elsewhere)
        if source == 1:
            seminar.regions.add(kamchatka, moscow)
        if source == 2:
            talk = Talk.objects.create(seminar=seminar, order=1, title="Доклад")
            TalkSpeaker.objects.create(talk=talk, person=guest, library=at_home)
        published_at = newest - datetime.timedelta(hours=number)
        Seminar.objects.filter(pk=seminar.pk).update(published_at=published_at)

    entries = parse_feed(client, "/feeds/regions/kamchatskii-krai.rss").entries
    assert [entry.title for entry in entries] == [f"Семинар {n}" for n in range(latest)]
