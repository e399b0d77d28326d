import csv
import json
from functools import partial

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from config.cache import RememberedCountPaginator, filters_fragment, remember, remembered_count
from config.compiled import Compiled
from config.scale import KeysFirstPaginator, count_of
from libraries.models import Library, Region
from people.models import Person

from . import search as engine
from . import statistics
from .filters import SeminarFilter, TalkFilter, seminar_matches
from .forms import StatisticsForm
from .models import Resolution, ResolutionItem, Seminar, Talk, TalkSpeaker
from .rows import TALK_COLUMNS, seminar_cards, seminar_url, speakers_of, talk_rows, topics_of
from .templatetags.russian import date_range

# The same escapes as django.utils.html.json_script: no «<», «>» or «&» can end the script element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

TALKS_PER_PAGE = 20
# The most matches of a text the talk list orders by relevance; beyond it, newest first.
RANK_LIMIT = 10_000
SEMINARS_PER_PAGE = 20
SUGGEST_SIZE = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def speakers_prefetch(prefix=""):
    """A talk's speakers with everything a programme line shows, in one query."""
    return Prefetch(
        f"{prefix}speakers",
        # A library's name carries its parents' (a branch of a branch: two levels up).
        queryset=TalkSpeaker.objects.select_related(
            "person", "library__parent__parent", "library__region"
        ).defer(
            "person__search_vector",
            "library__search_vector",
            "library__parent__search_vector",
            "library__parent__parent__search_vector",
        ),
    )


def archive_statistics():
    """The home page's figures: each counts the whole archive, so they are remembered."""
    speaker_roles = TalkSpeaker.objects.filter(talk__seminar_published=True)
    # Every region with talks, counted once: the first eight and how many (3.8 → 2.7 s at 1M with
    # the people and libraries counted in one pass too).
    regions = list(Region.objects.with_talk_counts().order_by("-talk_count", "sort_key"))
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
    }


def home(request):
    today = timezone.localdate()
    seminars = Seminar.objects.published()
    context = {
        "page_title": "Архив семинаров для библиотекарей",
        "page_description": (
            "Методическая копилка: семинары, конференции и вебинары для библиотекарей — "
            "доклады, докладчики, библиотеки и регионы, резолюции."
        ),
        "latest": seminar_cards(seminars.filter(start_date__lte=today)[:5]),
        "upcoming": seminar_cards(
            seminars.filter(start_date__gt=today).order_by("start_date", "id")[:5]
        ),
        **remember("home", archive_statistics),
    }
    return render(request, "home.html", context)


def seminar_list(request):
    filterset = SeminarFilter(filter_data(request.GET), queryset=Seminar.objects.published())
    seminars = filterset.qs if filterset.is_valid() else Seminar.objects.none()
    seminars = seminars.annotate(talk_count=count_of(Talk, "seminar")).order_by(
        "-start_date", "-id"
    )
    paginator = RememberedCountPaginator(
        seminars, SEMINARS_PER_PAGE, count_key=("seminars", filter_key(request.GET))
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page_title": "Семинары",
        "page_description": "Семинары, конференции и вебинары методического отдела по годам.",
        "form": filterset.form,
        "page": page,
        "seminars": seminar_cards(page.object_list, talk_count=True),
        "filtered": bool(filter_data(request.GET)),
        "filters": filters_fragment(request),
    }
    return render(request, "seminars/seminar_list.html", context)


def _seminar_by_slug(seminars):
    return Compiled(
        lambda slug: (
            seminars()
            .select_related(
                "organizer",
                "organizer__parent",
                "organizer__region",
                "organizer__locality",
                "organizer_department",
            )
            # The organiser's vector is its name: deferring it cost more to compile than to read.
            .defer("search_vector")
            .filter(slug=slug)
        ),
        str,
    )


