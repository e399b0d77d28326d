import datetime

from django import template
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from core.models import Organization
from seminars.templatetags.russian import ru_date

from ..forms import RegistrationForm
from ..models import CONSENT_VERSION, Registration, registration_state

register = template.Library()


@register.filter
def ru_datetime(value):
    """«14 января 2027 г. включительно» for a midnight deadline, «14 января 2027 г., 18:00»."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.time() == datetime.time.min:
        return f"{ru_date(local.date() - datetime.timedelta(days=1))} включительно"
    return f"{ru_date(local.date())}, {local:%H:%M}"


@register.inclusion_tag("registrations/_announcement.html", takes_context=True)
def registration_block(context, seminar):
    """The seminar page's «Регистрация» section with the form (nothing, and no query, for a
    seminar without registration)."""
    state = registration_state(seminar)
    return {
        "seminar": seminar,
        "state": state,
        "form": RegistrationForm(seminar=seminar) if state and state.open else None,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
        "organization": context.get("organization") or Organization.current(),
        "months": settings.PARTICIPANT_DATA_MONTHS,
        "version": CONSENT_VERSION,
    }


@register.simple_tag
def participant_counts(seminar):
    """How many registered and attended: numbers only, for the seminar's public page."""
    return seminar.registrations.active().aggregate(
        registered=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        attended=Count("pk", filter=Q(attended=True)),
    )
