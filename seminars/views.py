import functools

from django.db.models import Count, Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from core import downloads
from core.cache import figure, query_parameters
from core.lists import (
    ListPaginator,
    count_of,
    filter_data,
    filter_items,
    fragment,
    query_dict,
    suggest_response,
)
from core.spreadsheets import XLSX, spreadsheet_response
from libraries.cartogram import region_map
from libraries.models import Library, Region

from . import jsonld, statistics
from . import search as engine
from .cards import speakers_of, talk_cards
from .filters import YEAR_MAX, YEAR_MIN, SeminarFilter, TalkFilter, seminar_matches
from .forms import StatisticsForm
from .models import FormerAddress, Seminar, Talk, TalkSpeaker
from .templatetags.russian import date_range

TALKS_PER_PAGE = 20
SEMINARS_PER_PAGE = 20


def archive_statistics():
    """The home page's figures over the whole archive."""
    speaker_roles = TalkSpeaker.objects.filter(talk__seminar_published=True)
    regions = list(
        Region.objects.with_talk_counts()
        .order_by("-talk_count", "sort_key")
        .values("pk", "name", "slug", "talk_count")
    )
    return {
        "seminar_count": Seminar.objects.published().count(),
        "talk_count": Talk.objects.published().count(),
        **speaker_roles.aggregate(
            speaker_count=Count("person", distinct=True),
            # A speaker without a library (or its region) is not one more library or region.
            library_count=Count("library", distinct=True),
        ),
        "region_count": len(regions),
        "top_regions": regions[:8],
        "region_map": region_map({region["pk"]: region["talk_count"] for region in regions}),
    }


@query_parameters()
def home(request):
    today = timezone.localdate()
    seminars = Seminar.objects.published().for_cards()
    context = {
        "page_title": "Архив семинаров для библиотекарей",
        "page_description": (
            "Методическая копилка: семинары, конференции и вебинары для библиотекарей — "
            "доклады, докладчики, библиотеки и регионы, резолюции."
        ),
        "latest": seminars.filter(start_date__lte=today)[:5],
        "upcoming": seminars.filter(start_date__gt=today).order_by("start_date", "id")[:5],
        **(statistics := figure(archive_statistics)),
        # 89 tiles cost more to render than the rest of the page: once per figures.
        "map_fragment": fragment(statistics["region_map"]),
        "jsonld": jsonld.website_jsonld(request),
    }
    return render(request, "home.html", context)


def seminar_filter(items):
    return SeminarFilter(query_dict(items), queryset=Seminar.objects.published())


def count_seminars(items):
    filterset = seminar_filter(items)
    return filterset.qs.count() if filterset.is_valid() else 0


@query_parameters(*SeminarFilter.base_filters, "page")
def seminar_list(request):
    items = filter_items(request.GET)
    filterset = seminar_filter(items)
    seminars = filterset.qs if filterset.is_valid() else Seminar.objects.none()
    seminars = seminars.for_cards().annotate(talk_count=count_of(Talk, "seminar"))
    paginator = ListPaginator(
        seminars.order_by("-start_date", "-id"),
        SEMINARS_PER_PAGE,
        count=lambda: figure(count_seminars, items),
        key=items,
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page_title": "Семинары",
        "page_description": "Семинары, конференции и вебинары методического отдела по годам.",
        "form": filterset.form,
        "page": page,
        "seminars": page.object_list,
        "filtered": bool(items),
        "filters": fragment(items),
    }
    return render(request, "seminars/seminar_list.html", context)


def follows_former_address(view):
    """A seminar page at an address the seminar had before (seminars.FormerAddress) answers with
    a permanent redirect to the same page at its current address."""

    @functools.wraps(view)
    def wrapper(request, year, slug):
        try:
            return view(request, year, slug)
        except Http404:
            moved = None
            if YEAR_MIN <= year <= YEAR_MAX:
                addresses = FormerAddress.objects.select_related("seminar")
                moved = addresses.filter(year=year, slug=slug).first()
            seminar = moved.seminar if moved else None
            if seminar is None or not (seminar.is_published or request.user.is_staff):
                raise
        url = reverse(
            request.resolver_match.view_name, args=[seminar.start_date.year, seminar.slug]
        )
        if request.META.get("QUERY_STRING"):
            url += f"?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)

    return wrapper


def get_seminar(request, year, slug):
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404("Семинар не найден.")
    # Staff see drafts (with a banner); everyone else sees published seminars only.
    seminars = Seminar.objects.all() if request.user.is_staff else Seminar.objects.published()
    # The organiser with its parents in a query of its own: planning one join of eight tables
    # took longer than running two small queries.
    organizer = Library.objects.select_related("parent__parent", "region", "locality")
    return get_object_or_404(
        seminars.select_related("organizer_department", "resolution").prefetch_related(
            Prefetch("organizer", queryset=organizer)
        ),
        start_date__year=year,
        slug=slug,
    )