# Staff see drafts (with a banner); everyone else sees published seminars only.
SEMINAR_BY_SLUG = {
    False: _seminar_by_slug(Seminar.objects.published),
    True: _seminar_by_slug(Seminar.objects.all),
}
SEMINAR_TALKS = Compiled(
    lambda pk: Talk.objects.filter(seminar_id=pk).defer("search_vector").order_by("order"), int
)
SEMINAR_REGIONS = Compiled(lambda pk: Seminar(pk=pk).regions.all(), int)
SEMINAR_LOCALITIES = Compiled(lambda pk: Seminar(pk=pk).localities.all(), int)
SEMINAR_LINKS = Compiled(lambda pk: Seminar(pk=pk).links.all(), int)
# (Joined in the seminar's select, it made PostgreSQL plan seven tables: 0.8 → 1.2 ms.)
RESOLUTION_ROWS = Compiled(
    lambda pk: (
        Resolution.objects.filter(seminar_id=pk)
        .order_by("items__order")
        .values_list("preamble", "closing", "items__section", "items__text")
    ),
    int,
)


def get_seminar(request, year, slug):
    found = SEMINAR_BY_SLUG[request.user.is_staff](slug)
    if not found or found[0].start_date.year != year:
        raise Http404("Семинар не найден.")
    return found[0]


def resolution_context(seminar):
    """The seminar's resolution and its items' texts by section: one query, with items or not."""
    resolution, sections = None, {}
    for preamble, closing, section, text in RESOLUTION_ROWS(seminar.pk):
        resolution = {"preamble": preamble, "closing": closing}
        if section is not None:
            sections.setdefault(section, []).append(text)
    labels = dict(ResolutionItem.Section.choices)
    return {
        "resolution": resolution,
        "resolution_sections": [
            {"title": labels.get(section, section), "items": in_section}
            for section, in_section in sections.items()
        ],
    }


def seminar_detail(request, year, slug):
    seminar = get_seminar(request, year, slug)
    talks = SEMINAR_TALKS(seminar.pk)
    keys = [talk.pk for talk in talks]
    speakers, topics = speakers_of(keys), topics_of(keys)
    for talk in talks:
        talk.seminar = seminar
        talk.programme_speakers = speakers.get(talk.pk, [])
        talk.topic_list = topics.get(talk.pk, [])
    context = {
        "page_title": seminar.title,
        "page_description": seminar_description(seminar),
        "og_type": "article",
        "seminar": seminar,
        "draft": not seminar.is_published,
        "talks": talks,
        "regions": SEMINAR_REGIONS(seminar.pk),
        "localities": SEMINAR_LOCALITIES(seminar.pk),
        "links": SEMINAR_LINKS(seminar.pk),
        "jsonld": event_jsonld(request, seminar, talks),
        **resolution_context(seminar),
    }
    return render(request, "seminars/seminar_detail.html", context)


# «по итогам проведения семинара / конференции / круглого стола»
KIND_GENITIVE = {
    Seminar.Kind.SEMINAR: "семинара",
    Seminar.Kind.WEBINAR: "вебинара",
    Seminar.Kind.CONFERENCE: "конференции",
    Seminar.Kind.ROUND_TABLE: "круглого стола",
    Seminar.Kind.MASTER_CLASS: "мастер-класса",
    Seminar.Kind.SCHOOL: "школы",
    Seminar.Kind.FORUM: "форума",
}


def resolution_print(request, year, slug):
    seminar = get_seminar(request, year, slug)
    context = {
        "kind_genitive": KIND_GENITIVE.get(seminar.kind, "мероприятия"),
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


def event_jsonld(request, seminar, talks):
    """schema.org Event, escaped like json_script so that «</script>» in a title stays inert."""
    online = seminar.format == Seminar.Format.ONLINE
    mode = {
        Seminar.Format.ONLINE: "OnlineEventAttendanceMode",
        Seminar.Format.BLENDED: "MixedEventAttendanceMode",
    }.get(seminar.format, "OfflineEventAttendanceMode")
    organizer = seminar.organizer
    place = organizer.locality.name if organizer.locality_id else ""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": seminar.title,
        "description": seminar_description(seminar),
        "startDate": seminar.start_date.isoformat(),
        "endDate": (seminar.end_date or seminar.start_date).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": f"https://schema.org/{mode}",
        "inLanguage": "ru",
        "url": request.build_absolute_uri(seminar.get_absolute_url()),
        "organizer": {
            "@type": "Organization",
            "name": str(organizer),
            "url": request.build_absolute_uri(organizer.get_absolute_url()),
        },
        "location": (
            {
                "@type": "VirtualLocation",
                "url": request.build_absolute_uri(seminar.get_absolute_url()),
            }
            if online
            else {
                "@type": "Place",
                "name": str(organizer),
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": place,
                    "addressRegion": organizer.region.name if organizer.region_id else "",
                    "addressCountry": "RU",
                },
            }
        ),
        "performer": [
            {"@type": "Person", "name": speaker.public_name}
            for talk in talks
            for speaker in talk.programme_speakers
            if speaker.public_name
        ],
    }
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))


