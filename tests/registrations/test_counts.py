"""Participation counted from real people: the seminar page, the statistics page and its XLSX."""

import io

import pytest
from openpyxl import load_workbook

from registrations.models import Registration
from seminars import statistics
from tests.queries import queries

pytestmark = pytest.mark.django_db


def test_the_seminar_page_counts_registered_and_attended_people(client, upcoming, people):
    Registration.objects.filter(pk=people[0].pk).update(attended=True)
    people[2].status = Registration.Status.CANCELLED
    people[2].save()
    upcoming.participants_count = 999
    upcoming.save()

    page = client.get(upcoming.get_absolute_url()).content.decode()

    assert "зарегистрировались: 2, присутствовали: 1" in page
    assert "999" not in page
    for registration in people:
        assert registration.last_name not in page
        assert registration.email not in page


def test_the_seminar_page_asks_a_fixed_number_of_queries(client, upcoming, people):
    few = queries(client, upcoming.get_absolute_url())
    for n in range(20):
        Registration.objects.create(
            seminar=upcoming,
            last_name="Петрова",
            first_name="Анна",
            email=f"p{n}@example.ru",
            consent_at=people[0].consent_at,
        )

    assert queries(client, upcoming.get_absolute_url()) == few


def test_statistics_count_participants_by_region_district_and_library(client, upcoming, people):
    Registration.objects.filter(pk__in=[people[0].pk, people[1].pk]).update(attended=True)
    stats = statistics.compute(upcoming.start_date.year)

    summary = {row[0]: row[1] for row in stats.table("summary").rows}
    assert summary["Участники: зарегистрировались"] == 3
    assert summary["Участники: присутствовали"] == 2
    assert summary["Участники (по данным мероприятий)"] == 2
    assert stats.table("participants-regions").rows == [
        ["Камчатский край", 2, 1],
        ["Сахалинская область", 1, 1],
    ]
    assert stats.table("participants-federal-districts").rows == [["Дальневосточный", 3, 2]]
    assert stats.table("participants-districts").rows == [
        ["Соболевский муниципальный район", 1, 1],
        ["Елизовский муниципальный район", 1, 0],
    ]
    assert stats.table("participants-libraries").rows == [["Сельская библиотека", 3, 2]]

    page = client.get("/statistics/", {"year_from": upcoming.start_date.year}).content.decode()
    assert "Участники по регионам" in page and "Сахалинская область" in page
    assert "Ёлкина" not in page and "elkina@example.ru" not in page
    report = client.get("/statistics/report.xlsx", {"year_from": upcoming.start_date.year})
    workbook = load_workbook(io.BytesIO(report.getvalue()))
    sheet = workbook["Участники по регионам"]
    assert [cell.value for cell in sheet[5]] == ["Камчатский край", 2, 1]


def test_without_registrations_the_statistics_keep_their_tables(demo_seminar):
    stats = statistics.compute(2021)

    assert not [table for table in stats.tables if table.slug.startswith("participants-")]


def more_people(upcoming, template, count):
    from django.utils import timezone

    Registration.objects.bulk_create(
        Registration(
            seminar=upcoming,
            last_name="Петрова",
            first_name="Анна",
            email=f"more{n}@example.ru",
            region=template.region,
            library=upcoming.organizer,
            consent_at=timezone.now(),
        )
        for n in range(count)
    )


def test_the_registration_page_and_the_admin_list_ask_a_fixed_number_of_queries(
    client, admin_client, upcoming, people
):
    page = f"/seminars/{upcoming.start_date.year}/{upcoming.slug}/registration/"
    changelist = "/admin/registrations/registration/"
    few = (queries(client, page), queries(admin_client, changelist))

    more_people(upcoming, people[0], 50)

    assert (queries(client, page), queries(admin_client, changelist)) == few


def test_the_admin_list_names_branch_libraries_without_a_query_each(admin_client, upcoming):
    """The library filter's choices read each branch's parents in the same query."""
    from django.utils import timezone

    from tests import factories

    changelist = "/admin/registrations/registration/"
    head = factories.library("Центральная библиотека")

    def register(n):
        branch = factories.library(f"Филиал № {n}", parent=head)
        Registration.objects.create(
            seminar=upcoming, last_name="Петрова", first_name="Анна", email=f"b{n}@example.ru",
            library=branch, consent_at=timezone.now(),
        )  # fmt: skip

    register(0)
    few = queries(admin_client, changelist)
    for n in range(1, 6):
        register(n)

    assert queries(admin_client, changelist) == few
