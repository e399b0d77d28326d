"""Who is due a certificate for a seminar, and what theirs says."""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.cache import new_generation
from core.models import Organization
from registrations.models import Registration
from seminars.models import Seminar, TalkSpeaker
from seminars.templatetags.russian import date_range, plural_form

from . import pdf
from .models import PLACEHOLDER_RX, Certificate, CertificateTemplate, Kind
from .names import dative

# «межрегионального семинара»: the scope agrees with the kind's gender.
FEMININE = {Seminar.Kind.CONFERENCE, Seminar.Kind.SCHOOL}
SCOPE_GENITIVE = {
    Seminar.Scope.MUNICIPAL: "муниципальн",
    Seminar.Scope.REGIONAL: "региональн",
    Seminar.Scope.INTERREGIONAL: "межрегиональн",
    Seminar.Scope.FEDERAL: "всероссийск",
    Seminar.Scope.INTERNATIONAL: "международн",
}


def event_genitive(seminar):
    """«межрегионального семинара», «всероссийской конференции»."""
    ending = "ой" if seminar.kind in FEMININE else "ого"
    return f"{SCOPE_GENITIVE[seminar.scope]}{ending} {seminar.kind_genitive}"


def hours_phrase(hours):
    """«в объёме 4 академических часов»: genitive after «в объёме», singular for 1, 21, 31…"""
    if not hours:
        return ""
    words = plural_form(hours, "академического часа,академических часов,академических часов")
    # No line break between the number and its words.
    return f"в объёме {hours}\u00a0{words}"


def inner(title):
    """A title as it stands inside «ёлочки»: its own quotes become „лапки“ (Russian nests
    quotes so), a hyphen between spaces a dash."""
    title = re.sub(r"«([^«»]*)»", r"„\1“", title)
    title = re.sub(r'"([^"]*)"', r"„\1“", title)
    # A quote the document left unclosed: «По следам Незнайки
    title = title.replace("«", "„").replace("»", "“")
    return re.sub(r"\s+[-–—]\s+", " – ", title).strip()


def talks_phrase(titles):
    """«с докладом «…»», «с докладами «…», «…»»."""
    if not titles:
        return ""
    quoted = ", ".join(f"«{inner(title)}»" for title in titles)
    return f"с докладом {quoted}" if len(titles) == 1 else f"с докладами {quoted}"


def fill(text, values):
    """The template's text with its placeholders filled; what an empty value leaves behind
    (double spaces, a space before a comma, a dangling comma) is tidied."""
    result = PLACEHOLDER_RX.sub(lambda match: values.get(match.group(1), ""), text)
    result = re.sub(r"[ \t\r\n]+", " ", result)
    result = re.sub(r" ([,.;:)»])", r"\1", result)
    result = re.sub(r"« ", "«", result)
    return result.strip().rstrip(",;").strip()


@dataclass
class Recipient:
    kind: str
    last_name: str
    first_name: str
    patronymic: str
    person_id: int | None = None
    registration_id: int | None = None
    email: str = ""
    talks: list = field(default_factory=list)


def speakers(seminar):
    """Each speaker of the seminar once, with the titles of their talks in programme order."""
    rows = (
        TalkSpeaker.objects.filter(talk__seminar=seminar)
        .order_by("talk__order", "order", "id")
        .values_list(
            "person_id",
            "person__last_name",
            "person__first_name",
            "person__patronymic",
            "talk__title",
        )
    )
    found = {}
    for person_id, last, first, patronymic, title in rows:
        recipient = found.setdefault(
            person_id, Recipient(Kind.SPEAKER, last, first, patronymic, person_id=person_id)
        )
        recipient.talks.append(title)
    return list(found.values())


def participants(seminar, kind=Kind.PARTICIPANT):
    """Registered participants marked as attended (after the retention period their names are
    gone: nobody left to issue to)."""
    rows = (
        Registration.objects.registered()
        .filter(seminar=seminar, attended=True, purged_at__isnull=True)
        .exclude(last_name="")
        .order_by("last_name", "first_name", "id")
        .values_list("pk", "last_name", "first_name", "patronymic", "email")
        .iterator(chunk_size=500)
    )
    for pk, last, first, patronymic, email in rows:
        yield Recipient(kind, last, first, patronymic, registration_id=pk, email=email)


def due(seminar, kinds):
    """Recipients of `kinds` without a valid certificate of that kind yet."""
    for kind in kinds:
        holders = Certificate.objects.valid().filter(seminar=seminar, kind=kind)
        if kind == Kind.SPEAKER:
            have = set(holders.values_list("person_id", flat=True))
            yield from (r for r in speakers(seminar) if r.person_id not in have)
        else:
            have = set(holders.values_list("registration_id", flat=True))
            yield from (r for r in participants(seminar, kind) if r.registration_id not in have)