def filter_data(query):
    """The query without blank values: «?region=» means no region, not an unknown one."""
    data = query.copy()
    for key in list(data):
        values = [value for value in data.getlist(key) if value.strip()]
        if values:
            data.setlist(key, values)
        else:
            del data[key]
    return data


def talk_filter(request):
    return TalkFilter(filter_data(request.GET), queryset=Talk.objects.published())


def talk_list(request):
    filterset = talk_filter(request)
    valid = filterset.is_valid()
    talks = filterset.sorted_qs if valid else Talk.objects.none()
    paginator = KeysFirstPaginator(
        talks.values_list(*TALK_COLUMNS),
        TALKS_PER_PAGE,
        count_key=("talks", filter_key(request.GET)),
        keys=talks,
    )
    # Ranking reads every match's vector: a word in a third of a national archive took 1 s.
    newest_instead = valid and filterset.ranked_by_default() and paginator.count > RANK_LIMIT
    if newest_instead:
        paginator.keys = talks.order_by(*TalkFilter.SORTS["newest"])
        paginator.object_list = paginator.keys.values_list(*TALK_COLUMNS)
    elif valid and (filterset.ranked_by_default() or filterset.active()):
        # The page's keys first, then its 20 rows: ranking sorts every match before the rows
        # join their seminars, and a region's keys come from the newest-first index alone.
        paginator.shallow = 0
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page_title": talk_list_title(filterset) if valid else "Доклады",
        "newest_instead": newest_instead,
        "page_description": "Доклады семинаров по регионам, библиотекам, докладчикам и темам.",
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "talks": talk_rows(page),
        "facets": facet_options(request, filterset) if valid else {},
        "loosen": loosen_hints(request, filterset) if valid and not page.paginator.count else [],
        "filtered": valid and bool(filterset.active()),
        "filters": filters_fragment(request),
    }
    return render(request, "seminars/talk_list.html", context)


EXPORT_COLUMNS = ("Дата", "Семинар", "№", "Доклад", "Докладчики", "Библиотеки", "Регионы", "Адрес")
EXPORT_MAX_ROWS = 10_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def speaker_label(person, position):
    """As on the pages: the full name and position with consent, «Фамилия И. О.» without."""
    if not person.is_public:
        return person.short_name
    return f"{person.full_name}, {position}" if position else person.full_name


def export_rows(request, talks):
    """One row per talk, from plain values; each person and library is read once.

    Built from a model instance per talk, speaker, person and library, 10,000 rows took ~8 s.
    """
    talks = list(
        talks.values_list(
            "pk",
            "order",
            "title",
            "seminar_id",
            "seminar__title",
            "seminar__slug",
            "seminar__start_date",
            "seminar__end_date",
        )
    )
    roles = {}
    for talk, person, position, library in (
        TalkSpeaker.objects.filter(talk__in=[row[0] for row in talks])
        .order_by("talk", "order", "id")
        .values_list("talk", "person", "position", "library")
    ):
        roles.setdefault(talk, []).append((person, position, library))
    people = Person.objects.in_bulk({role[0] for talk in roles.values() for role in talk})
    libraries = Library.objects.select_related("parent__parent", "region").in_bulk(
        {role[2] for talk in roles.values() for role in talk} - {None}
    )
    library_names = {pk: str(library) for pk, library in libraries.items()}
    seminars = {}
    for pk, order, title, seminar, seminar_title, slug, start, end in talks:
        if seminar not in seminars:
            url = seminar_url(start, slug)
            seminars[seminar] = (date_range(start, end), request.build_absolute_uri(url))
        dates, url = seminars[seminar]
        speakers = roles.get(pk, [])
        places = [libraries[library] for _, _, library in speakers if library]
        yield (
            dates,
            seminar_title,
            order,
            title,
            "; ".join(speaker_label(people[person], position) for person, position, _ in speakers),
            "; ".join(dict.fromkeys(library_names[place.pk] for place in places)),
            "; ".join(dict.fromkeys(place.region.name for place in places if place.region)),
            f"{url}#talk-{order}",
        )


