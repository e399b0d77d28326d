"""The talk filter: one FilterSet for the talk list, its facets, exports and «nothing found».

Libraries, people and seminars are far too many for a `<select>`: their filters take a slug (what
the as-you-type suggestions submit) or any part of a name (what a visitor without JavaScript types).
"""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.text import sort_key
from libraries.models import FederalDistrict, Library, Region
from people.models import Person

from . import search
from .forms import NumberInput
from .models import Seminar, Talk, TalkSpeaker, Topic

YEAR_MIN, YEAR_MAX = 1900, 2100
TOPIC_FACET_SIZE = 30


def slug_or_name(queryset, text, by_name):
    """The record whose slug is `text` (what a suggestion submits), else those matching by name."""
    by_slug = queryset.filter(slug=text)
    return by_slug if by_slug.exists() else queryset.filter(by_name)


def library_matches(text):
    """Published libraries by slug or by part of the name (case and ё ignored)."""
    text = text.strip()
    return slug_or_name(
        Library.objects.published(),
        text,
        Q(sort_key__contains=sort_key(text)) | Q(short_name__icontains=text),
    )


def speaker_matches(text):
    """People by slug or name; people without consent only by their exact surname (152-ФЗ)."""
    text = text.strip()
    return slug_or_name(
        Person.objects.all(),
        text,
        Q(consent=Person.Consent.GIVEN, sort_key__contains=sort_key(text))
        | Q(last_name__iexact=text),
    ).filter(Q(consent=Person.Consent.GIVEN) | Q(last_name__iexact=text))


def seminar_matches(text):
    text = text.strip()
    return slug_or_name(Seminar.objects.published(), text, Q(title__icontains=text))


