import operator
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import config.scale
from config.cache import new_generation
from config.scale import (
    EstimatedCountPaginator,
    KeysFirstPaginator,
    _keyset_ordering,
    at_or_after,
)
from seminars.filters import TalkFilter
from seminars.models import Seminar, Talk

ARCHIVE_APPS = {"libraries", "people", "seminars"}


class TinyPaginator(EstimatedCountPaginator):
    estimate_above = 100
    count_limit = 50


def archive_admin_models():
    return [model for model in admin.site._registry if model._meta.app_label in ARCHIVE_APPS]


def queries_per_page(client, url_name):
    counts = {}
    for model in archive_admin_models():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{url_name}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[opts.label] = len(queries)
    return counts


def test_every_changelist_runs_as_many_queries_with_many_rows(staff_client, synthetic_archive):
    synthetic_archive(talks=40)
    few = queries_per_page(staff_client, "changelist")

    synthetic_archive(talks=3000)
    many = queries_per_page(staff_client, "changelist")

    assert many == few
    assert len(many) == 9


def test_no_changelist_counts_the_whole_table(staff_client, synthetic_archive):
    synthetic_archive(talks=200)

    for model in archive_admin_models():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        with CaptureQueriesContext(connection) as queries:
            staff_client.get(url)
        counts = [
            q["sql"]
            for q in queries
            if q["sql"].startswith("SELECT COUNT(*)") and "LIMIT" not in q["sql"]
        ]
        assert counts == [], url


def test_change_forms_open_on_a_generated_archive(staff_client, synthetic_archive):
    synthetic_archive(talks=400)

    for model in archive_admin_models():
        obj = model.objects.order_by("pk").first()
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert staff_client.get(url).status_code == 200, url


def test_filtered_count_stops_at_the_limit(synthetic_archive):
    synthetic_archive(talks=200)

    paginator = TinyPaginator(Talk.objects.filter(order__gte=1), 10)

    assert paginator.count == 50
    assert paginator.num_pages == 5


def test_small_tables_are_counted_exactly(synthetic_archive):
    synthetic_archive(talks=200)

    assert TinyPaginator(Seminar.objects.all(), 10).count == 10


@pytest.mark.postgresql  # pg_class is PostgreSQL's
def test_large_unfiltered_table_uses_the_planner_estimate(synthetic_archive):
    synthetic_archive(talks=200)  # runs ANALYZE on PostgreSQL

    with CaptureQueriesContext(connection) as queries:
        count = TinyPaginator(Talk.objects.all(), 10).count

    assert count == 200
    assert [q["sql"] for q in queries if "COUNT(" in q["sql"]] == []


@pytest.mark.parametrize("shallow", [200, 0], ids=["shallow pages", "pages through keys"])
def test_keys_first_pages_hold_the_same_rows_in_the_same_order(synthetic_archive, shallow):
    synthetic_archive(talks=200)
    talks = Talk.objects.order_by("-seminar_date", "-seminar_id", "order")
    rows = talks.values_list("pk", "title", "seminar__title")

    paginator = KeysFirstPaginator(rows, 20, count_key="test talks", keys=talks)
    paginator.shallow = shallow  # 0: every page as deep pages are read, keys first
    assert paginator.count == 200
    with CaptureQueriesContext(connection) as queries:
        page = list(paginator.page(7))

    assert page == list(rows[120:140])
    assert list(paginator.page(10)) == list(rows[180:200])
    assert len(queries) == 1


def test_page_rows_are_read_by_key_without_the_lists_filters(synthetic_archive):
    """The filters find the page's keys once; the rows are read by those keys alone (PostgreSQL
    applied a library filter again to every row it could match: 0.75 s at 1M talks)."""
    synthetic_archive(talks=200)
    talks = Talk.objects.filter(title__contains="а").order_by("title", "seminar_id", "order")
    rows = talks.values_list("pk", "title")
    paginator = KeysFirstPaginator(rows, 20, count_key="filtered", keys=talks)
    paginator.shallow = 0
    assert paginator.count > 60

    with CaptureQueriesContext(connection) as queries:
        page = list(paginator.page(3))

    assert page == list(rows[40:60])
    assert len(queries) == 1
    assert queries[0]["sql"].count("LIKE") == 1