def neutralise(value):
    """A cell that starts like a formula is prefixed with «'» so spreadsheets show it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def talk_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Нет такого формата.")
    filterset = talk_filter(request)
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            "Фильтр заполнен с ошибкой: исправьте его на странице докладов.",
            content_type="text/plain; charset=utf-8",
        )
    rows = export_rows(request, filterset.sorted_qs[:EXPORT_MAX_ROWS])
    filename = f"doklady-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        # The byte order mark makes Excel read the file as UTF-8, not as cp1251.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows([neutralise(value) for value in row] for row in rows)
    else:
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        write_xlsx(response, rows)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(response, rows):
    # Write-only mode streams rows; the default mode recounts every row on each append.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Доклады")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (22, 40, 5, 60, 50, 50, 25, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    sheet.append([xlsx_cell(sheet, title, font=bold) for title in EXPORT_COLUMNS])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    workbook.save(response)


def xlsx_cell(sheet, value, font=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Text stays text: openpyxl would otherwise store «=…» as a formula.
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    if font:
        cell.font = font
    return cell


def suggest_response(request, matches, label):
    """JSON for static/js/suggest.js: up to ten {value: slug, label: name} for ?q= (2+ letters)."""
    text = request.GET.get("q", "").strip()[:200]
    results = []
    if len(text) >= 2:
        results = [{"value": obj.slug, "label": label(obj)} for obj in matches(text)[:SUGGEST_SIZE]]
    return JsonResponse({"results": results})


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


def facet_options(request, filterset):
    """Facet options with counts; checked options stay visible even when they give nothing."""
    facets = remember(("talk facets", filter_key(request.GET)), filterset.facets)
    for name, options in facets.items():
        chosen = set(request.GET.getlist(name))
        present = {str(option["value"]) for option in options}
        for option in options:
            option["checked"] = str(option["value"]) in chosen
        if name == "region":
            missing = [region for region in filterset.form.cleaned_data["region"] or []]
            options.extend(
                {"value": region.slug, "label": region.name, "count": 0, "checked": True}
                for region in missing
                if region.slug not in present
            )
    return facets


def filter_key(params):
    """The filter part of a list's address (a QueryDict), the same whatever the order of its
    parameters."""
    return sorted((name, value) for name, value in params.lists() if name not in ("page", "sort"))


def loosen_hints(request, filterset):
    """For an empty result: which single filter to remove, and how many talks that would give."""
    hints = []
    for name in filterset.active():
        query = request.GET.copy()
        query.pop(name, None)
        query.pop("page", None)
        # The loosened list's own remembered total: with the text alone removed it is every talk,
        # which took 0.1 s to count at 1M talks on each request that found nothing.
        count = remembered_count(("talks", filter_key(query)), filterset.without(name).count)
        if count:
            hints.append(
                {
                    "label": filterset.filters[name].label,
                    "count": count,
                    "url": f"?{query.urlencode()}",
                }
            )
    return hints


def _statistics(request):
    form = StatisticsForm(request.GET or None)
    years = remember("statistics years", statistics.years)
    this_year = timezone.localdate().year
    default = next((year for year in years if year <= this_year), this_year)
    start, end = form.period(default)
    if not form.is_bound:
        form = StatisticsForm(initial={"year_from": start, "year_to": end})
    # Counts over every seminar and talk of the period: once per period and archive generation.
    return (
        form,
        years,
        remember(("statistics", start, end), partial(statistics.compute, start, end)),
    )


def statistics_page(request):
    form, years, stats = _statistics(request)
    context = {
        "page_title": f"Статистика за {stats.period}",
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


def statistics_xlsx(request):
    form, _, stats = _statistics(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("Неверный период.", content_type="text/plain; charset=utf-8")
    response = HttpResponse(statistics.to_xlsx(stats), content_type=XLSX)
    filename = f"statistika-{stats.period.start}-{stats.period.end}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
