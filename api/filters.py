import django_filters

from libraries.models import Library


class LibraryFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__slug", label="Регион (адрес страницы)")

    class Meta:
        model = Library
        fields = ["region"]
