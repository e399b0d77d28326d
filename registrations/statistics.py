"""Participants counted from registrations for the statistics page and its XLSX report
(seminars/statistics.py asks `count` through its `counters`). Only numbers leave this module."""

from django.db.models import Count, Q

from libraries.models import FederalDistrict, Library
from seminars.statistics import Counted, Table

from .models import Registration

REGISTERED = "Зарегистрировались"
ATTENDED = "Присутствовали"
HEADERS = [REGISTERED, ATTENDED]
CHART_ROWS = 20


def counts(queryset, *group):
    """(group values…, registered, attended) for registrations not cancelled."""
    return (
        queryset.values_list(*group)
        .annotate(
            registered=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
            attended=Count("pk", filter=Q(attended=True)),
        )
        .order_by()
    )


def table(slug, title, header, rows):
    rows = sorted(rows, key=lambda row: (-row[2], -row[1], str(row[0])))
    # A long list (libraries of a regional mailing) is a table to read, not a chart.
    chart = [1, 2] if len(rows) <= CHART_ROWS else []
    return Table(slug, title, [header, *HEADERS], [list(row) for row in rows], chart=chart)


def count(seminars):
    registrations = Registration.objects.active().filter(seminar__in=seminars)
    per_seminar = list(counts(registrations, "seminar"))
    if not per_seminar:
        return Counted(seminars=[], participants=0, summary={}, tables=[])
    registered = sum(row[1] for row in per_seminar)
    attended = sum(row[2] for row in per_seminar)
    regions = counts(registrations.filter(region__isnull=False), "region__name")
    districts = dict(
        (value, (r, a)) for value, r, a in counts(registrations, "region__federal_district")
    )
    municipal = counts(registrations.exclude(municipal_district=""), "municipal_district")
    by_library = list(counts(registrations, "library", "library_text"))
    names = {
        library.pk: str(library)
        for library in Library.objects.filter(
            pk__in=[row[0] for row in by_library if row[0]]
        ).select_related("parent__parent")
    }
    libraries = {}
    for library, text, r, a in by_library:
        name = names.get(library) or text or "не указана"
        before = libraries.get(name, (0, 0))
        libraries[name] = (before[0] + r, before[1] + a)
    return Counted(
        seminars=[row[0] for row in per_seminar],
        participants=attended,
        summary={
            f"Участники: {REGISTERED.lower()}": registered,
            f"Участники: {ATTENDED.lower()}": attended,
        },
        tables=[
            table("participants-regions", "Участники по регионам", "Регион", regions),
            table(
                "participants-federal-districts",
                "Участники по федеральным округам",
                "Федеральный округ",
                [
                    (label, *districts[value])
                    for value, label in FederalDistrict.choices
                    if value in districts
                ],
            ),
            table(
                "participants-districts",
                "Участники по муниципальным районам",
                "Район",
                municipal,
            ),
            table(
                "participants-libraries",
                "Участники по библиотекам",
                "Библиотека",
                [(name, r, a) for name, (r, a) in libraries.items()],
            ),
        ],
    )
