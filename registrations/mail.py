"""The letters to participants, built as plain values for the mail task (core/mail.py)."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from icalendar import Calendar, Event

from core.mail import send_later
from core.models import Organization

from .models import Registration


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def seminar_ics(registration):
    """The seminar as an all-day event, with the same UID as the site's calendars (one event in
    the participant's calendar, however they added it)."""
    seminar = registration.seminar
    url = absolute(seminar.get_absolute_url())
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//RU")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"seminar-{seminar.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("summary", seminar.title)
    event.add("dtstart", seminar.start_date)
    event.add("dtend", (seminar.end_date or seminar.start_date) + datetime.timedelta(days=1))
    event.add("dtstamp", seminar.updated_at)
    event.add("url", url)
    online = registration.participation == Registration.Participation.ONLINE
    if online and seminar.online_room_url:
        event.add("location", seminar.online_room_url)
    else:
        event.add("location", str(seminar.organizer))
    event.add("description", f"Организатор: {seminar.organizer}.\n{url}")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def context(registration):
    seminar = registration.seminar
    online = registration.participation == Registration.Participation.ONLINE
    return {
        "registration": registration,
        "seminar": seminar,
        "seminar_url": absolute(seminar.get_absolute_url()),
        "cancel_url": absolute(registration.cancel_url()),
        "room_url": seminar.online_room_url if online else "",
        "waitlist": registration.status == Registration.Status.WAITLIST,
        "organization": Organization.current(),
    }


def send(registration, template, subject, attach_ics=False):
    body = render_to_string(f"registrations/mail/{template}.txt", context(registration))
    attachments = []
    if attach_ics:
        name = f"{registration.seminar.slug}.ics"
        attachments.append([name, seminar_ics(registration), "text/calendar"])
    send_later(f"{subject}: {registration.seminar.title}", body, [registration.email], attachments)


def confirmation(registration):
    if registration.status == Registration.Status.WAITLIST:
        send(registration, "waitlist", "Лист ожидания")
    else:
        send(registration, "confirmation", "Регистрация подтверждена", attach_ics=True)


def promoted(registration):
    send(registration, "confirmation", "Освободилось место", attach_ics=True)


def reminder(registration):
    send(registration, "reminder", "Напоминание")


def thanks(registration):
    send(registration, "thanks", "Спасибо за участие")
