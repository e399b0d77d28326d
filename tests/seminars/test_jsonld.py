"""schema.org data on the seminar page (an Event) and on the home page (WebSite, Organization)."""

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from libraries.models import Library, Locality
from people.models import Person
from seminars.models import Seminar, SeminarLink, Talk
from tests import factories

CHANNEL = (
    "https://www.youtube.com/results?search_query="
    "%D0%9A%D0%BD%D0%B8%D0%B6%D0%BA%D0%B8%D0%BD%D0%94%D0%BE%D0%BC41"
)


def jsonld(client, url):
    html = client.get(url).content.decode()
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(script)


@pytest.fixture
def online(db):
    """An online seminar, as yet without links, talks or a known address."""
    soon = timezone.localdate() + datetime.timedelta(days=10)
    organizer = factories.library("Библиотека им. А. С. Пушкина", website="https://pushkin.example")
    return factories.seminar(
        "Вебинар о буктрейлерах",
        organizer=organizer,
        start=soon,
        format=Seminar.Format.ONLINE,
        kind=Seminar.Kind.WEBINAR,
    )


def link(seminar, kind, url):
    return SeminarLink.objects.create(seminar=seminar, kind=kind, title=url, url=url)


def test_a_mixed_seminar_has_its_place_and_where_to_watch_it(client, demo_seminar):
    data = jsonld(client, demo_seminar.get_absolute_url())

    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, virtual = data["location"]
    assert place["@type"] == "Place"
    assert place["name"] == "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»"
    # The recordings of a past seminar: the demo's channel, not the archive page.
    assert virtual == {"@type": "VirtualLocation", "url": CHANNEL}


def test_an_upcoming_seminar_is_joined_at_its_broadcast(client, online):
    link(online, SeminarLink.Kind.RECORDING, "https://video.example/old")
    link(online, SeminarLink.Kind.BROADCAST, "https://room.example/webinar")

    data = jsonld(client, online.get_absolute_url())

    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://room.example/webinar"}


def test_a_past_seminar_is_watched_in_its_recording(client, online):
    Seminar.objects.filter(pk=online.pk).update(start_date=datetime.date(2022, 3, 5))
    online.refresh_from_db()
    link(online, SeminarLink.Kind.BROADCAST, "https://room.example/webinar")
    link(online, SeminarLink.Kind.RECORDING, "https://video.example/webinar")

    data = jsonld(client, online.get_absolute_url())

    assert data["location"]["url"] == "https://video.example/webinar"


def test_without_links_a_talk_recording_then_the_organisers_site(client, online):
    url = online.get_absolute_url()
    assert jsonld(client, url)["location"]["url"] == "https://pushkin.example"

    Talk.objects.create(seminar=online, order=1, title="Без записи")
    Talk.objects.create(
        seminar=online, order=2, title="С записью", recording_url="https://video.example/talk-2"
    )

    assert jsonld(client, url)["location"]["url"] == "https://video.example/talk-2"


def test_no_performer_list_without_a_public_speaker(client, online):
    talk = Talk.objects.create(seminar=online, order=1, title="Доклад")
    talk.speakers.create(person=factories.person("Скрытова", consent=Person.Consent.UNKNOWN))

    data = jsonld(client, online.get_absolute_url())

    assert "performer" not in data
    assert "Скрытова" not in json.dumps(data, ensure_ascii=False)


def test_performers_link_their_pages(client, demo_seminar):
    data = jsonld(client, demo_seminar.get_absolute_url())

    assert data["performer"][0] == {
        "@type": "Person",
        "name": "Абрамкина Елена Ивановна",
        "url": "http://testserver/speakers/abramkina-elena-ivanovna/",
    }


def test_the_image_is_the_organisers_logo_or_the_sites_picture(client, online, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = online.get_absolute_url()
    assert jsonld(client, url)["image"] == ["http://testserver/static/img/kopilka.png"]

    with open(settings.BASE_DIR / "static" / "img" / "kopilka-logo.png", "rb") as png:
        logo = SimpleUploadedFile("logo.png", png.read(), content_type="image/png")
    organizer = online.organizer
    organizer.logo = logo
    organizer.save()

    [image] = jsonld(client, url)["image"]
    assert re.fullmatch(r"http://testserver/media/libraries/logos/logo\w*\.png", image)


def test_the_organisers_full_address(client, online):
    organizer = online.organizer
    organizer.locality = Locality.objects.create(
        region=organizer.region, name="Петропавловск-Камчатский"
    )
    organizer.street_address = "ул. Ленинская, 12"
    organizer.postal_code = "683000"
    organizer.save()
    Seminar.objects.filter(pk=online.pk).update(format=Seminar.Format.OFFLINE)

    data = jsonld(client, online.get_absolute_url())

    address = {
        "@type": "PostalAddress",
        "streetAddress": "ул. Ленинская, 12",
        "addressLocality": "Петропавловск-Камчатский",
        "postalCode": "683000",
        "addressRegion": "Камчатский край",
        "addressCountry": "RU",
    }
    assert data["location"] == {
        "@type": "Place",
        "name": "Библиотека им. А. С. Пушкина",
        "address": address,
    }
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Библиотека им. А. С. Пушкина",
        "url": f"http://testserver/libraries/{organizer.slug}/",
        "sameAs": "https://pushkin.example",
        "address": address,
    }


def test_an_address_leaves_out_what_is_not_known(client, online):
    Library.objects.filter(pk=online.organizer_id).update(website="")
    Seminar.objects.filter(pk=online.pk).update(format=Seminar.Format.OFFLINE)

    data = jsonld(client, online.get_absolute_url())

    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "addressRegion": "Камчатский край",
        "addressCountry": "RU",
    }
    assert "sameAs" not in data["organizer"]


def test_home_page_describes_the_site_and_its_publisher(client, db):
    data = jsonld(client, "/")

    assert data == {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebSite",
                "@id": "http://testserver/#website",
                "name": "Методическая копилка",
                "url": "http://testserver/",
                "description": (
                    "Архив семинаров, конференций и вебинаров для библиотекарей: доклады, "
                    "докладчики, библиотеки, регионы и резолюции."
                ),
                "inLanguage": "ru",
                "publisher": {"@id": "http://testserver/#organization"},
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": "http://testserver/search/?q={search_term_string}",
                    },
                    "query-input": "required name=search_term_string",
                },
            },
            {
                "@type": "Organization",
                "@id": "http://testserver/#organization",
                "name": "Методическая копилка",
                "url": "http://testserver/",
                "logo": "http://testserver/static/img/kopilka-logo.png",
            },
        ],
    }
