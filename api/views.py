from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination

from core.cache import figure
from core.lists import ListPaginator, filter_items, query_dict
from libraries.models import Library, Region
from seminars.filters import SeminarFilter, TalkFilter
from seminars.models import Seminar, Talk, Topic, published_speakers

from . import export, serializers
from .filters import LibraryFilter


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size):
        # Totals count the whole archive: kept as figures, as on the pages.
        items = [
            item for item in filter_items(self.request.GET) if item[0] != self.page_size_query_param
        ]
        name = type(self.view).__name__
        return ListPaginator(
            queryset, page_size, count=lambda: figure(count_api, name, items), key=[name, items]
        )

    def get_paginated_response_schema(self, schema):
        # DRF describes `next`/`previous` with OpenAPI 3.0's `nullable`; the schema is 3.1.
        response = super().get_paginated_response_schema(schema)
        for name in ("next", "previous"):
            link = response["properties"][name]
            link.pop("nullable", None)
            link["type"] = ["string", "null"]
        return response


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        LISTS[cls.__name__] = cls


# The API's lists by name, for counting their totals in the background (`count_api`).
LISTS = {}


def count_api(name, items):
    view = LISTS[name](action="list")
    queryset = view.get_queryset()
    if getattr(view, "filterset_class", None):
        filterset = view.filterset_class(query_dict(items), queryset=queryset)
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    return queryset.count()


class SeminarViewSet(ReadOnlyViewSet):
    """Published seminars, newest first; the same filters as the seminar list page."""

    filterset_class = SeminarFilter

    def get_queryset(self):
        seminars = (
            Seminar.objects.published()
            .select_related("organizer__parent")
            .prefetch_related("regions")
            .annotate(talks_count=Count("talks"))
            # Meta.ordering does not apply to aggregate queries.
            .order_by("-start_date", "-id")
        )
        if self.action == "retrieve":
            seminars = seminars.prefetch_related(
                "localities",
                "links",
                Prefetch("talks", Talk.objects.with_speakers().prefetch_related("topics")),
            )
        return seminars

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.SeminarDetailSerializer
        return serializers.SeminarSerializer


class TalkViewSet(ReadOnlyViewSet):
    """Talks of published seminars, newest seminar first; the same filters as the talks page."""

    serializer_class = serializers.TalkSerializer
    filterset_class = TalkFilter
    queryset = (
        Talk.objects.published()
        .select_related("seminar")
        .with_speakers()
        .prefetch_related("topics")
        .newest_first()
    )


class PersonViewSet(ReadOnlyViewSet):
    """Speakers of published seminars who consented to publication of their personal data."""

    serializer_class = serializers.PersonSerializer
    queryset = published_speakers().public()


class LibraryViewSet(ReadOnlyViewSet):
    serializer_class = serializers.LibrarySerializer
    filterset_class = LibraryFilter
    queryset = Library.objects.published().select_related("parent__parent", "region", "locality")


class RegionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.RegionSerializer
    queryset = Region.objects.all()


class TopicViewSet(ReadOnlyViewSet):
    serializer_class = serializers.TopicSerializer
    queryset = Topic.objects.all()


@extend_schema(
    summary="Весь архив: ZIP с CSV-файлами, по одному на таблицу",
    responses={(200, "application/zip"): OpenApiTypes.BINARY},
)
@api_view(["GET"])
def archive_zip(request):
    response = HttpResponse(export.as_zip(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="metodkopilka.zip"'
    return response


@extend_schema(
    summary="Весь архив одним JSON-документом: таблица — список строк",
    responses={(200, "application/json"): OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def archive_json(request):
    response = HttpResponse(export.as_json(), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="metodkopilka.json"'
    return response
