"""Region filters on PostgreSQL read the talks' own region keys (migration 0015): the region from
`Talk.region_keys` in the newest-first index, region + text from one lookup of
`Talk.region_search`. The same talks in the same order as through the speakers' libraries."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from libraries.models import Region
from seminars.filters import TalkFilter
from seminars.models import Talk, TalkSpeaker
from tests import factories

pytestmark = pytest.mark.postgresql


def found(data, monkeypatch=None, through_libraries=False):
    """Keys of the talks the talk list shows for `data`, in its order, and the SQL it ran."""
    if through_libraries:
        monkeypatch.setattr(TalkFilter, "REGION_SEARCH_MAX", 0)
    filterset = TalkFilter(QueryDict(data), queryset=Talk.objects.published())
    assert filterset.is_valid(), filterset.errors
    with CaptureQueriesContext(connection) as queries:
        keys = list(filterset.sorted_qs.values_list("pk", flat=True))
    if through_libraries:
        monkeypatch.setattr(TalkFilter, "REGION_SEARCH_MAX", 3)
    return keys, " ".join(query["sql"] for query in queries)


def test_the_same_talks_as_through_the_libraries(synthetic_archive, monkeypatch):
    synthetic_archive(talks=600)
    speakers = TalkSpeaker.objects.filter(talk__seminar_published=True)
    by_region = Counter(speakers.values_list("library__region__slug", flat=True))
    regions = [slug for slug, _ in by_region.most_common(3)]
    words = Counter(
        word.lower()
        for title in Talk.objects.values_list("title", flat=True)
        for word in title.split()
        if len(word) > 5
    )
    common = [word for word, _ in words.most_common(3)]
    queries = [
        f"region={regions[0]}&q={common[0]}",
        f"region={regions[0]}&q={common[1]}&year_from=2005&year_to=2015",
        f"region={regions[1]}&region={regions[2]}&q={common[2]}",
        f"region={regions[1]}&q={common[0]} {common[1]}",
        f"region={regions[0]}&q={common[1]}&sort=oldest",
        f"region={regions[2]}&q=нетсловатакого {common[0]}",  # no talk has both: any word
    ]
    for data in queries:
        expected, _ = found(data, monkeypatch, through_libraries=True)
        keys, sql = found(data)
        assert "seminars_region_tsquery" in sql, data
        assert keys == expected, data
    assert sum(bool(found(data)[0]) for data in queries) >= 5  # the checks compared talks


def test_a_region_and_a_district_list_the_talks_of_their_libraries(synthetic_archive):
    synthetic_archive(talks=600)
    newest = TalkFilter.SORTS["newest"]
    published = Talk.objects.published()
    for region in Region.objects.filter(libraries__isnull=False).distinct()[:5]:
        speakers = TalkSpeaker.objects.filter(library__region=region)
        expected = list(
            published.filter(pk__in=speakers.values("talk"))
            .order_by(*newest)
            .values_list("pk", flat=True)
        )
        keys, sql = found(f"region={region.slug}")
        assert keys == expected, region
        assert "region_keys" in sql and "seminars_talkspeaker" not in sql
        assert expected

    district = Region.objects.filter(libraries__isnull=False).first().federal_district
    speakers = TalkSpeaker.objects.filter(library__region__federal_district=district)
    expected = published.filter(pk__in=speakers.values("talk")).order_by(*newest)
    assert found(f"district={district}")[0] == list(expected.values_list("pk", flat=True))


@pytest.fixture
def kamchatka_talk(db):
    seminar = factories.seminar("Семинар", start=datetime.date(2021, 11, 24))
    talk = Talk.objects.create(seminar=seminar, order=1, title="Маяк для детей")
    library = factories.library("Детская библиотека", code="41")
    TalkSpeaker.objects.create(talk=talk, person=factories.person("Иванова"), library=library)
    return talk


def regions_finding(text):
    """Slugs of the regions (of those the tests use) whose filter with `text` finds a talk; the
    same regions list a talk without text, when some talk has the words."""
    slugs = ["kamchatskii-krai", "sakhalinskaia-oblast", "primorskii-krai"]
    with_text = [slug for slug in slugs if found(f"region={slug}&q={text}")[0]]
    listing = [slug for slug in slugs if found(f"region={slug}")[0]]
    assert with_text in ([], listing)
    return with_text


def test_a_library_moved_to_another_region_takes_its_talks_along(kamchatka_talk):
    assert regions_finding("маяк") == ["kamchatskii-krai"]

    library = kamchatka_talk.speakers.get().library
    library.region = factories.region("65")
    library.save()

    assert regions_finding("маяк") == ["sakhalinskaia-oblast"]


def test_speakers_added_and_changed_move_the_talk(kamchatka_talk):
    TalkSpeaker.objects.create(
        talk=kamchatka_talk,
        person=factories.person("Петрова"),
        library=factories.library("Приморская библиотека", code="25"),
        order=2,
    )
    assert regions_finding("маяк") == ["kamchatskii-krai", "primorskii-krai"]

    first = kamchatka_talk.speakers.get(order=1)
    first.library = factories.library("Сахалинская библиотека", code="65")
    first.save()
    assert regions_finding("маяк") == ["sakhalinskaia-oblast", "primorskii-krai"]

    kamchatka_talk.speakers.filter(order=2).delete()
    assert regions_finding("маяк") == ["sakhalinskaia-oblast"]


def test_a_renamed_talk_is_found_by_its_new_words_only(kamchatka_talk):
    kamchatka_talk.title = "Огонёк для подростков"
    kamchatka_talk.save()

    assert regions_finding("маяк") == []
    assert regions_finding("огонек") == ["kamchatskii-krai"]


def test_more_regions_than_the_index_serves_are_found_through_their_libraries(kamchatka_talk):
    slugs = ["kamchatskii-krai", "sakhalinskaia-oblast", "primorskii-krai", "amurskaia-oblast"]
    keys, sql = found("&".join(f"region={slug}" for slug in slugs) + "&q=маяк")

    assert keys == [kamchatka_talk.pk]
    assert "seminars_region_tsquery" not in sql


def test_region_and_text_read_the_region_index(kamchatka_talk):
    # Tables this small are read whole whatever the indexes: plans without an index are priced
    # out, and the partial index of published talks (which serves «published» alone) goes for
    # this test's transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; DROP INDEX talk_published_newest")
    filterset = TalkFilter(
        QueryDict("region=kamchatskii-krai&q=маяк"), queryset=Talk.objects.published()
    )
    assert filterset.is_valid()

    plan = filterset.sorted_qs.explain()

    assert "talk_region_search" in plan
    assert "seminars_talkspeaker" not in plan
