from functools import cache

from django.db import connection
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import render

from config.cache import RememberedCountPaginator, remember
from config.compiled import Compiled
from config.lookups import AnyOf
from config.scale import count_of
from seminars.filters import LibraryFilter, TalkFilter, library_matches, region_talks
from seminars.models import Seminar, Talk, TalkSpeaker
from seminars.rows import (
    SEMINAR_COLUMNS,
    TALK_COLUMNS,
    LibraryItem,
    library_item_rows,
    library_items,
    seminar_cards,
    slug_url,
    talk_rows,
)
from seminars.views import (
    filter_data,
    filter_key,
    suggest_response,
)

from .models import FederalDistrict, Library, Region

DETAIL_ROWS = 20
LIBRARIES_PER_PAGE = 50


def _library_by_slug(libraries):
    return Compiled(
        lambda slug: (
            libraries()
            .select_related("parent", "parent__parent", "region", "locality")
            .defer("search_vector", "parent__search_vector", "parent__parent__search_vector")
            .filter(slug=slug)
        ),
        str,
    )


# Staff see unpublished libraries too.
LIBRARY_BY_SLUG = {
    False: _library_by_slug(Library.objects.published),
    True: _library_by_slug(Library.objects.all),
}
BRANCHES = Compiled(
    lambda pk: (
        Library.objects.filter(parent_id=pk)
        .order_by("sort_key", "id")
        .values_list("pk", "is_published", "slug", "name", "locality__name")
    ),
    int,
)
BRANCHES_OF = Compiled(
    lambda keys: Library.objects.filter(AnyOf(F("parent_id"), keys)).values_list("pk", flat=True),
    list,
)
DEPARTMENTS = Compiled(lambda pk: Library(pk=pk).departments.all(), int)
TALKS_OF = Compiled(
    lambda libraries, departments: TalkSpeaker.objects.filter(
        Q(AnyOf(F("library_id"), libraries)) | Q(AnyOf(F("department_id"), departments))
    ).values_list("talk", flat=True),
    list,
    list,
)
SEMINARS_OF = Compiled(
    lambda keys: (
        Seminar.objects.published()
        .filter(AnyOf(F("organizer_id"), keys))[:DETAIL_ROWS]
        .values_list(*SEMINAR_COLUMNS)
    ),
    list,
)


def region_seminars(keys):
    """Published seminars organised in one of these regions or with one of them taking part.

    PostgreSQL keeps each seminar's regions in the newest-first index (Seminar.region_keys): the
    newest are found from it alone, as a region's talks are. SQLite asks the regions' libraries
    and the participating regions: subqueries, not joins, so no DISTINCT.
    """
    if connection.vendor == "postgresql":
        return Q(region_keys__overlap=keys)
    return Q(organizer__in=Library.objects.filter(AnyOf(F("region_id"), keys)).values("pk")) | Q(
        pk__in=Seminar.regions.through.objects.filter(AnyOf(F("region_id"), keys)).values("seminar")
    )


# The keys of the newest 20 first, then their rows: only those join their organisers. Planned
# each time: how far the date index must be walked depends on the region.
REGION_SEMINARS = Compiled(
    lambda keys: Seminar.objects.filter(
        pk__in=Seminar.objects.published().filter(region_seminars(keys)).values("pk")[:DETAIL_ROWS]
    ).values_list(*SEMINAR_COLUMNS),
    list,
    prepare=False,
)
FIRST_TALKS = Compiled(lambda keys: first_rows(talks_where(AnyOf(F("pk"), keys))), list)
# A region's newest talks, on PostgreSQL, where `region_talks` is a condition on the talks' own
# region keys (on SQLite it reads the regions' libraries first). Planned each time, as the
# region's share of the talks decides how far the newest-first index is walked.
REGION_TALKS = Compiled(
    lambda keys: first_rows(talks_where(region_talks([Region(pk=key) for key in keys]))),
    list,
    prepare=False,
)
REGION_BY_SLUG = Compiled(lambda slug: Region.objects.filter(slug=slug), str)
REGION_LIBRARIES = Compiled(
    lambda pk: library_item_rows(
        Library.objects.published()
        .filter(region_id=pk, parent=None)
        .order_by("sort_key", "id")[:DETAIL_ROWS]
    ),
    int,
)


def library_tree(library):
    """`library`'s branches and the tree to their branches (three levels in a ЦБС).

    Returns (key → level for the library and every branch, the published direct branches as
    list items). Level by level through the parent index: one query with OR and a subquery read
    the whole table (8 ms at 20,000 libraries).
    """
    url = slug_url("libraries:library_detail")
    tree, branches = {library.pk: 0}, []
    for pk, published, slug, name, locality in BRANCHES(library.pk):
        tree[pk] = 1
        if published:
            branches.append(LibraryItem(url(slug), name, locality))
    for pk in BRANCHES_OF([pk for pk, level in tree.items() if level == 1]):
        tree.setdefault(pk, 2)
    return tree, branches


def talks_where(condition):
    """Published talks matching `condition`, newest first."""
    return (
        Talk.objects.published()
        .filter(condition)
        .order_by(*TalkFilter.SORTS["newest"])
        .values_list(*TALK_COLUMNS)
    )


