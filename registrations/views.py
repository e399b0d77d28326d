from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.auth import client_ip
from seminars.models import Seminar

from . import mail
from .forms import RegistrationForm
from .models import CONSENT_VERSION, Registration, registration_state

SIGNER = signing.Signer(salt="registrations.cancel")


def get_seminar(year, slug):
    seminar = get_object_or_404(
        Seminar.objects.published().select_related("organizer__parent__parent"), slug=slug
    )
    if seminar.start_date.year != year:
        raise Http404("Семинар не найден.")
    return seminar


def over_limit(request):
    """True once this address has sent more registrations this hour than a library's staff
    would: a small counter in the cache (shared by all workers with Redis)."""
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"registrations:ip:{client_ip(request)}:{hour}"
    cache.add(key, 0, 60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 60 * 60)
        count = 1
    return count > settings.REGISTRATIONS_PER_IP_HOUR


def save_registration(form):
    """The new registration, or None if this address is already registered for the seminar.

    The seminar's row is locked while places are counted, so two people never take the last
    place; the unique constraint settles two submissions of one address.
    """
    email = form.cleaned_data["email"]
    try:
        with transaction.atomic():
            seminar = Seminar.objects.select_for_update().get(pk=form.seminar.pk)
            if seminar.registrations.active().filter(email=email).exists():
                return None
            registration = form.save(commit=False)
            state = registration_state(seminar)
            if state is not None and state.full:
                registration.status = Registration.Status.WAITLIST
            registration.consent_version = CONSENT_VERSION
            registration.consent_at = timezone.now()
            registration.save()
            mail.confirmation(registration)
    except IntegrityError:
        return None
    return registration


@never_cache
def register(request, year, slug):
    seminar = get_seminar(year, slug)
    state = registration_state(seminar)
    if state is None:
        raise Http404("На этот семинар регистрации нет.")
    status = 200
    form = RegistrationForm(request.POST or None, seminar=seminar)
    if request.method == "POST":
        if request.POST.get("website"):
            # A bot filled the hidden box: it is told what a person is told, nothing is stored.
            return redirect(done_url(seminar, Registration.Status.REGISTERED))
        if not state.open:
            form.add_error(None, "Регистрация закрыта.")
            status = 409
        elif over_limit(request):
            form.add_error(None, "Слишком много регистраций с вашего адреса. Попробуйте через час.")
            status = 429
        elif form.is_valid():
            registration = save_registration(form)
            if registration is not None:
                return redirect(done_url(seminar, registration.status))
            form.add_error(
                "email",
                "С этого адреса на семинар уже зарегистрировались. Регистрация не изменена; "
                "письмо с подтверждением пришло на этот адрес. Чтобы изменить данные, отмените "
                "регистрацию по ссылке из письма и зарегистрируйтесь снова.",
            )
        else:
            status = 400
    context = {
        "page_title": f"Регистрация: {seminar.title}",
        "seminar": seminar,
        "state": state,
        "form": form,
        "months": settings.PARTICIPANT_DATA_MONTHS,
        "version": CONSENT_VERSION,
    }
    return render(request, "registrations/register.html", context, status=status)


def done_url(seminar, status):
    url = reverse("registrations:done", args=[seminar.start_date.year, seminar.slug])
    return f"{url}?status={status}"


def done(request, year, slug):
    seminar = get_seminar(year, slug)
    context = {
        "page_title": f"Регистрация: {seminar.title}",
        "seminar": seminar,
        "waitlist": request.GET.get("status") == Registration.Status.WAITLIST,
    }
    return render(request, "registrations/done.html", context)


def consent(request):
    context = {
        "page_title": "Согласие на обработку персональных данных",
        "version": CONSENT_VERSION,
        "months": settings.PARTICIPANT_DATA_MONTHS,
    }
    return render(request, "registrations/consent.html", context)


def cancel_registration(registration):
    with transaction.atomic():
        seminar = Seminar.objects.select_for_update().get(pk=registration.seminar_id)
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            return
        freed = registration.status == Registration.Status.REGISTERED
        registration.status = Registration.Status.CANCELLED
        registration.erase()
        registration.save()
        state = registration_state(seminar)
        if freed and state is not None and not state.full:
            waiting = seminar.registrations.filter(status=Registration.Status.WAITLIST).first()
            if waiting is not None:
                waiting.status = Registration.Status.REGISTERED
                waiting.save(update_fields=["status"])
                mail.promoted(waiting)


@never_cache
def cancel(request, signed):
    try:
        token = SIGNER.unsign(signed)
    except signing.BadSignature:
        raise Http404("Ссылка для отмены регистрации повреждена.") from None
    registration = (
        Registration.objects.active().select_related("seminar").filter(token=token).first()
    )
    context = {"page_title": "Отмена регистрации", "registration": registration}
    if registration is None:
        return render(request, "registrations/cancel.html", context, status=404)
    context["seminar"] = registration.seminar
    # Mail scanners open links in letters: only the button (a POST) cancels.
    if request.method == "POST":
        cancel_registration(registration)
        context["cancelled"] = True
    return render(request, "registrations/cancel.html", context)
