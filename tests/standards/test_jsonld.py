"""The JSON-LD of every seminar format and of the home page against the schema.org properties
search engines document as required and recommended (Google Search Central: «Event», «Logo»,
«Sitelinks search box»; the rules are written out below, not taken from our code).

`offers` (recommended) is left out on purpose: the archive holds no tickets or prices.
"""

import datetime
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from PIL import Image

from people.models import Person
from seminars.models import Seminar, SeminarLink

SCHEMA = "https://schema.org/"
ATTENDANCE = {
    f"{SCHEMA}OfflineEventAttendanceMode": {"Place"},
    f"{SCHEMA}OnlineEventAttendanceMode": {"VirtualLocation"},
    f"{SCHEMA}MixedEventAttendanceMode": {"Place", "VirtualLocation"},
}
STATUS = {f"{SCHEMA}{name}" for name in ("EventScheduled", "EventCancelled", "EventPostponed")}
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)?)?")


def scripts(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(text) for text in found]


def absolute_url(value):
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def no_empty_values(data, path="$"):
    """Search engines read "" or [] as a present but broken property."""
    empty = []
    if isinstance(data, dict):
        for key, value in data.items():
            empty += no_empty_values(value, f"{path}.{key}")
    elif isinstance(data, list):
        empty += [path] if not data else []
        for index, value in enumerate(data):
            empty += no_empty_values(value, f"{path}[{index}]")
    elif data in ("", None):
        empty.append(path)
    return empty


def check_address(address):
    assert address["@type"] == "PostalAddress"
    assert address["addressCountry"] == "RU"
    assert address.get("addressLocality") or address.get("addressRegion")


def check_event(event):
    assert event["@context"] == "https://schema.org"
    assert event["@type"] == "Event"
    assert no_empty_values(event) == []
    # Required: name, startDate, location (a Place with an address, a VirtualLocation with a url).
    assert event["name"].strip()
    assert ISO_DATE.fullmatch(event["startDate"])
    locations = event["location"] if isinstance(event["location"], list) else [event["location"]]
    for location in locations:
        if location["@type"] == "Place":
            assert location["name"].strip()
            check_address(location["address"])
        else:
            assert location["@type"] == "VirtualLocation"
            assert absolute_url(location["url"])
            assert location["url"] != event["url"], "the archive page is not where one watches"
    # Recommended: description, endDate, eventAttendanceMode matching the locations,
    # eventStatus, image, organizer (name, url), performer (name).
    assert event["description"].strip()
    assert ISO_DATE.fullmatch(event["endDate"]) and event["endDate"] >= event["startDate"]
    assert ATTENDANCE[event["eventAttendanceMode"]] == {loc["@type"] for loc in locations}
    assert event["eventStatus"] in STATUS
    assert event["image"] and all(absolute_url(image) for image in event["image"])
    organizer = event["organizer"]
    assert organizer["@type"] == "Organization"
    assert organizer["name"].strip() and absolute_url(organizer["url"])
    check_address(organizer["address"])
    for performer in event.get("performer", []):
        assert performer["@type"] == "Person" and performer["name"].strip()
        assert absolute_url(performer["url"])
    assert absolute_url(event["url"])


@pytest.fixture
def seminars(demo_seminar):
    """The demo (blended, with speakers) and one seminar of every other format, without any."""
    soon = timezone.localdate() + datetime.timedelta(days=5)
    made = {"blended": demo_seminar}
    for number, fmt in enumerate(
        [Seminar.Format.ONLINE, Seminar.Format.OFFLINE, Seminar.Format.CORRESPONDENCE], start=1
    ):
        made[fmt] = Seminar.objects.create(
            title=f"Семинар {fmt}",
            format=fmt,
            start_date=soon + datetime.timedelta(days=number),
            organizer=demo_seminar.organizer,
            is_published=True,
        )
    SeminarLink.objects.create(
        seminar=made[Seminar.Format.ONLINE],
        kind=SeminarLink.Kind.BROADCAST,
        title="Подключиться",
        url="https://room.example/seminar",
    )
    return made


def test_every_seminar_format_is_a_complete_event(client, seminars):
    for seminar in seminars.values():
        [event] = scripts(client, seminar.get_absolute_url())
        check_event(event)


def test_performers_are_exactly_the_consenting_speakers(client, seminars):
    demo = seminars["blended"]
    Person.objects.filter(last_name="Абрамкина").update(consent=Person.Consent.WITHDRAWN)

    [event] = scripts(client, demo.get_absolute_url())

    check_event(event)
    assert len(event["performer"]) == 11
    assert "Абрамкина" not in json.dumps(event, ensure_ascii=False)


def test_home_page_is_a_website_with_its_publisher(client, seminars):
    [data] = scripts(client, "/")

    assert data["@context"] == "https://schema.org"
    assert no_empty_values(data) == []
    by_type = {node["@type"]: node for node in data["@graph"]}
    assert sorted(by_type) == ["Organization", "WebSite"]
    website, organization = by_type["WebSite"], by_type["Organization"]
    assert website["name"].strip() and absolute_url(website["url"])
    assert website["publisher"] == {"@id": organization["@id"]}
    # A search box: the target template holds the variable query-input names.
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert absolute_url(template) and "{search_term_string}" in template
    assert action["query-input"] == "required name=search_term_string"
    search = template.replace("{search_term_string}", "маяк").removeprefix("http://testserver")
    assert client.get(search).status_code == 200
    # Logo: an absolute URL of an image at least 112 px square that answers.
    assert absolute_url(organization["url"]) and absolute_url(organization["logo"])
    logo = client.get(organization["logo"].removeprefix("http://testserver"))
    assert logo.status_code == 200
    image = Image.open(io.BytesIO(b"".join(logo.streaming_content)))
    assert image.format == "PNG"
    assert min(image.size) >= 112


def test_event_images_answer(client, seminars):
    [event] = scripts(client, seminars["online"].get_absolute_url())

    for url in event["image"]:
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        # Search engines want at least 50,000 pixels.
        assert image.size[0] * image.size[1] >= 50_000
