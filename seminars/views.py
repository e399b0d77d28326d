import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from libraries.models import Region

from .models import Resolution, ResolutionItem, Seminar, Talk, TalkSpeaker
from .templatetags.russian import date_range

# The same escapes as django.utils.html.json_script: no «<», «>» or «&» can end the script element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

SEMINAR_LIST_RELATED = ("organizer", "organizer__parent", "organizer__region")


def speakers_prefetch(prefix=""):
    """A talk's speakers with everything a programme line shows, in one query."""
    return Prefetch(
        f"{prefix}speakers",
        queryset=TalkSpeaker.objects.select_related(
            "person", "library", "library__parent", "library__region", "department"
        ),
    )


def visible_seminars(request):
    """Staff see drafts (with a banner); everyone else sees published seminars only."""
    if request.user.is_staff:
        return Seminar.objects.all()
    return Seminar.objects.published()


def home(request):
    today = timezone.localdate()
    seminars = Seminar.objects.published().select_related(*SEMINAR_LIST_RELATED)
    talks = Talk.objects.published()
    speaker_roles = TalkSpeaker.objects.filter(talk__seminar__is_published=True)
    top_regions = (
        Region.objects.annotate(
            talk_count=Count(
                "libraries__speaker_roles__talk",
                distinct=True,
                filter=Q(libraries__speaker_roles__talk__seminar__is_published=True),
            )
        )
        .filter(talk_count__gt=0)
        .order_by("-talk_count", "sort_key")[:8]
    )
    context = {
        "page_title": "Архив семинаров для библиотекарей",
        "page_description": (
            "Методическая копилка: семинары, конференции и вебинары для библиотекарей — "
            "доклады, докладчики, библиотеки и регионы, резолюции."
        ),
        "seminar_count": seminars.count(),
        "talk_count": talks.count(),
        "speaker_count": speaker_roles.values("person").distinct().count(),
        "library_count": speaker_roles.values("library").distinct().count(),
        "region_count": speaker_roles.values("library__region").distinct().count(),
        "latest": seminars.filter(start_date__lte=today)[:5],
        "upcoming": seminars.filter(start_date__gt=today).order_by("start_date", "id")[:5],
        "top_regions": top_regions,
    }
    return render(request, "home.html", context)


def seminar_list(request):
    seminars = Seminar.objects.published().select_related(*SEMINAR_LIST_RELATED)
    context = {
        "page_title": "Семинары",
        "page_description": "Семинары, конференции и вебинары методического отдела по годам.",
        "seminars": seminars.annotate(talk_count=Count("talks")),
    }
    return render(request, "seminars/seminar_list.html", context)


def get_seminar(request, year, slug):
    seminar = get_object_or_404(
        visible_seminars(request).select_related(
            "organizer",
            "organizer__parent",
            "organizer__region",
            "organizer__locality",
            "organizer_department",
        ),
        slug=slug,
    )
    if seminar.start_date.year != year:
        raise Http404("Семинар не найден.")
    return seminar


def resolution_context(seminar):
    resolution = Resolution.objects.filter(seminar=seminar).first()
    if resolution is None:
        return {"resolution": None, "resolution_sections": []}
    sections = {}
    for item in resolution.items.order_by("order"):
        sections.setdefault(item.section, []).append(item)
    labels = dict(ResolutionItem.Section.choices)
    return {
        "resolution": resolution,
        "resolution_sections": [
            {"title": labels.get(section, section), "items": items}
            for section, items in sections.items()
        ],
    }


def seminar_detail(request, year, slug):
    seminar = get_seminar(request, year, slug)
    talks = list(seminar.talks.prefetch_related(speakers_prefetch(), "topics").order_by("order"))
    context = {
        "page_title": seminar.title,
        "page_description": seminar_description(seminar),
        "og_type": "article",
        "seminar": seminar,
        "draft": not seminar.is_published,
        "talks": talks,
        "regions": seminar.regions.all(),
        "localities": seminar.localities.all(),
        "links": seminar.links.all(),
        "jsonld": event_jsonld(request, seminar, talks),
        **resolution_context(seminar),
    }
    return render(request, "seminars/seminar_detail.html", context)


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
            {"@type": "Person", "name": speaker.person.full_name}
            for talk in talks
            for speaker in talk.speakers.all()
            if speaker.person.is_public
        ],
    }
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))


def talk_list(request):
    talks = Talk.objects.published().select_related("seminar").prefetch_related(speakers_prefetch())
    context = {
        "page_title": "Доклады",
        "page_description": "Доклады семинаров по регионам, библиотекам, докладчикам и темам.",
        "talks": talks.order_by("-seminar__start_date", "seminar_id", "order"),
    }
    return render(request, "seminars/talk_list.html", context)
