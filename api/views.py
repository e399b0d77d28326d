from urllib.parse import quote

from django.db.models import Prefetch
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer

from core import downloads
from core.cache import figure, query_parameters
from core.lists import ListPaginator, count_of, filter_items, query_dict
from libraries.models import Library, Region
from seminars.filters import SeminarFilter, TalkFilter
from seminars.models import Seminar, Talk, Topic, published_speakers

from . import serializers
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

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "Номер страницы, с 1; за последней — ответ 404."
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = (
                    f"Сколько записей на странице: от 1 до {self.max_page_size} "
                    f"(больше — то же, что {self.max_page_size}), по умолчанию {self.page_size}."
                )
        return parameters

    def get_paginated_response_schema(self, schema):
        # DRF describes `next`/`previous` with OpenAPI 3.0's `nullable`; the schema is 3.1.
        response = super().get_paginated_response_schema(schema)
        for name in ("next", "previous"):
            link = response["properties"][name]
            link.pop("nullable", None)
            link["type"] = ["string", "null"]
        return response


NOT_FOUND = OpenApiResponse(
    serializers.ErrorSerializer,
    "Нет такой записи (или она не опубликована) либо такой страницы списка.",
)
NOT_ACCEPTABLE = OpenApiResponse(
    serializers.ErrorSerializer, "Клиент не принимает ни один из типов ответа."
)


def filter_errors(filterset_class):
    """400: the filter's form errors, a list of messages for each wrong parameter."""
    schema = {
        "type": "object",
        "propertyNames": {"enum": sorted(filterset_class.base_filters)},
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    }
    return OpenApiResponse(schema, "Фильтр заполнен с ошибкой: сообщения по каждому параметру.")


class ArchiveSchema(AutoSchema):
    """Documents the errors a list or a record answers, not only its 200."""

    def get_response_serializers(self):
        responses = {200: super().get_response_serializers()}
        # Filters apply to a record too (DRF's get_object filters the queryset).
        if filterset_class := getattr(self.view, "filterset_class", None):
            responses[400] = filter_errors(filterset_class)
        return {**responses, 404: NOT_FOUND, 406: NOT_ACCEPTABLE}


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    schema = ArchiveSchema()

    def get_object(self):
        try:
            return super().get_object()
        except Http404 as error:
            # Django's own message is English («No Talk matches the given query.»).
            raise NotFound("Запись не найдена: её нет или она не опубликована.") from error

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
            # Counted for the page's rows only (a grouped Count joined every talk of the filter).
            .annotate(talks_count=count_of(Talk, "seminar"))
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


class ZipRenderer(BaseRenderer):
    """Lets a client that asks for application/zip have it (the view writes the bytes itself)."""

    media_type = "application/zip"
    format = "zip"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@query_parameters()
@extend_schema(
    summary="Весь архив: ZIP с CSV-файлами, по одному на таблицу",
    # OpenAPI 3.1 describes raw bytes by their media type alone; `format: binary` (3.0) would
    # make validators check the bytes as a JSON string.
    responses={
        (200, "application/zip"): {"contentMediaType": "application/zip"},
        406: NOT_ACCEPTABLE,
    },
)
@api_view(["GET"])
# JSON first: an error (406) is written by the first renderer.
@renderer_classes([JSONRenderer, ZipRenderer])
def archive_zip(request):
    return downloads.serve(
        request, "metodkopilka.zip", "api.export.as_zip", content_type="application/zip"
    )


@query_parameters()
@extend_schema(
    summary="Весь архив одним JSON-документом: таблица — список строк",
    responses={(200, "application/json"): OpenApiTypes.OBJECT, 406: NOT_ACCEPTABLE},
)
@api_view(["GET"])
def archive_json(request):
    return downloads.serve(
        request, "metodkopilka.json", "api.export.as_json", content_type="application/json"
    )


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, named as RFC 6266 says.

    drf-spectacular names the file after the Cyrillic title, and Django then encodes the whole
    header as RFC 2047 (`=?utf-8?b?…?=`), which HTTP clients do not read.
    """

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        suffix = "json" if "json" in request.accepted_renderer.format else "yaml"
        name = quote(f"Методическая копилка — открытые данные.{suffix}", safe="")
        response["Content-Disposition"] = (
            f"inline; filename=\"metodkopilka-openapi.{suffix}\"; filename*=UTF-8''{name}"
        )
        return response
