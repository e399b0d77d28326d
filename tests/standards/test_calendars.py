"""Every calendar against RFC 5545: read by vobject, a parser other than the icalendar that writes
them, and checked line by line for CRLF, 75-octet folding and the required properties."""

import datetime

import pytest
import vobject
from django.utils import timezone

from seminars.models import Seminar

LONG_TITLE = (
    "Библиотека-онлайн: опыт дистанционного обслуживания пользователей в условиях пандемии "
    "и после неё — «Чтение & дети», часть 2"
)


@pytest.fixture
def calendars(demo_seminar):
    """{url: number of events}: with events, empty, and one seminar's own calendar."""
    soon = timezone.localdate() + datetime.timedelta(days=15)
    upcoming = Seminar.objects.create(
        title=LONG_TITLE,
        start_date=soon,
        end_date=soon + datetime.timedelta(days=2),
        organizer=demo_seminar.organizer,
        goal="обмен опытом; обсуждение, итоги\nи планы",
        is_published=True,
    )
    return {
        "/calendar/upcoming.ics": 1,
        "/calendar/regions/kamchatskii-krai.ics": 1,
        "/calendar/regions/altaiskii-krai.ics": 0,
        f"/calendar/organizers/{demo_seminar.organizer.slug}.ics": 1,
        f"/calendar/organizers/{demo_seminar.talks.get(order=4).speakers.get().library.slug}.ics": 0,
        f"/seminars/2021/{demo_seminar.slug}/calendar.ics": 1,
        f"/seminars/{soon.year}/{upcoming.slug}/calendar.ics": 1,
    }


def content_lines(raw):
    """RFC 5545 §3.1: CRLF-terminated lines of at most 75 octets; a fold starts with a blank."""
    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    assert [line for line in lines if b"\n" in line or b"\r" in line] == []
    assert [line for line in lines if len(line) > 75] == []
    # A fold never splits a UTF-8 character: each physical line decodes on its own.
    for line in lines:
        line.decode("utf-8")
    unfolded = []
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    return [line.decode("utf-8") for line in unfolded]


def names(lines):
    return [line.split(":", 1)[0].split(";", 1)[0] for line in lines]


def components(lines, kind):
    """The content lines of each component of a kind, nested components left out."""
    found, current, depth = [], None, 0
    for line in lines:
        if line == f"BEGIN:{kind}":
            current, depth = [], 0
            continue
        if current is None:
            continue
        if line == f"END:{kind}" and depth == 0:
            found.append(current)
            current = None
        elif line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        elif depth == 0:
            current.append(line)
    return found


def test_every_calendar_follows_rfc_5545(client, calendars):
    for url, events in calendars.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/calendar; charset=utf-8"

        lines = content_lines(response.content)
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR", url
        [calendar] = components(lines, "VCALENDAR")
        # §3.6: PRODID and VERSION once each, then one or more components.
        assert names(calendar).count("PRODID") == 1
        assert [line for line in calendar if line.startswith("VERSION")] == ["VERSION:2.0"]
        assert "BEGIN:VTIMEZONE" in lines or "BEGIN:VEVENT" in lines, url
        for zone in components(lines, "VTIMEZONE"):
            assert names(zone).count("TZID") == 1
        for observance in components(lines, "STANDARD") + components(lines, "DAYLIGHT"):
            for required in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                assert names(observance).count(required) == 1, (url, required)
        uids = []
        for event in components(lines, "VEVENT"):
            # §3.6.1: UID and DTSTAMP (in UTC) once; DTSTART; DTEND after it, never with DURATION.
            assert names(event).count("UID") == 1
            assert names(event).count("DTSTAMP") == 1
            [stamp] = [line for line in event if line.startswith("DTSTAMP")]
            assert stamp.endswith("Z"), stamp
            assert names(event).count("DTSTART") == 1
            assert "DURATION" not in names(event)
            uids.append(next(line for line in event if line.startswith("UID:")))
        assert len(uids) == events == len(set(uids)), url

        # A second parser reads the same calendar and the same events.
        parsed = vobject.readOne(response.content.decode("utf-8"))
        assert parsed.version.value == "2.0"
        read = list(getattr(parsed, "vevent_list", []))
        assert len(read) == events, url
        for event in read:
            assert event.dtend.value > event.dtstart.value
            assert event.dtstamp.value.utcoffset() == datetime.timedelta(0)


def test_text_values_are_escaped_and_folded(client, calendars):
    response = client.get("/calendar/upcoming.ics")

    [event] = vobject.readOne(response.content.decode("utf-8")).vevent_list
    assert event.summary.value == LONG_TITLE
    assert event.description.value.startswith("Цель — обмен опытом; обсуждение, итоги\nи планы.")
    lines = response.content.split(b"\r\n")
    assert any(line.startswith(b" ") for line in lines)
    raw = response.content.decode("utf-8").replace("\r\n ", "")
    assert "обмен опытом\\; обсуждение\\, итоги\\nи планы." in raw