class Composer:
    """Fills certificates of one seminar: the template of each kind is read once."""

    def __init__(self, seminar):
        self.seminar = seminar
        self.templates = {}
        organization = Organization.current()
        self.organization = organization
        self.values = {
            "название": inner(seminar.title),
            "мероприятия": event_genitive(seminar),
            # A date is never split between lines: «24 ноября 2021 г.» with no-break spaces.
            "даты": date_range(seminar.start_date, seminar.end_date).replace(" ", "\u00a0"),
            "организатор": str(seminar.organizer),
        }

    def template(self, kind):
        if kind not in self.templates:
            self.templates[kind] = CertificateTemplate.for_seminar(self.seminar, kind)
        return self.templates[kind]

    def issuer(self, template):
        if template.issuer:
            return template.issuer
        if self.organization and self.organization.name:
            return self.organization.name
        return str(self.seminar.organizer)

    def compose(self, recipient, **overrides):
        """An unsaved certificate for `recipient`; `overrides` replace what was composed (a
        re-issue with a corrected name)."""
        template = self.template(recipient.kind)
        values = {
            **self.values,
            "объём": hours_phrase(template.hours),
            "доклады": talks_phrase(recipient.talks),
        }
        certificate = Certificate(
            seminar=self.seminar,
            kind=recipient.kind,
            person_id=recipient.person_id,
            registration_id=recipient.registration_id,
            last_name=recipient.last_name,
            first_name=recipient.first_name,
            patronymic=recipient.patronymic,
            name_dative=dative(recipient.last_name, recipient.first_name, recipient.patronymic),
            heading=template.heading,
            text=fill(template.body, values),
            issuer=self.issuer(template),
            signer_name=template.signer_name,
            signer_position=template.signer_position,
            email=recipient.email,
        )
        for name, value in overrides.items():
            setattr(certificate, name, value)
        return certificate

    def logo(self, kind):
        """The image file of the logo, or None."""
        template = self.template(kind)
        if template.logo:
            return template.logo
        if self.organization and self.organization.logo:
            return self.organization.logo
        return None


def render_pdf(certificate, composer=None):
    composer = composer or Composer(certificate.seminar)
    organization = composer.organization
    department = (
        organization.department
        if organization and organization.department and certificate.issuer == organization.name
        else ""
    )
    return pdf.render(certificate, logo=composer.logo(certificate.kind), department=department)


def issue(composer, recipient, **overrides):
    """Saves and draws one certificate. The row and the file go together: if drawing fails, the
    transaction is rolled back and no certificate without its PDF is left."""
    with transaction.atomic():
        certificate = composer.compose(recipient, **overrides)
        certificate.save()
        pdf.write(certificate, render_pdf(certificate, composer))
    return certificate


def ensure_pdf(certificate):
    """The certificate's PDF file, drawn again from what it says if the file is gone (a restore
    from a backup without CERTIFICATES_ROOT, a moved server)."""
    path = certificate.path
    if not path.is_file():
        pdf.write(certificate, render_pdf(certificate))
    return path


def greeting(certificate):
    """«Здравствуйте, Мария Петровна!», or without the name when only initials are known."""
    first, patronymic = certificate.first_name, certificate.patronymic
    if len(first.rstrip(".")) > 1:
        return f"Здравствуйте, {' '.join(p for p in (first, patronymic) if p)}!"
    return "Здравствуйте!"


def mail_for(certificate):
    """The subject and text of the letter that carries a certificate."""
    seminar = certificate.seminar
    event = f"{event_genitive(seminar)} «{inner(seminar.title)}»"
    dates = date_range(seminar.start_date, seminar.end_date)
    thanks = (
        f"Благодарим вас за выступление в рамках {event} ({dates})."
        if certificate.kind == Kind.SPEAKER
        else f"Благодарим вас за участие в работе {event} ({dates})."
    )
    organization = Organization.current()
    signature = (
        "\n".join(p for p in (organization.name, organization.department) if p)
        if organization
        else str(seminar.organizer)
    )
    body = (
        f"{greeting(certificate)}\n\n{thanks}\n\n"
        f"Ваш сертификат № {certificate.number} — во вложении к этому письму.\n\n"
        f"Проверить подлинность сертификата: {certificate.verification_url}\n"
        f"Скачать его ещё раз: {certificate.download_url}\n\n"
        f"С уважением,\n{signature}\n"
    )
    return f"{certificate.heading}: {seminar.title}", body


def recipient_of(certificate):
    """Who holds `certificate`, as they stand now (a re-issue takes corrected data)."""
    if certificate.person_id:
        found = [r for r in speakers(certificate.seminar) if r.person_id == certificate.person_id]
        if found:
            recipient = found[0]
            recipient.kind = certificate.kind
            return recipient
        person = certificate.person
        return Recipient(
            certificate.kind, person.last_name, person.first_name, person.patronymic, person.pk
        )
    registration = certificate.registration
    return Recipient(
        certificate.kind,
        registration.last_name,
        registration.first_name,
        registration.patronymic,
        registration_id=registration.pk,
        email=registration.email,
    )


def revoke(certificate, reason):
    """Marks the certificate revoked; the reason stays in its history. The verification page
    says so at once (the public page cache starts anew)."""
    certificate.revoked_at = timezone.now()
    certificate.reason = reason
    certificate._change_reason = reason
    certificate.save(update_fields=["revoked_at", "reason"])
    transaction.on_commit(new_generation)


def reissue(certificate, reason, **overrides):
    """Revokes `certificate` and issues a new one, with a new number, to the same holder; the
    old one names its replacement."""
    with transaction.atomic():
        revoke(certificate, reason)
        composer = Composer(certificate.seminar)
        fresh = issue(composer, recipient_of(certificate), **overrides)
        certificate.replaced_by = fresh
        certificate._change_reason = reason
        certificate.save(update_fields=["replaced_by"])
    return fresh
