import logging
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

import config.cache
from config.cache import (
    AnonymousPageCacheMiddleware,
    RememberedCountPaginator,
    new_generation,
    remember,
    wait_for_recounts,
)
from people.models import Person
from seminars.models import Seminar, Topic


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_anonymous_visitor_gets_the_cached_page(client, demo_seminar, page_cache):
    first, first_queries = get(client, "/")

    second, second_queries = get(client, "/")

    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content


def test_saving_a_seminar_drops_the_cached_pages(
    client, demo_seminar, page_cache, django_capture_on_commit_callbacks
):
    get(client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.title = "Новое название семинара"
        demo_seminar.save()
    response, queries = get(client, "/")

    assert queries > 0
    assert "Новое название семинара" in response.content.decode()


def test_deleting_a_seminar_drops_the_cached_pages(
    client, demo_seminar, page_cache, django_capture_on_commit_callbacks
):
    get(client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        Seminar.objects.get().delete()
    response, _ = get(client, "/")

    assert "Семинаров пока нет." in response.content.decode()


def test_a_change_that_is_rolled_back_keeps_the_cache(
    client, demo_seminar, page_cache, django_capture_on_commit_callbacks
):
    get(client, "/")

    with django_capture_on_commit_callbacks(execute=False):
        demo_seminar.save()
    _, queries = get(client, "/")

    assert queries == 0


def test_logged_in_staff_always_get_a_fresh_page(staff_client, demo_seminar, page_cache):
    get(staff_client, "/")

    _, queries = get(staff_client, "/")

    assert queries > 0


def cached_pages():
    return [key for key in cache._cache if "cache_page" in key]  # local memory's own dict


def test_admin_pages_are_never_cached(client, db, page_cache):
    client.get("/admin/login/")
    client.get("/admin/login/")

    assert cached_pages() == []


def test_public_pages_are_cached_once_per_address(client, demo_seminar, page_cache):
    client.get("/")
    client.get("/")
    client.get("/?page=2")

    assert len(cached_pages()) == 2


def test_page_cache_off(client, demo_seminar, settings):
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    get(client, "/")

    _, queries = get(client, "/")

    assert queries > 0


def test_remembered_value_is_computed_once_per_archive_generation(db, aggregate_cache):
    calls = []

    def compute():
        calls.append(1)
        return {"talks": 1_000_000}

    first = remember(("home",), compute)
    second = remember(("home",), compute)
    new_generation()
    third = remember(("home",), compute)

    assert first == second == third == {"talks": 1_000_000}
    assert len(calls) == 2


def test_remembered_count_skips_the_count_query(demo_seminar, aggregate_cache):
    first = RememberedCountPaginator(Seminar.objects.all(), 10, count_key="all").count

    with CaptureQueriesContext(connection) as queries:
        count = RememberedCountPaginator(Seminar.objects.all(), 10, count_key="all").count

    assert count == first == 1
    assert len(queries) == 0


def test_saving_a_talk_refreshes_the_remembered_counts(
    demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    talks = demo_seminar.talks.all()
    before = RememberedCountPaginator(talks, 10, count_key="demo talks").count

    with django_capture_on_commit_callbacks(execute=True):
        talks.last().delete()
    after = RememberedCountPaginator(talks, 10, count_key="demo talks").count

    assert after == before - 1


def test_hints_for_an_empty_result_share_the_loosened_lists_remembered_totals(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    """«Уберите «Текст» — найдётся 12 докладов»: the total of the list without the text, counted
    once per archive generation (the whole archive at 1M talks: 0.1 s per empty search)."""

    def counts(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        hints = {hint["label"]: hint["count"] for hint in response.context["loosen"]}
        return hints, sum(
            'COUNT(*) AS "__count"' in query["sql"] for query in queries.captured_queries
        )

    client.get("/talks/")  # remembers the total of every talk

    # The first request counts only its own (empty) list, the next nothing.
    assert counts("/talks/?q=квазар") == ({"Текст": 12}, 1)
    assert counts("/talks/?q=квазар") == ({"Текст": 12}, 0)
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.last().delete()
    assert counts("/talks/?q=квазар") == ({"Текст": 11}, 2)


def region_option(response, slug):
    """The region facet's checkbox and count for `slug`, as the filter form renders it."""
    html = response.content.decode()
    start = html.index(f'id="region-{slug}"')
    return html[start : html.index("</li>", start)]


def test_filter_form_is_rendered_once_per_query_and_archive_generation(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    first = client.get("/talks/", {"region": "kamchatskii-krai"})
    again = client.get("/talks/", {"region": "kamchatskii-krai", "page": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.filter(speakers__library__region__slug="kamchatskii-krai")[0].delete()
    after_delete = client.get("/talks/", {"region": "kamchatskii-krai"})

    assert '<span class="count">5</span>' in region_option(first, "kamchatskii-krai")
    assert " checked" in region_option(first, "kamchatskii-krai")
    assert region_option(again, "kamchatskii-krai") == region_option(first, "kamchatskii-krai")
    assert '<span class="count">4</span>' in region_option(after_delete, "kamchatskii-krai")


def test_while_one_request_recounts_the_others_get_the_previous_figures(db, aggregate_cache):
    remember(("home",), lambda: 1)
    new_generation()
    seen_meanwhile = []

    def recount():
        # A request that arrives while this one is still counting.
        seen_meanwhile.append(remember(("home",), lambda: pytest.fail("counted twice")))
        return 2

    recounted = remember(("home",), recount)

    assert seen_meanwhile == [1]
    assert recounted == 2
    assert remember(("home",), lambda: pytest.fail("counted again")) == 2


def test_a_page_built_with_previous_figures_is_not_cached(rf, db, aggregate_cache, page_cache):
    remember(("home",), lambda: "old")
    new_generation()
    rendered = []

    def view(request):
        figures = remember(("home",), lambda: "new")
        rendered.append(figures)
        return HttpResponse(figures)

    middleware = AnonymousPageCacheMiddleware(view)

    def recount():
        middleware(rf.get("/"))  # a visitor arriving during the recount
        return "new"

    remember(("home",), recount)
    middleware(rf.get("/"))

    assert rendered == ["old", "new"]


@pytest.mark.postgresql
def test_parallel_workers_count_the_archive_but_not_a_page(db, aggregate_cache):
    def workers():
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    assert workers() == "0"
    assert remember(("workers",), workers) == "2"
    assert workers() == "0"


@pytest.mark.postgresql
def test_pages_queries_are_not_jit_compiled(db):
    """A query's estimated cost, not its run time, makes PostgreSQL compile it (19 ms for a 27 ms
    talk filter at 1M talks): the application's connections have JIT off."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_statistics_are_counted_again_after_a_change(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    def talks_in_2021():
        stats = client.get("/statistics/", {"year_from": 2021, "year_to": 2021}).context["stats"]
        return next(row[1] for row in stats.table("summary").rows if row[0] == "Доклады")

    before = talks_in_2021()
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.get(order=12).delete()

    assert before == 12
    assert talks_in_2021() == 11


def test_a_filter_form_with_previous_figures_is_not_kept(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks, monkeypatch
):
    query = {"region": "kamchatskii-krai"}
    client.get("/talks/", query)
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.filter(speakers__library__region__slug="kamchatskii-krai")[0].delete()

    with monkeypatch.context() as meanwhile:
        # Another worker is recounting: this request gets the previous figures.
        meanwhile.setattr(cache, "add", lambda *args, **kwargs: False)
        during = client.get("/talks/", query)
    after = client.get("/talks/", query)

    assert '<span class="count">5</span>' in region_option(during, "kamchatskii-krai")
    assert '<span class="count">4</span>' in region_option(after, "kamchatskii-krai")


def test_region_overview_and_speaker_index_are_counted_again_after_a_change(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    def far_east():
        districts = client.get("/regions/").context["districts"]
        return next(d["talk_count"] for d in districts if d["value"] == "far-eastern")

    def speakers():
        response = client.get("/speakers/")
        return response.context["page"].paginator.count, dict(response.context["alphabet"])["щ"]

    before = far_east(), speakers()
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.filter(speakers__library__region__slug="kamchatskii-krai")[0].delete()
        renamed = Person.objects.filter(speaker_roles__isnull=False).first()
        renamed.last_name = "Щукина"
        renamed.save()

    assert before == (8, (12, False))
    assert (far_east(), speakers()) == (7, (11, True))


@pytest.mark.parametrize("path", ["/regions/", "/speakers/"])
def test_region_overview_and_speaker_index_count_once_per_archive_change(
    client, demo_seminar, aggregate_cache, path
):
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)

    # Only the rows shown: the counts over every speaker come from the cache.
    assert len(queries) == 1


def test_a_quick_recount_is_done_at_once(db, settings):
    settings.AGGREGATE_CACHE_SECONDS = 60
    cache.clear()
    remember(("home",), lambda: 1)
    new_generation()

    # The first count took microseconds: the request after the change recounts itself.
    assert remember(("home",), lambda: 2) == 2
    cache.clear()


def test_a_slow_recount_runs_in_the_background_meanwhile_the_previous_figures_show(
    rf, db, background_recounts, page_cache
):
    remember(("home",), lambda: "old")
    new_generation()
    counted_in = []

    def recount():
        counted_in.append(threading.current_thread().name)
        return "new"

    def view(request):
        return HttpResponse(remember(("home",), recount))

    middleware = AnonymousPageCacheMiddleware(view)
    during = middleware(rf.get("/")).content
    wait_for_recounts()
    after = middleware(rf.get("/")).content

    assert (during, after) == (b"old", b"new")  # the page with old figures was not kept
    assert counted_in == ["recount_0"]


def test_a_failed_background_recount_is_tried_again(db, background_recounts, caplog):
    remember(("home",), lambda: 1)
    new_generation()

    def broken():
        raise RuntimeError("the database went away")

    with caplog.at_level(logging.ERROR, logger="config.cache"):
        assert remember(("home",), broken) == 1
        wait_for_recounts()
    assert "Background recount failed" in caplog.text

    assert remember(("home",), lambda: 3) == 1
    wait_for_recounts()
    assert remember(("home",), lambda: pytest.fail("counted again")) == 3


def test_with_the_recount_thread_busy_a_request_recounts_itself(
    db, background_recounts, monkeypatch
):
    remember(("home",), lambda: 1)
    new_generation()
    busy = threading.BoundedSemaphore(1)
    busy.acquire()
    monkeypatch.setattr(config.cache, "_recount_slots", busy)

    assert remember(("home",), lambda: 2) == 2


def test_chosen_regions_and_topics_come_from_a_remembered_map(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    client.get("/talks/", {"region": "kamchatskii-krai"})

    response, _ = get(client, "/talks/?region=kamchatskii-krai")
    with CaptureQueriesContext(connection) as queries:
        client.get("/talks/", {"region": "kamchatskii-krai"})

    assert response.context["filter"].form.cleaned_data["region"][0].name == "Камчатский край"
    assert not [query for query in queries if 'FROM "libraries_region"' in query["sql"]]

    # A topic added since is found: the map is read again once the archive changed.
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.create(name="Новая тема", slug="novaia-tema")
    response, _ = get(client, "/talks/?topic=novaia-tema")
    assert response.context["form"].errors == {}
    assert response.context["filter"].form.cleaned_data["topic"][0].name == "Новая тема"
