import datetime
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from libraries.models import Library, Region
from seminars.models import Seminar

# The consent text a registration was given under: a new wording gets a new version, and the
# version each participant agreed to stays with the registration (152-ФЗ, ст. 9).
CONSENT_VERSION = "2026-12-1"


def new_token():
    return secrets.token_urlsafe(24)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Registrations not cancelled: on the list or waiting for a place."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def registered(self):
        return self.filter(status=Registration.Status.REGISTERED)


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", "зарегистрирован"
        WAITLIST = "waitlist", "в листе ожидания"
        CANCELLED = "cancelled", "отменена"

    class Participation(models.TextChoices):
        OFFLINE = "offline", "очно"
        ONLINE = "online", "онлайн"

    seminar = models.ForeignKey(
        Seminar, models.PROTECT, related_name="registrations", verbose_name="семинар"
    )
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100)
    patronymic = models.CharField("отчество", max_length=100, blank=True)
    position = models.CharField("должность", max_length=300)
    library = models.ForeignKey(
        Library,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name="библиотека из архива",
        help_text="Если участник написал библиотеку своими словами, выберите её здесь.",
    )
    library_text = models.CharField("библиотека (как написал участник)", max_length=300, blank=True)
    locality = models.CharField("населённый пункт", max_length=150)
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name="регион",
    )
    municipal_district = models.CharField(
        "муниципальный район",
        max_length=150,
        blank=True,
        help_text="Для отчёта по районам: «Елизовский муниципальный район».",
    )
    email = models.EmailField("электронная почта", blank=True)
    phone = models.CharField("телефон", max_length=30, blank=True)
    participation = models.CharField(
        "участие", max_length=10, choices=Participation, default=Participation.OFFLINE
    )
    status = models.CharField(
        "статус", max_length=10, choices=Status, default=Status.REGISTERED, db_index=True
    )
    attended = models.BooleanField("присутствовал", default=False)
    consent_version = models.CharField("версия текста согласия", max_length=20)
    consent_at = models.DateTimeField("согласие дано")
    # The signed cancel link carries it; replaced when the personal data are removed.
    token = models.CharField(max_length=43, unique=True, default=new_token, editable=False)
    created = models.DateTimeField("зарегистрирован", auto_now_add=True)
    reminded_at = models.DateTimeField("напоминание отправлено", null=True, blank=True)
    thanked_at = models.DateTimeField("благодарность отправлена", null=True, blank=True)
    purged_at = models.DateTimeField("персональные данные удалены", null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "регистрация"
        verbose_name_plural = "регистрации"
        ordering = ["seminar", "created", "id"]
        permissions = [("participants", "Участники")]
        constraints = [
            # One registration per address and seminar, whatever the case of the letters; the
            # database, not the form, decides when submissions of one address race.
            models.UniqueConstraint(
                "seminar",
                Lower("email"),
                condition=~Q(status="cancelled") & ~Q(email=""),
                name="registration_one_per_email",
                violation_error_message="С этого адреса на семинар уже зарегистрировались.",
            ),
        ]
        indexes = [models.Index(fields=["seminar", "status"], name="registration_seminar_status")]

    def __str__(self):
        return self.full_name or f"Регистрация № {self.pk}"

    @property
    def full_name(self):
        """«Фамилия Имя Отчество»."""
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def library_name(self):
        return str(self.library) if self.library_id else self.library_text

    def erase(self):
        """Removes what names the participant; region, library and attendance stay for the
        counts. The caller saves."""
        self.last_name = self.first_name = self.patronymic = ""
        self.position = self.email = self.phone = ""
        self.token = new_token()
        self.purged_at = timezone.now()

    def cancel_url(self):
        signed = signing.Signer(salt="registrations.cancel").sign(self.token)
        return reverse("registrations:cancel", args=[signed])


@dataclass
class RegistrationState:
    """What the seminar page says about registration: open or not, until when, places left."""

    open: bool
    deadline: datetime.datetime
    capacity: int | None
    taken: int

    @property
    def places_left(self):
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def full(self):
        return self.places_left == 0


def deadline(seminar):
    """The seminar's deadline, or the start of its first day in the department's time zone."""
    if seminar.registration_deadline:
        return seminar.registration_deadline
    start = datetime.datetime.combine(seminar.start_date, datetime.time.min)
    return timezone.make_aware(start)


def registration_state(seminar, now=None):
    """None for a seminar that never took registrations (no query is made for it)."""
    if not seminar.registration_open:
        return None
    now = now or timezone.now()
    until = deadline(seminar)
    taken = seminar.registrations.registered().count() if seminar.capacity is not None else 0
    return RegistrationState(
        open=seminar.is_published and now < until,
        deadline=until,
        capacity=seminar.capacity,
        taken=taken,
    )
