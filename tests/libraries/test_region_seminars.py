"""A region's seminars: those its libraries organised and those it took part in, newest first."""

import datetime

from django.db.models import Q

from libraries.models import Region
from libraries.views import DETAIL_ROWS
from seminars.models import Seminar
from tests import factories


def region_page_seminars(client, region):
    response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    return [card.get_absolute_url() for card in response.context["seminars"]]


def through_libraries_and_regions(region):
    """The region's seminars, newest first, through joins instead of the page's subqueries."""
    seminars = Seminar.objects.published().filter(
        Q(organizer__region=region) | Q(pk__in=region.participated_seminars.values("pk"))
    )
    return [seminar.get_absolute_url() for seminar in seminars.order_by("-start_date", "-id")]


def test_a_region_page_shows_the_newest_seminars_organised_there_or_with_it(
    client, synthetic_archive
):
    synthetic_archive(talks=3000)
    # One region took part in more seminars than the page shows, added in another order than
    # their dates': the page must pick the newest.
    crowded = Region.objects.order_by("pk").first()
    crowded.participated_seminars.add(*Seminar.objects.order_by("title")[: DETAIL_ROWS * 2])
    compared, longest = 0, 0
    for region in Region.objects.all():
        expected = through_libraries_and_regions(region)
        assert region_page_seminars(client, region) == expected[:DETAIL_ROWS], region
        compared, longest = compared + len(expected), max(longest, len(expected))
    assert compared > 200  # the check compared seminars
    assert longest > DETAIL_ROWS  # and chose the newest of more than a page holds


def test_a_region_page_follows_a_seminars_regions_and_organiser(client, db):
    kamchatka, ivanovo, khabarovsk = (factories.region(code) for code in ("41", "37", "27"))
    organizer = factories.library("Организатор", code="41")
    seminar = factories.seminar("Семинар", organizer, datetime.date(2022, 3, 5))
    url = seminar.get_absolute_url()
    assert region_page_seminars(client, kamchatka) == [url]
    assert region_page_seminars(client, ivanovo) == []

    seminar.regions.add(ivanovo, kamchatka)
    assert region_page_seminars(client, ivanovo) == [url]
    seminar.regions.remove(ivanovo)
    assert region_page_seminars(client, ivanovo) == []

    seminar.organizer = factories.library("Другой организатор", code="27")
    seminar.save()
    # Still a participant from Kamchatka, now organised from Khabarovsk.
    assert region_page_seminars(client, kamchatka) == [url]
    assert region_page_seminars(client, khabarovsk) == [url]
    seminar.regions.clear()
    assert region_page_seminars(client, kamchatka) == []

    # The organiser moves: its seminars move with it, also through QuerySet.update().
    seminar.organizer.region = ivanovo
    seminar.organizer.save()
    assert region_page_seminars(client, ivanovo) == [url]
    assert region_page_seminars(client, khabarovsk) == []
    Seminar.objects.filter(pk=seminar.pk).update(organizer=organizer)
    assert region_page_seminars(client, kamchatka) == [url]
    assert region_page_seminars(client, ivanovo) == []