def every_page(paginator):
    return [list(paginator.page(number)) for number in paginator.page_range]


def pages_of_five(rows, count):
    """The list's pages of 5, sliced by the database (what a paginator must give)."""
    return [list(rows[bottom : bottom + 5]) for bottom in range(0, count, 5)]


def sorted_talks(sort):
    """Every talk in one of the talk list's orders, and its rows."""
    talks = Talk.objects.order_by(*TalkFilter.SORTS[sort])
    return talks, talks.values_list("pk", "title")


def anchored(rows, talks, count_key):
    """Pages of 5 read keys first, from anchors every 7 rows."""
    paginator = KeysFirstPaginator(rows, 5, count_key=count_key, keys=talks)
    paginator.shallow, paginator.anchor_every = 0, 7
    return paginator


@pytest.mark.parametrize("sort", list(TalkFilter.SORTS))
def test_deep_pages_start_from_remembered_rows_and_hold_the_same_rows(
    synthetic_archive, aggregate_cache, sort
):
    """Anchors every 7 rows, pages of 5: most anchors fall inside a seminar's talks or a run of
    equal titles, where only the later fields of the order tell the rows apart."""
    synthetic_archive(talks=120)
    talks, rows = sorted_talks(sort)
    expected = pages_of_five(rows, 120)

    def paginator():
        return anchored(rows, talks, ("anchored", sort))

    assert every_page(paginator()) == expected
    with CaptureQueriesContext(connection) as queries:
        again = every_page(paginator())
    # The anchors are remembered: one query a page, none to find where it starts.
    assert again == expected
    assert len(queries) == len(expected)
    skipped = [int(n) for query in queries for n in re.findall(r"OFFSET (\d+)", query["sql"])]
    assert max(skipped) < 7


