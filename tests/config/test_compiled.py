import datetime

import pytest
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from config.compiled import Compiled
from config.lookups import AnyOf
from seminars.models import Seminar, Talk
from tests import factories

pytestmark = pytest.mark.django_db

SEMINAR = Compiled(
    lambda slug: Seminar.objects.select_related("organizer__region").filter(slug=slug), str
)
TITLES = Compiled(
    lambda keys: Talk.objects.filter(AnyOf(F("pk"), keys)).order_by("pk").values_list("title"),
    list,
)


def test_rows_are_djangos_for_any_value():
    seminars = [
        factories.seminar(title, organizer=factories.library(f"Библиотека {n}"))
        for n, title in enumerate(["Первый семинар", "Второй семинар"])
    ]

    for seminar in seminars:
        [found] = SEMINAR(seminar.slug)
        assert (found.pk, found.title, found.start_date) == (
            seminar.pk,
            seminar.title,
            seminar.start_date,
        )
        # select_related as compiled: the organiser and its region come with the row.
        with CaptureQueriesContext(connection) as queries:
            assert found.organizer.name == seminar.organizer.name
            assert found.organizer.region.name == "Камчатский край"
        assert len(queries) == 0
    assert SEMINAR("нет-такого") == []


def test_dates_and_small_integers_as_values():
    """A date reaches SQLite as text and PostgreSQL as a date; a programme number is a small
    integer, whose lookups would drop a stand-in outside its range were it not a `Value`."""
    organizer = factories.library()
    for title, start, count in [("Раньше", datetime.date(2020, 5, 1), 4), ("Позже", None, 2)]:
        seminar = factories.seminar(title, organizer, start or datetime.date(2022, 1, 10))
        for order in range(1, count + 1):
            Talk.objects.create(seminar=seminar, order=order, title=f"Доклад {order}")
    after = Compiled(
        lambda day, order: (
            Talk.objects.filter(seminar_date__gte=day, order__gt=Value(order))
            .order_by("pk")
            .values_list("seminar__title", "order")
        ),
        datetime.date,
        int,
    )

    assert after(datetime.date(2021, 1, 1), 0) == [("Позже", 1), ("Позже", 2)]
    assert after(datetime.date(2020, 5, 1), 2) == [
        ("Раньше", 3),
        ("Раньше", 4),
    ]
    assert after(datetime.date(2023, 1, 1), 0) == []


def test_lists_of_keys_and_the_empty_list():
    talks = factories.talks(5)
    keys = [talk.pk for talk in talks]

    assert TITLES(keys[1:4]) == [(talk.title,) for talk in talks[1:4]]
    assert TITLES(keys[::-1][:2]) == [(talk.title,) for talk in talks[3:]]
    assert TITLES([]) == []


def test_values_with_quotes_and_percent_signs_and_a_literal_percent():
    odd = "100% «чтение»'); DROP TABLE seminars_talk; --"
    factories.seminar(odd)
    modulo = Compiled(
        lambda title: (
            Seminar.objects.filter(title=title)
            .annotate(rest=RawSQL("7 %% 3", []))
            .values_list("title", "rest")
        ),
        str,
    )

    assert modulo(odd) == [(odd, 1)]
    assert modulo("100%") == []
    assert Talk.objects.count() == 0  # the table is still there


def test_a_value_that_does_not_reach_the_sql_unchanged_is_refused():
    # icontains sends «%value%»: the stand-in cannot be found, and swapping it would be wrong.
    shape = Compiled(lambda text: Seminar.objects.filter(title__icontains=text), str)

    with pytest.raises(ValueError, match="does not reach"):
        shape("семинар")


def test_the_number_of_values_is_checked():
    with pytest.raises(TypeError):
        SEMINAR("a", "b")


def test_one_query_per_call_the_first_too():
    factories.talks(3)
    keys = list(Talk.objects.values_list("pk", flat=True))
    titles = Compiled(lambda keys: Talk.objects.filter(AnyOf(F("pk"), keys)), list)

    # Preparing the statement (PostgreSQL) is not one of the page's queries.
    with CaptureQueriesContext(connection) as queries:
        assert len(titles(keys)) == 3
        assert len(titles(keys[:1])) == 1
    assert len(queries) == 2


@pytest.mark.postgresql
def test_postgresql_plans_the_statement_once_per_connection(settings):
    settings.PREPARED_STATEMENTS = True
    factories.talks(2)
    keys = list(Talk.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        assert len(TITLES(keys)) == 2
    [query] = queries
    assert query["sql"].startswith("EXECUTE compiled_")
    name = query["sql"].split("(")[0].removeprefix("EXECUTE ")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        [(statement,)] = cursor.fetchall()
    assert "ANY($1::bigint[])" in statement

    # A rolled-back transaction keeps it: PREPARE is not transactional.
    with pytest.raises(RuntimeError), transaction.atomic():
        TITLES(keys)
        raise RuntimeError
    assert len(TITLES(keys)) == 2


@pytest.mark.postgresql
def test_a_prepared_statement_keeps_its_generic_plan(settings):
    """PostgreSQL planned a lookup by a list of keys anew at every EXECUTE (0.4 ms for the
    search's speakers): it costs the generic plan for an array of unknown length above the
    custom plan for the array at hand. The connection asks for the generic plan."""
    settings.PREPARED_STATEMENTS = True
    factories.talks(3)
    keys = list(Talk.objects.values_list("pk", flat=True))
    for count in range(1, 8):
        assert len(TITLES(keys[: 1 + count % 3])) == 1 + count % 3
    with CaptureQueriesContext(connection) as queries:
        TITLES(keys)
    name = queries[0]["sql"].split("(")[0].removeprefix("EXECUTE ")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s",
            [name],
        )
        [(generic, custom)] = cursor.fetchall()
    # (Earlier tests on this connection may have run it too.)
    assert generic >= 8
    assert custom == 0


@pytest.mark.postgresql
def test_without_prepared_statements_the_sql_itself_runs(settings):
    settings.PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        TITLES([1])
    assert queries[0]["sql"].startswith("SELECT")


def test_a_shape_planned_each_time_runs_its_sql():
    """`prepare=False` (a plan that depends on the value): compiled once, sent as SQL."""
    factories.talks(2)
    keys = list(Talk.objects.values_list("pk", flat=True))
    titles = Compiled(
        lambda keys: Talk.objects.filter(AnyOf(F("pk"), keys)).values_list("title"),
        list,
        prepare=False,
    )
    with CaptureQueriesContext(connection) as queries:
        assert len(titles(keys)) == 2
        assert len(titles(keys[:1])) == 1
    assert [query["sql"].split()[0] for query in queries] == ["SELECT", "SELECT"]


def test_empty_lists_run_no_query_as_with_django():
    with CaptureQueriesContext(connection) as queries:
        assert TITLES([]) == []
    assert len(queries) == 0