def resolution_context(seminar):
    """The seminar's resolution and its items by section, in their order."""
    resolution = getattr(seminar, "resolution", None)
    sections = {}
    if resolution is not None:
        for item in resolution.items.all():
            sections.setdefault(item.get_section_display(), []).append(item.text)
    return {
        "resolution": resolution,
        "resolution_sections": [
            {"title": title, "items": items} for title, items in sections.items()
        ],
    }


@query_parameters()
@follows_former_address
def seminar_detail(request, year, slug):
    seminar = get_seminar(request, year, slug)
    talks = list(seminar.talks.order_by("order").defer("search_vector").prefetch_related("topics"))
    speakers = speakers_of([talk.pk for talk in talks])
    for talk in talks:
        talk.speaker_list = speakers.get(talk.pk, [])
    links = list(seminar.links.all())
    description = seminar_description(seminar)
    context = {
        "page_title": seminar.title,
        "page_description": description,
        "og_type": "article",
        "seminar": seminar,
        "draft": not seminar.is_published,
        "talks": talks,
        "regions": seminar.regions.all(),
        "localities": seminar.localities.all(),
        "links": links,
        "jsonld": jsonld.event_jsonld(request, seminar, talks, links, description),
        **resolution_context(seminar),
    }
    return render(request, "seminars/seminar_detail.html", context)


@query_parameters()
@follows_former_address
def resolution_print(request, year, slug):
    seminar = get_seminar(request, year, slug)
    context = {
        "page_title": f"Резолюция: {seminar.title}",
        "page_description": f"Резолюция по итогам семинара «{seminar.title}».",
        "seminar": seminar,
        "draft": not seminar.is_published,
        **resolution_context(seminar),
    }
    if context["resolution"] is None:
        raise Http404("У семинара нет резолюции.")
    return render(request, "seminars/resolution_print.html", context)


def seminar_description(seminar):
    when = date_range(seminar.start_date, seminar.end_date)
    text = f"{when}: {seminar.get_scope_display()} {seminar.get_kind_display()}"
    if seminar.goal:
        text += f", цель — {seminar.goal}"
    return Truncator(text).chars(200)


def talk_filter(items):
    return TalkFilter(query_dict(items), queryset=Talk.objects.published())


def count_talks(items):
    filterset = talk_filter(items)
    return filterset.qs.count() if filterset.is_valid() else 0


def talk_facets(items):
    filterset = talk_filter(items)
    return filterset.facets() if filterset.is_valid() else {}


@query_parameters(*TalkFilter.base_filters, "page")
def talk_list(request):
    items = filter_items(request.GET)
    filterset = talk_filter([*items, *[["sort", value] for value in request.GET.getlist("sort")]])
    valid = filterset.is_valid()
    talks = filterset.sorted_qs if valid else Talk.objects.none()
    ordering = filterset.ordering() if valid else ()
    count = figure(count_talks, items)
    # Ranking reads every match: a word in more talks than that is listed newest first.
    newest_instead = valid and filterset.ranked_by_default() and count > engine.RANK_LIMIT
    if newest_instead:
        ordering = TalkFilter.SORTS["newest"]
        talks = talks.order_by(*ordering)
    paginator = ListPaginator(
        talks, TALKS_PER_PAGE, count=lambda: count, key=items, ordering=ordering
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page_title": talk_list_title(filterset) if valid else "Доклады",
        "newest_instead": newest_instead,
        "page_description": "Доклады семинаров по регионам, библиотекам, докладчикам и темам.",
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "talks": talk_cards(page.object_list),
        "facets": (facets := facet_options(request, filterset, items) if valid else {}),
        "loosen": loosen_hints(filterset, items) if valid and not paginator.count else [],
        "filtered": valid and bool(filterset.active()),
        "filters": fragment(sorted(filter_data(request.GET).lists()), facets),
    }
    return render(request, "seminars/talk_list.html", context)


EXPORT_COLUMNS = ("Дата", "Семинар", "№", "Доклад", "Докладчики", "Библиотеки", "Регионы", "Адрес")
EXPORT_MAX_ROWS = 10_000


def export_rows(request, talks, chunk=500):
    """One row per talk, as the talk list shows it, read a chunk of talks at a time."""
    columns = ("pk", "order", "title", "seminar__title", "seminar__slug")
    columns += ("seminar__start_date", "seminar__end_date")
    rows = list(talks.values_list(*columns))
    for first in range(0, len(rows), chunk):
        part = rows[first : first + chunk]
        speakers = speakers_of([row[0] for row in part])
        for pk, order, title, seminar, slug, start, end in part:
            shown = speakers.get(pk, [])
            yield (
                date_range(start, end),
                seminar,
                order,
                title,
                "; ".join(speaker.label for speaker in shown),
                "; ".join(dict.fromkeys(s.library for s in shown if s.library)),
                "; ".join(dict.fromkeys(s.region for s in shown if s.region)),
                request.build_absolute_uri(
                    reverse("seminars:seminar_detail", args=[start.year, slug]) + f"#talk-{order}"
                ),
            )


