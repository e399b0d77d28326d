"""A library's name carries its parent's and grandparent's (`Library.__str__`): pages that name
libraries read two levels of parents with them, not a query for each branch of a branch."""

import datetime

import pytest
from django.utils import timezone

from seminars import statistics
from seminars.models import Talk, TalkSpeaker
from tests import factories
from tests.queries import queries


def branches_of_a_branch(count):
    """`count` libraries two levels below a system, each a speaker's workplace in talk 1."""
    branch = factories.library("Квазарный филиал", parent=factories.library("Квазарная система"))
    talk = Talk.objects.get(order=1)
    start = talk.speakers.count() + 1
    for order in range(start, start + count):
        point = factories.library(f"Квазарный пункт {order}", parent=branch)
        person = factories.person(f"Квазарова{order}")
        TalkSpeaker.objects.create(talk=talk, person=person, library=point, order=order)


@pytest.mark.parametrize("url", ["/api/libraries/", "/api/talks/", "/search/?q=квазарный"])
def test_pages_naming_libraries_run_no_query_per_branch_of_a_branch(client, demo_seminar, url):
    branches_of_a_branch(1)
    queries(client, url)  # the search reads PostgreSQL's word statistics once a minute
    one = queries(client, url)
    branches_of_a_branch(4)

    assert queries(client, url) == one


@pytest.mark.parametrize("url", ["/feeds/seminars.rss", "/calendar/upcoming.ics"])
def test_feeds_name_organizers_without_a_query_each(client, db, url):
    """«Организатор: …» in feeds and calendars, for seminars of branches of a branch."""
    start = timezone.localdate() + datetime.timedelta(days=30)

    def organized_by_branches_of_a_branch(count):
        branch = factories.library(
            "Квазарный филиал", parent=factories.library("Квазарная система")
        )
        for number in range(count):
            point = factories.library(f"Квазарный пункт {number}", parent=branch)
            factories.seminar(f"Квазарный семинар {number}", point, start)

    organized_by_branches_of_a_branch(1)
    one = queries(client, url)
    organized_by_branches_of_a_branch(4)

    assert queries(client, url) == one


def test_statistics_name_branches_of_branches_without_a_query_each(
    demo_seminar, django_assert_max_num_queries
):
    branches_of_a_branch(1)
    with django_assert_max_num_queries(100) as captured:
        statistics.compute(2021)
    one = len(captured)
    branches_of_a_branch(4)

    with django_assert_max_num_queries(one):
        stats = statistics.compute(2021)
    assert any("Квазарный пункт" in str(row) for table in stats.tables for row in table.rows)


def test_a_speakers_admin_page_names_branches_of_branches_without_a_query_each(
    staff_client, demo_seminar
):
    """The person's talks in the admin, each with the library as the speaker then named it."""
    branch = factories.library("Квазарный филиал", parent=factories.library("Квазарная система"))
    person = factories.person("Квазарова")
    talks = list(Talk.objects.order_by("order")[:5])

    def speaks_in(talk):
        point = factories.library(f"Квазарный пункт {talk.order}", parent=branch)
        TalkSpeaker.objects.create(talk=talk, person=person, library=point, order=20)

    speaks_in(talks[0])
    url = f"/admin/people/person/{person.pk}/change/"
    queries(staff_client, url)  # the first request also reads what Django keeps (content types)
    one = queries(staff_client, url)
    for talk in talks[1:]:
        speaks_in(talk)

    assert queries(staff_client, url) == one
