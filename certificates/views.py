import re

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_safe

from people.models import short_name

from .issue import ensure_pdf
from .models import Certificate, download_key

NUMBER_RX = re.compile(r"\d{4}-\d{4}-\d{4}")


def find(number):
    """The certificate, or 404 — the same for a malformed and for an unknown number, so the
    answer tells nothing about which numbers exist."""
    if not NUMBER_RX.fullmatch(number):
        raise Http404("Сертификат не найден.")
    return get_object_or_404(
        Certificate.objects.select_related("seminar", "person", "replaced_by"), number=number
    )


def shown_name(certificate):
    """152-ФЗ: a speaker who consented is named in full; anyone else as «Фамилия И. О.»."""
    person = certificate.person
    if person is not None and person.is_public:
        return person.full_name
    return short_name(certificate.last_name, certificate.first_name, certificate.patronymic)


def is_public_pdf(certificate):
    person = certificate.person
    return certificate.is_valid and person is not None and person.is_public


@require_safe
def verify(request, number):
    certificate = find(number)
    seminar = certificate.seminar
    person = certificate.person
    context = {
        "page_title": f"Сертификат № {certificate.number}",
        "page_description": "Проверка подлинности сертификата методической копилки.",
        "certificate": certificate,
        "name": shown_name(certificate),
        "person_url": person.get_absolute_url()
        if person is not None and person.is_public and seminar.is_published
        else "",
        "seminar_url": seminar.get_absolute_url() if seminar.is_published else "",
        "public_pdf": is_public_pdf(certificate),
    }
    return render(request, "certificates/verify.html", context)


@require_safe
def download(request, number):
    certificate = find(number)
    staff = request.user.has_perm("certificates.view_certificate") and (
        certificate.registration_id is None or request.user.has_perm("registrations.participants")
    )
    allowed = (
        staff
        or is_public_pdf(certificate)
        or (
            certificate.is_valid
            and constant_time_compare(request.GET.get("key", ""), download_key(number))
        )
    )
    if not allowed or certificate.is_forgotten:
        raise Http404("Сертификат не найден.")
    response = pdf_response(certificate)
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(certificate):
    """The certificate's PDF as a download named after its number and holder."""
    return FileResponse(
        ensure_pdf(certificate).open("rb"),
        as_attachment=True,
        filename=certificate.filename,
        content_type="application/pdf",
    )