def count_calls(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize("sort", list(TalkFilter.SORTS))
def test_deep_pages_of_a_list_run_its_compiled_queries(
    synthetic_archive, aggregate_cache, monkeypatch, sort
):
    """A deep page's query is compiled once per list, order and rows skipped from the anchor;
    every other deep page of the list runs it with its own anchor."""
    synthetic_archive(talks=120)
    talks, rows = sorted_talks(sort)
    expected = pages_of_five(rows, 120)

    def paginator():
        return anchored(rows, talks, ("compiled", sort))

    built = count_calls(monkeypatch, config.scale, "at_or_after")
    assert every_page(paginator()) == expected
    compiled = {key for key in config.scale._DEEP_PAGES if key[1] == repr(("compiled", sort))}
    # Pages of 5 from anchors every 7 rows start 0–6 rows after one: a query for each.
    assert sorted(key[3] for key in compiled) == [0, 1, 2, 3, 4, 5, 6]
    assert len(built) == len(compiled)

    built.clear()
    assert every_page(paginator()) == expected
    assert built == []

    # A change may change what the list's filters looked up: compiled anew.
    new_generation()
    assert every_page(paginator()) == expected
    assert len(built) == len(compiled)


def test_deep_pages_compile_nothing_to_keep_when_nothing_is_kept(synthetic_archive, settings):
    synthetic_archive(talks=60)
    settings.AGGREGATE_CACHE_SECONDS = 0
    talks = Talk.objects.order_by(*TalkFilter.SORTS["newest"])
    rows = talks.values_list("pk", flat=True)
    assert every_page(anchored(rows, talks, "kept nowhere")) == pages_of_five(rows, 60)
    assert not [key for key in config.scale._DEEP_PAGES if key[1] == repr("kept nowhere")]


def test_anchors_are_found_again_after_the_archive_changes(
    synthetic_archive, aggregate_cache, django_capture_on_commit_callbacks
):
    synthetic_archive(talks=120)
    talks = Talk.objects.order_by(*TalkFilter.SORTS["newest"])
    rows = talks.values_list("pk", flat=True)

    def pages():
        return every_page(anchored(rows, talks, "changing"))

    pages()
    with django_capture_on_commit_callbacks(execute=True):
        Talk.objects.filter(pk__in=list(rows[:13])).delete()  # rows before most anchors

    assert pages() == pages_of_five(rows, 107)


def test_an_order_by_an_annotation_is_paged_without_anchors(synthetic_archive, aggregate_cache):
    synthetic_archive(talks=120)
    talks = Talk.objects.annotate(length=Length("title")).order_by("-length", "pk")
    rows = talks.values_list("pk", flat=True)
    paginator = anchored(rows, talks, "annotated")

    with CaptureQueriesContext(connection) as queries:
        page = list(paginator.page(20))

    assert page == list(rows[95:100])
    # No anchor: the page's keys are found by skipping every row before them.
    assert "OFFSET 95" in queries[-1]["sql"]
    assert not any("OFFSET 91" in query["sql"] for query in queries)


@pytest.mark.parametrize(
    "ordering, anchor, expected",
    [
        (
            ("-seminar_date", "-seminar_id", "order"),
            (3, 20, 2),
            [(3, 20, 2), (3, 20, 5), (3, 9, 1), (2, 20, 9), (1, 30, 1)],
        ),
        (
            ("seminar_date", "seminar_id", "order"),
            (3, 20, 2),
            [(3, 20, 2), (3, 20, 5), (3, 30, 1), (4, 1, 1)],
        ),
    ],
)
def test_at_or_after_keeps_the_rows_from_the_anchor_on(ordering, anchor, expected):
    rows = [
        (3, 20, 1),
        (3, 20, 2),
        (3, 20, 5),
        (3, 9, 1),
        (3, 30, 1),
        (4, 1, 1),
        (1, 30, 1),
        (2, 20, 9),
    ]
    condition = at_or_after(ordering, anchor)
    names = [field.removeprefix("-") for field in ordering]
    kept = [row for row in rows if _holds(condition, dict(zip(names, row, strict=True)))]
    assert sorted(kept) == sorted(expected)


def _holds(condition, row):
    """Evaluates a Q of exact/lt/gt/lte/gte lookups on a dict, the way SQL would."""
    compare = {
        "exact": operator.eq,
        "lt": operator.lt,
        "gt": operator.gt,
        "lte": operator.le,
        "gte": operator.ge,
    }
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, row))
        else:
            lookup, value = child
            name, _, kind = lookup.partition("__")
            results.append(compare[kind or "exact"](row[name], value))
    joined = all(results) if condition.connector == Q.AND else any(results)
    return not joined if condition.negated else joined


def test_a_deep_page_of_the_talk_list_runs_the_queries_of_the_first(
    client, synthetic_archive, aggregate_cache
):
    synthetic_archive(talks=400)
    deep = {"page": 15}  # talks 281–300: after the anchor at row 200
    for data in ({}, deep):
        client.get("/talks/", data)  # counts, facets and the anchor are remembered

    with CaptureQueriesContext(connection) as first:
        client.get("/talks/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/talks/", deep)

    assert response.status_code == 200
    assert response.context["page"].number == 15
    assert len(queries) == len(first)
    assert any("OFFSET 80" in query["sql"] for query in queries)  # from the anchor, not row 0


@pytest.mark.parametrize(
    "ordering, anchored",
    [
        (TalkFilter.SORTS["newest"], True),
        (TalkFilter.SORTS["title"], True),
        (("title", "pk"), True),
        (("title",), False),  # titles repeat: rows tied with the anchor would come back
        (("-seminar", "order"), False),  # a relation sorts by the seminar's own ordering
        (("-search_rank", "pk"), False),  # an annotation
        ((), False),
    ],
)
def test_anchors_only_for_an_order_of_columns_ending_in_a_unique_key(ordering, anchored):
    assert _keyset_ordering(Talk, ordering) is anchored


