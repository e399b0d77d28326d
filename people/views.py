from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from core.cache import figure, query_parameters
from core.lists import ListPaginator, suggest_response
from core.text import fold
from seminars.filters import speaker_matches
from seminars.models import published_speakers

from .models import Person

INDEX_PAGE_SIZE = 200


def first_letters():
    """The first letters of the speakers' folded names, for the А–Я index."""
    return sorted(
        published_speakers()
        .annotate(letter=Substr("sort_key", 1, 1))
        .values_list("letter", flat=True)
        .distinct()
        .order_by()
    )


def speakers_on(letter):
    people = published_speakers()
    return people.filter(sort_key__startswith=letter) if letter else people


def count_speakers(letter):
    return speakers_on(letter).count()


@query_parameters("letter", "page")
def person_list(request):
    """The А–Я index: Russian order with Ё filed under Е (sort_key is folded)."""
    letters = figure(first_letters)
    letter = fold(request.GET.get("letter", "").strip())[:1]
    paginator = ListPaginator(
        speakers_on(letter).order_by("sort_key", "id"),
        INDEX_PAGE_SIZE,
        count=lambda: figure(count_speakers, letter),
        key=letter,
    )
    page = paginator.get_page(request.GET.get("page"))
    groups = {}
    for person in page:
        groups.setdefault(person.sort_key[:1].upper(), []).append(person)
    context = {
        "page_title": f"Докладчики на букву {letter.upper()}" if letter else "Докладчики от А до Я",
        "page_description": "Алфавитный указатель докладчиков семинаров методической копилки.",
        "alphabet": [(char, char in letters) for char in "абвгдежзийклмнопрстуфхцчшщэюя"],
        "others": [char for char in letters if char not in "абвгдежзийклмнопрстуфхцчшщъыьэюя"],
        "letter": letter,
        "page": page,
        "groups": groups.items(),
    }
    return render(request, "people/person_list.html", context)


@query_parameters()
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    roles = list(
        person.speaker_roles.filter(talk__seminar_published=True)
        .select_related(
            "talk",
            "talk__seminar",
            "library__parent__parent",
            "library__region",
            "department",
        )
        .order_by("-talk__seminar__start_date", "talk__order")
    )
    # 152-ФЗ: without consent a person has no page; staff see it with a banner.
    hidden = not person.is_public or not roles
    if hidden and not request.user.is_staff:
        raise Http404("Страница докладчика не опубликована.")
    context = {
        "page_title": person.full_name,
        "page_description": f"{person.full_name}: доклады на семинарах, должности и библиотеки.",
        "og_type": "profile",
        "person": person,
        "draft": hidden,
        "roles": roles,
        "positions": positions_over_time(roles),
    }
    return render(request, "people/person_detail.html", context)


def positions_over_time(roles):
    """Distinct (position, library) pairs with the years they were held, most recent first."""
    held = {}
    for role in roles:
        key = (role.position, role.library_id, role.department_id)
        year = role.talk.seminar.start_date.year
        entry = held.setdefault(key, {"role": role, "first": year, "last": year})
        entry["first"] = min(entry["first"], year)
        entry["last"] = max(entry["last"], year)
    return list(held.values())


def person_suggest(request):
    """Only people who consented: their slug is their name, so no slug of anyone else leaves."""
    return suggest_response(
        request,
        lambda text: speaker_matches(text).filter(
            pk__in=published_speakers().public().values("pk")
        ),
        lambda person: person.full_name,
    )
