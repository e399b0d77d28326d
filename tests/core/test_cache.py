import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cache import figure, new_generation
from people.models import Person
from seminars.models import Seminar
from tests.core import figures


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
    client.get("/seminars/")
    client.get("/seminars/")
    client.get("/seminars/?page=2")

    assert len(cached_pages()) == 2


def test_page_cache_off(client, demo_seminar, settings):
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    get(client, "/")

    _, queries = get(client, "/")

    assert queries > 0


def test_a_figure_is_counted_once_until_the_archive_changes(db, aggregate_cache):
    figures.calls.clear()

    first = figure(figures.count, "talks")
    second = figure(figures.count, "talks")

    assert first == second == 1
    assert figures.calls == ["talks"]


def test_after_a_change_the_previous_figure_shows_while_the_worker_counts_it_again(
    db, aggregate_cache
):
    figures.calls.clear()
    figure(figures.count, "talks")
    new_generation()

    during = figure(figures.count, "talks")  # asks the worker to count it again
    after = figure(figures.count, "talks")

    assert (during, after) == (1, 2)
    assert figures.calls == ["talks", "talks"]


def test_a_change_asks_for_one_recount_however_many_visitors_arrive(db, aggregate_cache, settings):
    """With a worker busy elsewhere, the recount waits in the queue: visitors meanwhile get the
    previous figure and queue nothing more."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    figures.calls.clear()
    figure(figures.count, "talks")
    new_generation()

    shown = [figure(figures.count, "talks") for _ in range(5)]

    assert shown == [1] * 5
    assert [result.args for result in default_task_backend.results] == [
        ["tests.core.figures.count", ["talks"]]
    ]


def test_figures_are_counted_in_the_request_when_not_kept(db, settings):
    settings.AGGREGATE_CACHE_SECONDS = 0
    figures.calls.clear()

    assert [figure(figures.count, "talks") for _ in range(2)] == [1, 2]


def test_hints_for_an_empty_result_share_the_loosened_lists_totals(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    """«Уберите «Текст» — найдётся 12 докладов»: the total of the list without the text is a
    figure like the list's own."""

    def counts(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        hints = {hint["label"]: hint["count"] for hint in response.context["loosen"]}
        return hints, sum(
            'COUNT(*) AS "__count"' in query["sql"] for query in queries.captured_queries
        )

    client.get("/talks/")  # counts the total of every talk

    # The first request counts only its own (empty) list, the next nothing.
    assert counts("/talks/?q=квазар") == ({"Текст": 12}, 1)
    assert counts("/talks/?q=квазар") == ({"Текст": 12}, 0)
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.last().delete()
    client.get("/talks/?q=квазар")  # the previous figures, while they are counted again
    assert counts("/talks/?q=квазар") == ({"Текст": 11}, 0)


def region_option(response, slug):
    """The region facet's checkbox and count for `slug`, as the filter form renders it."""
    html = response.content.decode()
    start = html.index(f'id="region-{slug}"')
    return html[start : html.index("</li>", start)]


def test_facets_are_counted_again_after_a_change(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    first = client.get("/talks/", {"region": "kamchatskii-krai"})
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.filter(speakers__library__region__slug="kamchatskii-krai")[0].delete()
    during = client.get("/talks/", {"region": "kamchatskii-krai"})
    after = client.get("/talks/", {"region": "kamchatskii-krai"})

    assert '<span class="count">5</span>' in region_option(first, "kamchatskii-krai")
    assert " checked" in region_option(first, "kamchatskii-krai")
    assert '<span class="count">5</span>' in region_option(during, "kamchatskii-krai")
    assert '<span class="count">4</span>' in region_option(after, "kamchatskii-krai")


@pytest.mark.postgresql
def test_pages_queries_are_neither_parallel_nor_jit_compiled(db):
    """A query's estimated cost, not its run time, makes PostgreSQL compile it or start workers:
    the application's connections have both off."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_statistics_are_counted_again_after_a_change(
    client, demo_seminar, aggregate_cache, django_capture_on_commit_callbacks
):
    def talks_in_2021():
        stats = client.get("/statistics/", {"year_from": 2021, "year_to": 2021}).context["stats"]
        return next(row[1] for row in stats.table("summary").rows if row[0] == "Доклады")

    before = talks_in_2021()
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.talks.get(order=12).delete()
    during = talks_in_2021()

    assert (before, during, talks_in_2021()) == (12, 12, 11)


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
    far_east(), speakers()  # the previous figures, while they are counted again

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


@pytest.mark.parametrize(
    ("url", "declared"),
    [
        ("/", None),
        ("/seminars/", "year=2021"),
        ("/talks/", "region=kamchatskii-krai"),
        ("/talks/", "sort=title"),
        ("/speakers/", "letter=К"),
        ("/libraries/", "q=детская"),
        ("/regions/", None),
        ("/regions/kamchatskii-krai/", None),
        ("/search/", "q=библиотека"),
    ],
)
def test_a_parameter_the_page_does_not_take_is_the_same_cache_entry(
    client, demo_seminar, page_cache, url, declared
):
    """`?r=<random>` or a mailing's tracking tag must not make every request a new page."""
    get(client, url + "?r=1")

    _, queries = get(client, url + "?r=2&utm_source=letter")

    assert queries == 0
    if declared:
        _, queries = get(client, f"{url}?{declared}&r=3")
        assert queries > 0


@pytest.mark.postgresql
def test_a_figure_too_slow_for_a_request_is_counted_by_the_worker(db, settings):
    """The web's statement timeout ends a first count that takes longer (a million talks): the
    visitor gets the 503 page, and the worker, which has no time limit, counts it for the next."""
    from django.db import OperationalError, transaction
    from django_tasks import default_task_backend

    from core.tasks import recount

    settings.AGGREGATE_CACHE_SECONDS = 60
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    cache.clear()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 100")
    with pytest.raises(OperationalError), transaction.atomic():
        figure(figures.sleep, 0.5)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")

    (queued,) = default_task_backend.results
    recount.call(*queued.args)  # as the worker runs it

    with CaptureQueriesContext(connection) as queries:
        assert figure(figures.sleep, 0.5) == 0.5
    assert len(queries) == 0