def test_deep_talk_list_pages_hold_the_same_talks_from_compiled_queries(
    client, synthetic_archive, aggregate_cache, monkeypatch
):
    """The talk list's key holds its filters' values as lists; its deep pages are compiled once."""
    synthetic_archive(talks=700)
    newest = Talk.objects.published().order_by(*TalkFilter.SORTS["newest"])
    built = count_calls(monkeypatch, config.scale, "at_or_after")

    def keys(page, **filters):
        response = client.get("/talks/", {**filters, "page": page})
        assert response.status_code == 200
        return [row[0] for row in response.context["page"].object_list]

    for filters in [{}, {"year_from": "2001", "kind": ["seminar", "webinar"]}]:
        talks = newest.filter(seminar__kind__in=filters["kind"]) if filters else newest
        expected = list(talks.values_list("pk", flat=True))
        deep = range(11, len(expected) // 20 + 1)
        assert len(deep) >= 2
        first = [keys(page, **filters) for page in deep]
        assert first == [expected[(page - 1) * 20 : page * 20] for page in deep]
        built.clear()
        assert [keys(page, **filters) for page in deep] == first
        assert built == []


def ranked_pages(rows, talks, count_key, kept=50):
    """Pages of 5 of a list in an order no index walks; its first `kept` keys are kept."""
    paginator = KeysFirstPaginator(rows, 5, count_key=count_key, keys=talks)
    paginator.keys_kept = kept
    return paginator


def test_an_order_no_index_walks_keeps_its_first_keys(synthetic_archive, aggregate_cache):
    """Ordered by an annotation (as by a search rank): the first pages are read by kept keys,
    the later ones as before, and all hold the list's rows in its order."""
    synthetic_archive(talks=120)
    talks = Talk.objects.annotate(length=Length("title")).order_by("-length", "pk")
    # "pk" twice: the rows by key carry their own key before the list's columns.
    rows = talks.values_list("pk", "title", "seminar__title")
    expected = pages_of_five(rows, 120)

    assert every_page(ranked_pages(rows, talks, "by length")) == expected
    with CaptureQueriesContext(connection) as queries:
        again = [list(ranked_pages(rows, talks, "by length").page(n)) for n in range(1, 11)]

    assert again == expected[:10]
    # One query a page, by key: nothing is sorted by the annotation again.
    assert len(queries) == 10
    assert not [query for query in queries if "LENGTH" in query["sql"].upper()]


def test_kept_keys_follow_the_archive(synthetic_archive, aggregate_cache):
    synthetic_archive(talks=60)
    talks = Talk.objects.annotate(length=Length("title")).order_by("-length", "pk")
    rows = talks.values_list("pk", "title")
    assert list(ranked_pages(rows, talks, "changing").page(1)) == list(rows[:5])

    longest = Talk.objects.order_by("pk").last()
    Talk.objects.filter(pk=longest.pk).update(title="Д" * 500)
    new_generation()

    first = list(ranked_pages(rows, talks, "changing").page(1))
    assert first[0] == (longest.pk, "Д" * 500)
    assert first == list(rows[:5])


def test_nothing_is_kept_when_aggregates_are_not(synthetic_archive, settings):
    synthetic_archive(talks=30)
    settings.AGGREGATE_CACHE_SECONDS = 0
    talks = Talk.objects.annotate(length=Length("title")).order_by("-length", "pk")
    rows = talks.values_list("pk", "title")

    with CaptureQueriesContext(connection) as queries:
        page = list(ranked_pages(rows, talks, "not kept").page(2))

    assert page == list(rows[5:10])
    assert "LENGTH" in queries[-1]["sql"].upper()


def test_a_ranked_talk_list_reads_its_pages_by_kept_keys(
    client, synthetic_archive, aggregate_cache, settings
):
    """«чтения» ranked: the same talks on each page with the keys kept and without, and a
    repeated visit ranks nothing."""
    synthetic_archive(talks=400)
    query = {"q": "чтения"}

    def pages():
        listed = []
        for number in (1, 2, 3):
            response = client.get("/talks/", {**query, "page": number})
            assert response.status_code == 200
            assert response.context["filter"].ranked_by_default()
            listed.append([row[0] for row in response.context["page"].object_list])
        return listed

    kept_pages = pages()
    with CaptureQueriesContext(connection) as queries:
        assert pages() == kept_pages
    # The words reach no query: the talks are neither found nor ranked again.
    assert not [query for query in queries if "чт" in query["sql"]]
    assert len(queries) == 6  # a page's rows by key and their speakers
    settings.AGGREGATE_CACHE_SECONDS = 0
    assert pages() == kept_pages
    assert len(kept_pages[2]) == 20