class LookupField(forms.CharField):
    """Text that must name at least one record; cleans to the queryset of those records."""

    def __init__(self, *, lookup, not_found, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.lookup = lookup
        self.not_found = not_found

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        matches = self.lookup(value)
        if not matches.exists():
            raise forms.ValidationError(self.not_found, params={"value": value})
        return matches.values("pk")


# The API schema (drf-spectacular) cannot guess these types and warns in `check --deploy`.
@extend_schema_field(OpenApiTypes.STR)
class LookupFilter(django_filters.Filter):
    field_class = LookupField


# One slug: drf-spectacular documents a multiple-choice filter as an array of these itself.
@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Several records by their slugs: `?region=kamchatskii-krai&region=orlovskaia-oblast`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", NumberInput)
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


def choice_counts(choices, counts):
    """Every choice as a facet option, with its count (0 when nothing has it)."""
    return [{"value": v, "label": label, "count": counts.get(v, 0)} for v, label in choices]


def suggest_input(url_name, placeholder):
    """A text box that static/js/suggest.js turns into as-you-type suggestions."""
    return forms.TextInput(
        attrs={
            "data-suggest": reverse_lazy(url_name),
            "placeholder": placeholder,
            "autocomplete": "off",
        }
    )


class TalkFilter(django_filters.FilterSet):
    SORTS = {
        # The talk's copies of its seminar's date (Talk.seminar_date): one index walks them.
        "newest": ("-seminar_date", "-seminar_id", "order"),
        "oldest": ("seminar_date", "seminar_id", "order"),
        "title": ("title", "seminar_id", "order"),
    }

    q = django_filters.CharFilter(
        label="Текст",
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "слово из темы или аннотации"}
        ),
    )
    region = SlugsFilter(label="Регион", queryset=Region.objects.all(), method="filter_region")
    district = django_filters.MultipleChoiceFilter(
        label="Федеральный округ", choices=FederalDistrict.choices, method="filter_district"
    )
    library = LookupFilter(
        label="Библиотека",
        method="filter_library",
        lookup=library_matches,
        not_found="Библиотека «%(value)s» не найдена: проверьте название.",
        widget=suggest_input("libraries:library_suggest", "название или часть названия"),
        help_text="С филиалами и отделами.",
    )
    speaker = LookupFilter(
        label="Докладчик",
        method="filter_speaker",
        lookup=speaker_matches,
        not_found="Докладчик «%(value)s» не найден: проверьте фамилию.",
        widget=suggest_input("people:person_suggest", "фамилия"),
    )
    seminar = LookupFilter(
        label="Семинар",
        method="filter_seminar",
        lookup=seminar_matches,
        not_found="Семинар «%(value)s» не найден: проверьте название.",
        widget=suggest_input("seminars:seminar_suggest", "название или часть названия"),
    )
    year_from = YearFilter(label="с", field_name="seminar_date", lookup_expr="year__gte")
    year_to = YearFilter(label="по", field_name="seminar_date", lookup_expr="year__lte")
    # A talk has one seminar: no duplicates to remove. django-filter's default DISTINCT made
    # PostgreSQL sort every matching talk before the first page.
    kind = django_filters.MultipleChoiceFilter(
        label="Вид мероприятия",
        field_name="seminar__kind",
        choices=Seminar.Kind.choices,
        distinct=False,
    )
    format = django_filters.MultipleChoiceFilter(
        label="Формат", field_name="seminar__format", choices=Seminar.Format.choices, distinct=False
    )
    topic = SlugsFilter(label="Тема", queryset=Topic.objects.all(), method="filter_topic")
    sort = django_filters.ChoiceFilter(
        label="Порядок",
        choices=[
            ("newest", "сначала новые"),
            ("oldest", "сначала старые"),
            ("title", "по названию"),
        ],
        empty_label=None,
        method="filter_sort",
    )

    class Meta:
        model = Talk
        fields = []

    def filter_text(self, queryset, name, value):
        """The text box: Russian full-text search (seminars/search.py), best match first."""
        if not hasattr(self, "any_term"):
            # Decided once, so that the list and every facet count use the same words.
            self.any_term = search.any_term_needed(value, self.queryset)
        return search.filter_talks(queryset, value, any_term=self.any_term)

    def with_roles(self, queryset, condition):
        return queryset.filter(pk__in=TalkSpeaker.objects.filter(condition).values("talk"))

    # django-filter calls these methods only with a value, but an empty choice of records
    # (`SlugsFilter`) is an empty queryset, which it does not count as empty.

    def filter_region(self, queryset, name, value):
        return queryset.in_regions(value) if value else queryset

    def filter_district(self, queryset, name, value):
        return queryset.in_regions(Region.objects.filter(federal_district__in=value))

    def filter_library(self, queryset, name, value):
        """The library, its branches (two levels down) and its departments."""
        return self.with_roles(
            queryset,
            Q(library__in=value)
            | Q(library__parent__in=value)
            | Q(library__parent__parent__in=value)
            | Q(department__library__in=value),
        )

    def filter_speaker(self, queryset, name, value):
        return self.with_roles(queryset, Q(person__in=value))

    def filter_seminar(self, queryset, name, value):
        return queryset.filter(seminar__in=value)

    def filter_topic(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=Talk.topics.through.objects.filter(topic__in=value).values("talk")
        )

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*self.SORTS.get(value or "newest", self.SORTS["newest"]))

    def ordering(self):
        """The list's order when it is by columns (not by relevance)."""
        if self.ranked_by_default():
            return ()
        return self.SORTS.get(self.form.cleaned_data.get("sort") or "newest", self.SORTS["newest"])

    @property
    def sorted_qs(self):
        """The result in the chosen order; when none is chosen, best text match first, else newest."""
        queryset = self.qs
        if self.form.cleaned_data.get("sort") or self.ranked_by_default():
            return queryset
        return self.filter_sort(queryset, "sort", "")

    def ranked_by_default(self):
        """Whether the result is in order of relevance because there is text and no chosen order."""
        data = self.form.cleaned_data
        return bool(search.parse(data.get("q"))) and not data.get("sort")

    def active(self):
        """Names of the filters the visitor set, in the form's order (read from the raw query)."""
        return [
            name
            for name in self.filters
            if name != "sort" and any(value.strip() for value in self.data.getlist(name))
        ]

    def without(self, *names):
        """The base queryset with every filter applied except `names` (for facets and hints)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    def facets(self):
        """For each facet option, how many talks the current filter would give with it chosen."""
        roles = TalkSpeaker.objects.order_by()
        regions = (
            roles.filter(
                talk__in=self.without("region").values("pk"), library__region__isnull=False
            )
            .values("library__region__slug", "library__region__name", "library__region__sort_key")
            .annotate(count=Count("talk", distinct=True))
            .order_by("library__region__sort_key")
        )
        districts = dict(
            roles.filter(talk__in=self.without("district").values("pk"))
            .values_list("library__region__federal_district")
            .annotate(count=Count("talk", distinct=True))
        )
        kinds = dict(self.without("kind").values_list("seminar__kind").annotate(count=Count("pk")))
        formats = dict(
            self.without("format").values_list("seminar__format").annotate(count=Count("pk"))
        )
        years = (
            self.without("year_from", "year_to")
            .annotate(year=ExtractYear("seminar_date"))
            .values_list("year")
            .annotate(count=Count("pk"))
            .order_by("-year")
        )
        topics = (
            Talk.topics.through.objects.filter(talk__in=self.without("topic").values("pk"))
            .values("topic__slug", "topic__name")
            .annotate(count=Count("talk"))
            .order_by("-count", "topic__sort_key")[:TOPIC_FACET_SIZE]
        )
        return {
            "region": [
                {
                    "value": row["library__region__slug"],
                    "label": row["library__region__name"],
                    "count": row["count"],
                }
                for row in regions
            ],
            "district": choice_counts(FederalDistrict.choices, districts),
            "kind": choice_counts(Seminar.Kind.choices, kinds),
            "format": choice_counts(Seminar.Format.choices, formats),
            "year": [{"value": year, "count": count} for year, count in years],
            "topic": [
                {"value": row["topic__slug"], "label": row["topic__name"], "count": row["count"]}
                for row in topics
            ],
        }


class SeminarFilter(django_filters.FilterSet):
    year = YearFilter(label="Год", field_name="start_date", lookup_expr="year")
    kind = django_filters.ChoiceFilter(
        label="Вид", choices=Seminar.Kind.choices, empty_label="любой"
    )
    format = django_filters.ChoiceFilter(
        label="Формат", choices=Seminar.Format.choices, empty_label="любой"
    )
    scope = django_filters.ChoiceFilter(
        label="Уровень", choices=Seminar.Scope.choices, empty_label="любой"
    )
    region = django_filters.ModelChoiceFilter(
        label="Регион организатора",
        queryset=Region.objects.all(),
        to_field_name="slug",
        field_name="organizer__region",
        empty_label="любой",
    )

    class Meta:
        model = Seminar
        fields = []


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Название", method="filter_name", max_length=200)
    region = django_filters.ModelChoiceFilter(
        label="Регион", queryset=Region.objects.all(), to_field_name="slug", empty_label="любой"
    )

    class Meta:
        model = Library
        fields = []

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(sort_key__contains=sort_key(value)) | Q(short_name__icontains=value)
        )
