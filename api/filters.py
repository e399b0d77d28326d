import django_filters

from libraries.models import Library
from seminars.models import Seminar


class SeminarFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        field_name="start_date",
        lookup_expr="year",
        label="Год",
        # Bounded: `year=0` made the date lookup fail with a server error.
        min_value=1900,
        max_value=2100,
    )
    region = django_filters.CharFilter(
        label="Регион-участник (адрес страницы)", method="filter_region"
    )
    organizer = django_filters.CharFilter(
        field_name="organizer__slug", label="Организатор (адрес страницы)"
    )

    class Meta:
        model = Seminar
        fields = ["year", "region", "organizer", "kind", "format", "scope"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(regions__slug=value)


class LibraryFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__slug", label="Регион (адрес страницы)")

    class Meta:
        model = Library
        fields = ["region"]
