import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.scale import EstimatedCountPaginator, KeysFirstPaginator
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
