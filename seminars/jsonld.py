"""schema.org data for search engines (JSON-LD): a seminar as an Event, the site as a WebSite.

Each object carries the properties search engines document as required and recommended for it
(docs/standards.md); tests/standards/test_jsonld.py checks them independently of this code.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.models import Organization

from .models import Seminar, SeminarLink

# The same escapes as django.utils.html.json_script: no «<», «>» or «&» can end the script element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

SITE_DESCRIPTION = (
    "Архив семинаров, конференций и вебинаров для библиотекарей: доклады, докладчики, "
    "библиотеки, регионы и резолюции."
)
SITE_IMAGE = "img/kopilka.png"
SITE_LOGO = "img/kopilka-logo.png"

# Where one takes part online: the room while the seminar runs, its recordings afterwards.
WATCH_WHILE_ON = (SeminarLink.Kind.BROADCAST, SeminarLink.Kind.CHANNEL, SeminarLink.Kind.RECORDING)
WATCH_WHEN_OVER = (SeminarLink.Kind.RECORDING, SeminarLink.Kind.CHANNEL, SeminarLink.Kind.BROADCAST)


def script(data):
    """The data as the text of a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))


def publisher(request):
    """The organisation that publishes the archive: as entered in the admin, else the site."""
    home = request.build_absolute_uri(reverse("seminars:home"))
    organization = Organization.current()
    data = organization.schema_org(request) if organization else {"name": settings.SITE_NAME}
    return {
        "url": home,
        "logo": request.build_absolute_uri(static(SITE_LOGO)),
        **data,
        "@type": "Organization",
        "@id": f"{home}#organization",
    }


def website_jsonld(request):
    """The home page's WebSite, searchable from a search engine's results, and its publisher."""
    home = request.build_absolute_uri(reverse("seminars:home"))
    search = request.build_absolute_uri(reverse("seminars:search"))
    organization = publisher(request)
    website = {
        "@type": "WebSite",
        "@id": f"{home}#website",
        "name": settings.SITE_NAME,
        "url": home,
        "description": SITE_DESCRIPTION,
        "inLanguage": "ru",
        "publisher": {"@id": organization["@id"]},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
    return script({"@context": "https://schema.org", "@graph": [website, organization]})


def postal_address(library):
    """As much of the address as the archive knows: a blank part is left out, not sent empty."""
    parts = {
        "streetAddress": library.street_address,
        "addressLocality": library.locality.name if library.locality_id else "",
        "postalCode": library.postal_code,
        "addressRegion": library.region.name if library.region_id else "",
        "addressCountry": "RU",
    }
    return {"@type": "PostalAddress", **{name: value for name, value in parts.items() if value}}


def organization(request, library):
    data = {
        "@type": "Organization",
        "name": str(library),
        "url": request.build_absolute_uri(library.get_absolute_url()),
    }
    if library.website:
        data["sameAs"] = library.website
    data["address"] = postal_address(library)
    return data


def watch_url(seminar, talks, links):
    """Where one joins the seminar online or watches it, the archive page only as a last resort."""
    over = (seminar.end_date or seminar.start_date) < timezone.localdate()
    by_kind = {}
    for link in links:
        by_kind.setdefault(link.kind, link.url)
    for kind in WATCH_WHEN_OVER if over else WATCH_WHILE_ON:
        if kind in by_kind:
            return by_kind[kind]
    recordings = [talk.recording_url for talk in talks if talk.recording_url]
    return next(iter(recordings), None) or seminar.organizer.website or None


def event_jsonld(request, seminar, talks, links, description):
    """schema.org Event, escaped like json_script so that «</script>» in a title stays inert."""
    page = request.build_absolute_uri(seminar.get_absolute_url())
    organizer = seminar.organizer
    place = {"@type": "Place", "name": str(organizer), "address": postal_address(organizer)}
    virtual = {"@type": "VirtualLocation", "url": watch_url(seminar, talks, links) or page}
    mode, location = {
        Seminar.Format.ONLINE: ("OnlineEventAttendanceMode", virtual),
        Seminar.Format.BLENDED: ("MixedEventAttendanceMode", [place, virtual]),
    }.get(seminar.format, ("OfflineEventAttendanceMode", place))
    image = organizer.logo.url if organizer.logo else static(SITE_IMAGE)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": seminar.title,
        "description": description,
        "startDate": seminar.start_date.isoformat(),
        "endDate": (seminar.end_date or seminar.start_date).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": f"https://schema.org/{mode}",
        "inLanguage": "ru",
        "url": page,
        "image": [request.build_absolute_uri(image)],
        "organizer": organization(request, organizer),
        "location": location,
    }
    performers = [
        {"@type": "Person", "name": speaker.name, "url": request.build_absolute_uri(speaker.url)}
        for talk in talks
        for speaker in talk.speaker_list
        if speaker.url  # only people who consented have a page
    ]
    if performers:
        data["performer"] = performers
    return script(data)