def first_rows(talks):
    """The first DETAIL_ROWS of `talks` (from `talks_where`), their keys sorted first: only those
    rows join their seminars, and a region's keys come from the newest-first index alone."""
    return talks_where(Q(pk__in=talks.values("pk")[:DETAIL_ROWS]))


def library_list(request):
    filterset = LibraryFilter(
        filter_data(request.GET), queryset=Library.objects.published().filter(parent=None)
    )
    libraries = filterset.qs if filterset.is_valid() else Library.objects.none()
    libraries = (
        libraries.select_related("region", "locality")
        .defer("search_vector")
        # Per row on the page: a join with GROUP BY counted the branches of every library first.
        .annotate(branch_count=count_of(Library, "parent", is_published=True))
        .order_by("sort_key", "id")
    )
    paginator = RememberedCountPaginator(
        libraries, LIBRARIES_PER_PAGE, count_key=("libraries", filter_key(request.GET))
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page_title": "Библиотеки",
        "page_description": (
            "Библиотеки, чьи специалисты выступали на семинарах, и организаторы семинаров."
        ),
        "form": filterset.form,
        "page": page,
        "filtered": bool(filter_data(request.GET)),
    }
    return render(request, "libraries/library_list.html", context)


def library_detail(request, slug):
    found = LIBRARY_BY_SLUG[request.user.is_staff](slug)
    if not found:
        raise Http404("Библиотека не найдена.")
    library = found[0]
    tree, branches = library_tree(library)
    departments = DEPARTMENTS(library.pk)
    # The keys of one library's few talks first: a subquery here would make the planner walk the
    # whole archive from the newest talk looking for them.
    keys = TALKS_OF(list(tree), [department.pk for department in departments])
    context = {
        "page_title": library.short_name or library.name,
        "page_description": f"{library}: доклады специалистов и семинары библиотеки.",
        "library": library,
        "draft": not library.is_published,
        "branches": branches,
        "departments": departments,
        "talk_count": remember(
            ("library talks", library.pk), lambda: talks_where(AnyOf(F("pk"), keys)).count()
        ),
        "talks": talk_rows(FIRST_TALKS(keys)),
        "seminars": seminar_cards(SEMINARS_OF([pk for pk, level in tree.items() if level <= 1])),
    }
    return render(request, "libraries/library_detail.html", context)


def region_talk_counts():
    """Published talks per region and per federal district: whole-archive counts, remembered."""
    # Regions without published talks are left out (0 to the page), which keeps the join inner.
    regions = Region.objects.with_talk_counts().values_list("pk", "talk_count")
    districts = (
        TalkSpeaker.objects.filter(talk__seminar_published=True)
        .values_list("library__region__federal_district")
        .annotate(n=Count("talk", distinct=True))
        .order_by()
    )
    return {"regions": dict(regions), "districts": dict(districts)}


def region_list(request):
    """The federal-district overview: every district with its regions and their talk counts."""
    # Two counts over every speaker of the archive: 4 s at 1M talks, so once per archive change.
    counts = remember("region overview", region_talk_counts)
    districts = [
        {
            "value": value,
            "label": label,
            "regions": [],
            "talk_count": counts["districts"].get(value, 0),
        }
        for value, label in FederalDistrict.choices
    ]
    by_value = {district["value"]: district for district in districts}
    for region in Region.objects.order_by("sort_key"):
        region.talk_count = counts["regions"].get(region.pk, 0)
        by_value[region.federal_district]["regions"].append(region)
    context = {
        "page_title": "Регионы и федеральные округа",
        "page_description": (
            "Доклады семинаров по федеральным округам и субъектам Российской Федерации."
        ),
        "districts": districts,
    }
    return render(request, "libraries/region_list.html", context)


def region_detail(request, slug):
    found = REGION_BY_SLUG(slug)
    if not found:
        raise Http404("Регион не найден.")
    region = found[0]

    # Querysets only when a count is not remembered, or on SQLite: building them cost 0.3 ms.
    # Once: on SQLite the region's talks are found through its libraries' keys, a query.
    @cache
    def talks():
        return talks_where(region_talks([region]))

    # A preview like the talks and seminars beside it; the library list has them all.
    items = library_items(REGION_LIBRARIES(region.pk))
    context = {
        "page_title": region.name,
        # Counted only when the page cannot show them all.
        "library_count": (
            remember(
                ("region libraries", region.pk),
                lambda: Library.objects.published().filter(region=region, parent=None).count(),
            )
            if len(items) == DETAIL_ROWS
            else len(items)
        ),
        "page_description": f"{region.name}: доклады библиотекарей региона, библиотеки и семинары.",
        "region": region,
        "talk_count": remember(("region talks", region.pk), lambda: talks().count()),
        "talks": talk_rows(
            REGION_TALKS([region.pk]) if connection.vendor == "postgresql" else first_rows(talks())
        ),
        "seminars": seminar_cards(REGION_SEMINARS([region.pk])),
        "libraries": items,
    }
    return render(request, "libraries/region_detail.html", context)


def library_suggest(request):
    return suggest_response(
        request,
        lambda text: library_matches(text).select_related("parent", "parent__parent"),
        str,
    )