def talk_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Нет такого формата.")
    filterset = TalkFilter(filter_data(request.GET), queryset=Talk.objects.published())
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            "Фильтр заполнен с ошибкой: исправьте его на странице докладов.",
            content_type="text/plain; charset=utf-8",
        )
    rows = export_rows(request, filterset.sorted_qs[:EXPORT_MAX_ROWS])
    filename = f"doklady-{timezone.localdate():%Y-%m-%d}.{fmt}"
    widths = (22, 40, 5, 60, 50, 50, 25, 40)
    return spreadsheet_response(fmt, filename, "Доклады", EXPORT_COLUMNS, rows, widths)


def seminar_suggest(request):
    return suggest_response(
        request,
        lambda text: seminar_matches(text).order_by("-start_date", "-id"),
        lambda seminar: f"{seminar.title} ({seminar.start_date.year})",
    )


def talk_list_title(filterset):
    """«Доклады: Камчатский край» for a single-region filter, so a shared link reads right."""
    regions = filterset.form.cleaned_data.get("region") or []
    if len(regions) == 1 and filterset.active() == ["region"]:
        return f"Доклады: {regions[0].name}"
    return "Доклады"


def facet_options(request, filterset, items):
    """Facet options with counts; checked options stay visible even when they give nothing."""
    facets = figure(talk_facets, items)
    for name, options in facets.items():
        chosen = set(request.GET.getlist(name))
        present = {str(option["value"]) for option in options}
        for option in options:
            option["checked"] = str(option["value"]) in chosen
        if name == "region":
            options.extend(
                {"value": region.slug, "label": region.name, "count": 0, "checked": True}
                for region in filterset.form.cleaned_data["region"] or []
                if region.slug not in present
            )
    return facets


def loosen_hints(filterset, items):
    """For an empty result: which single filter to remove, and how many talks that would give."""
    hints = []
    for name in filterset.active():
        loosened = [item for item in items if item[0] != name]
        if count := figure(count_talks, loosened):
            hints.append(
                {
                    "label": filterset.filters[name].label,
                    "count": count,
                    "url": f"?{query_dict(loosened).urlencode()}",
                }
            )
    return hints


def statistics_context(request):
    # Only the period: a page cached for `?year_from=…` is the page for `?year_from=…&r=…` too.
    period = {name: request.GET[name] for name in StatisticsForm.base_fields if name in request.GET}
    form = StatisticsForm(period or None)
    years = figure(statistics.years)
    this_year = timezone.localdate().year
    default = next((year for year in years if year <= this_year), this_year)
    start, end = form.period(default)
    if not form.is_bound:
        form = StatisticsForm(initial={"year_from": start, "year_to": end})
    return form, years, figure(statistics.compute, start, end)


@query_parameters("year_from", "year_to")
def statistics_page(request):
    form, years, stats = statistics_context(request)
    context = {
        "page_title": f"Статистика за {stats.period.label}",
        "page_description": (
            "Семинары, доклады, докладчики, библиотеки и регионы-участники за год или период: "
            "таблицы и диаграммы, отчёт в XLSX."
        ),
        "form": form,
        "years": years,
        "stats": stats,
        "tables": [(table, statistics.chart(table)) for table in stats.tables],
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "seminars/statistics.html", context, status=status)


@query_parameters("year_from", "year_to")
def statistics_xlsx(request):
    form, _, stats = statistics_context(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("Неверный период.", content_type="text/plain; charset=utf-8")
    start, end = stats.period.start, stats.period.end
    name = f"statistika-{start}-{end}.xlsx"
    return downloads.serve(
        request, name, "seminars.statistics.xlsx_report", [start, end], content_type=XLSX
    )


@query_parameters("q", "group")
def search(request):
    q = request.GET.get("q", "")
    group = request.GET.get("group") or None
    unknown_group = group is not None and group not in engine.GROUP_TITLES
    if unknown_group:
        group = None
    results = engine.search(q, group)
    title = "Поиск"
    if results.group:
        title = f"{title}: {engine.GROUP_TITLES[results.group].lower()}"
    context = {
        "page_title": f"{Truncator(q).chars(60)} — {title.lower()}" if q.strip() else title,
        "heading": title,
        "page_description": "Поиск по докладам, семинарам, докладчикам, библиотекам и резолюциям.",
        "q": q,
        "results": results,
        "unknown_group": unknown_group,
    }
    return render(request, "seminars/search.html", context)


def talk_materials(request, pk):
    """A talk's materials as a download, with the type of what they really are (never HTML)."""
    talk = get_object_or_404(Talk.objects.published().exclude(materials=""), pk=pk)
    try:
        file = talk.materials.open("rb")
    except FileNotFoundError as error:
        raise Http404("Файл материалов не найден.") from error
    return FileResponse(
        file,
        as_attachment=True,
        filename=talk.materials.name.rsplit("/", 1)[-1],
        content_type=talk.materials.content_type,
    )
