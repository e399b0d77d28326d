from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from core.cache import figure, query_parameters
from core.lists import (
    ListPaginator,
    count_of,
    filter_data,
    filter_items,
    query_dict,
    suggest_response,
)
from seminars.cards import talk_cards
from seminars.filters import LibraryFilter, library_matches
from seminars.models import Seminar, Talk, TalkSpeaker

from .cartogram import region_map
from .models import FederalDistrict, Library, Region

DETAIL_ROWS = 20
LIBRARIES_PER_PAGE = 50


def head_libraries():
    """Published libraries that are no one's branch, with their published branches counted."""
    return (
        Library.objects.published()
        .filter(parent=None)
        .select_related("region", "locality")
        .annotate(branch_count=count_of(Library, "parent", is_published=True))
        .order_by("sort_key", "id")
    )


def library_filter(items):
    return LibraryFilter(query_dict(items), queryset=head_libraries())


def count_libraries(items):
    filterset = library_filter(items)
    return filterset.qs.count() if filterset.is_valid() else 0


@query_parameters(*LibraryFilter.base_filters, "page")
def library_list(request):
    items = filter_items(request.GET)
    filterset = library_filter(items)
    libraries = filterset.qs if filterset.is_valid() else Library.objects.none()
    paginator = ListPaginator(
        libraries, LIBRARIES_PER_PAGE, count=lambda: figure(count_libraries, items), key=items
    )
    context = {
        "page_title": "Библиотеки",
        "page_description": (
            "Библиотеки, чьи специалисты выступали на семинарах, и организаторы семинаров."
        ),
        "form": filterset.form,
        "page": paginator.get_page(request.GET.get("page")),
        "filtered": bool(filter_data(request.GET)),
    }
    return render(request, "libraries/library_list.html", context)


@query_parameters()
def library_detail(request, slug):
    # Staff see unpublished libraries too.
    libraries = Library.objects.all() if request.user.is_staff else Library.objects.published()
    library = get_object_or_404(
        libraries.select_related("parent__parent", "region", "locality"), slug=slug
    )
    own, tree = library_tree(library.pk)
    context = {
        "page_title": library.short_name or library.name,
        "page_description": f"{library}: доклады специалистов и семинары библиотеки.",
        "library": library,
        "draft": not library.is_published,
        "branches": library.branches.published().select_related("locality"),
        "departments": library.departments.all(),
        "talk_count": figure(count_library_talks, library.pk),
        "talks": talk_cards(library_talks(library.pk, tree).newest_first()[:DETAIL_ROWS]),
        "seminars": Seminar.objects.published().filter(organizer__in=own).for_cards()[:DETAIL_ROWS],
    }
    return render(request, "libraries/library_detail.html", context)


def library_tree(pk):
    """The keys of a library and its branches, and of their branches (three levels in a ЦБС),
    level by level through the parent index."""
    own = [pk, *Library.objects.filter(parent=pk).values_list("pk", flat=True)]
    return own, [*own, *Library.objects.filter(parent__in=own[1:]).values_list("pk", flat=True)]


def library_talks(pk, tree):
    """The published talks of a library's specialists, its branches' and its departments'.

    The keys first: the few talks of one library, which the planner could not foresee in a
    subquery and looked for by walking the whole archive from the newest talk.
    """
    talks = TalkSpeaker.objects.values_list("talk", flat=True)
    keys = {*talks.filter(library__in=tree), *talks.filter(department__library=pk)}
    return Talk.objects.published().filter(pk__in=keys)


def count_library_talks(pk):
    return library_talks(pk, library_tree(pk)[1]).count()


def region_talk_counts():
    """Published talks per region and per federal district."""
    # Regions without published talks are left out (0 to the page), which keeps the join inner.
    regions = Region.objects.with_talk_counts().values_list("pk", "talk_count")
    districts = (
        TalkSpeaker.objects.filter(talk__seminar_published=True)
        .values_list("library__region__federal_district")
        .annotate(n=Count("talk", distinct=True))
        .order_by()
    )
    return {"regions": dict(regions), "districts": dict(districts)}


@query_parameters()
def region_list(request):
    """The federal-district overview: every district with its regions and their talk counts."""
    counts = figure(region_talk_counts)
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
    regions = list(Region.objects.order_by("sort_key"))
    for region in regions:
        region.talk_count = counts["regions"].get(region.pk, 0)
        by_value[region.federal_district]["regions"].append(region)
    context = {
        "page_title": "Регионы и федеральные округа",
        "page_description": (
            "Доклады семинаров по федеральным округам и субъектам Российской Федерации."
        ),
        "districts": districts,
        "region_map": region_map(counts["regions"], regions=regions),
    }
    return render(request, "libraries/region_list.html", context)


def count_region(pk):
    region_libraries = Library.objects.published().filter(region=pk, parent=None)
    return {
        "talks": Talk.objects.published().in_regions([pk]).count(),
        "libraries": region_libraries.count(),
    }


@query_parameters()
def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    counts = figure(count_region, region.pk)
    context = {
        "page_title": region.name,
        "page_description": f"{region.name}: доклады библиотекарей региона, библиотеки и семинары.",
        "region": region,
        "talk_count": counts["talks"],
        "library_count": counts["libraries"],
        "talks": talk_cards(
            Talk.objects.published().in_regions([region]).newest_first()[:DETAIL_ROWS]
        ),
        # The keys first, from the index alone (it carries the organiser); the cards by key.
        "seminars": Seminar.objects.filter(
            pk__in=Seminar.objects.published().in_region(region).values("pk")[:DETAIL_ROWS]
        ).for_cards(),
        # A preview like the talks and seminars beside it; the library list has them all.
        "libraries": head_libraries().filter(region=region)[:DETAIL_ROWS],
    }
    return render(request, "libraries/region_detail.html", context)


def library_suggest(request):
    return suggest_response(
        request, lambda text: library_matches(text).select_related("parent__parent"), str
    )
