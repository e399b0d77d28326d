import operator
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin import EstimatedCountPaginator
from core.cache import new_generation
from core.lists import ListPaginator, at_or_after, keyset_ordering
from seminars.filters import TalkFilter
from seminars.models import Seminar, Talk

ARCHIVE_APPS = {"libraries", "people", "seminars"}


class TinyPaginator(EstimatedCountPaginator):
    estimate_above = 100
    count_limit = 50


def archive_admin_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in ARCHIVE_APPS and admin.site.is_registered(model)
    ]


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


def sorted_talks(sort):
    talks = Talk.objects.order_by(*TalkFilter.SORTS[sort])
    return talks, list(talks.values_list("pk", flat=True))


def pages_of_five(rows, count):
    return [rows[start : start + 5] for start in range(0, count, 5)]


def anchored(talks, key, ordering):
    """Pages of 5 with an anchor every 7 rows."""
    paginator = ListPaginator(talks, 5, count=talks.count, key=key, ordering=ordering)
    paginator.anchor_every = 7
    return paginator


def every_page(paginator):
    return [[talk.pk for talk in paginator.page(number)] for number in paginator.page_range]


@pytest.mark.parametrize("sort", list(TalkFilter.SORTS))
def test_deep_pages_start_from_kept_rows_and_hold_the_same_rows(
    synthetic_archive, aggregate_cache, sort
):
    """Anchors every 7 rows, pages of 5: most anchors fall inside a seminar's talks or a run of
    equal titles, where only the later fields of the order tell the rows apart."""
    synthetic_archive(talks=120)
    talks, rows = sorted_talks(sort)
    expected = pages_of_five(rows, 120)
    ordering = TalkFilter.SORTS[sort]

    assert every_page(anchored(talks, sort, ordering)) == expected
    with CaptureQueriesContext(connection) as queries:
        again = every_page(anchored(talks, sort, ordering))
    # The anchors are kept: one query a page and the count, none to find where a page starts.
    assert again == expected
    assert len(queries) == len(expected) + 1
    skipped = [int(n) for query in queries for n in re.findall(r"OFFSET (\d+)", query["sql"])]
    assert max(skipped) < 7


def test_anchors_are_found_again_after_the_archive_changes(synthetic_archive, aggregate_cache):
    synthetic_archive(talks=120)
    talks, rows = sorted_talks("newest")
    ordering = TalkFilter.SORTS["newest"]
    every_page(anchored(talks, "changing", ordering))

    Talk.objects.filter(pk__in=rows[:10]).delete()
    new_generation()
    talks, rows = sorted_talks("newest")

    assert every_page(anchored(talks, "changing", ordering)) == pages_of_five(rows, 110)


def test_an_order_by_an_annotation_is_paged_without_anchors(synthetic_archive, aggregate_cache):
    synthetic_archive(talks=120)
    talks = Talk.objects.annotate(length=Length("title")).order_by("-length", "pk")
    paginator = anchored(talks, "annotated", ("-length", "pk"))

    with CaptureQueriesContext(connection) as queries:
        page = [talk.pk for talk in paginator.page(20)]

    assert page == list(talks.values_list("pk", flat=True)[95:100])
    assert "OFFSET 95" in queries[-1]["sql"]


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
    assert keyset_ordering(Talk, ordering) is anchored


def test_deep_talk_list_pages_hold_the_same_talks(client, synthetic_archive, aggregate_cache):
    synthetic_archive(talks=700)
    newest = Talk.objects.published().order_by(*TalkFilter.SORTS["newest"])

    def keys(page, **filters):
        response = client.get("/talks/", {**filters, "page": page})
        assert response.status_code == 200
        return [talk.pk for talk in response.context["page"].object_list]

    for filters in [{}, {"year_from": "2001", "kind": ["seminar", "webinar"]}]:
        talks = newest.filter(seminar__kind__in=filters["kind"]) if filters else newest
        expected = list(talks.values_list("pk", flat=True))
        deep = range(11, len(expected) // 20 + 1)
        assert len(deep) >= 2
        assert [keys(page, **filters) for page in deep] == [
            expected[(page - 1) * 20 : page * 20] for page in deep
        ]
