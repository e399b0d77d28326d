import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.uploads import SafeImageField
from people.models import Person, full_name, short_name
from seminars.models import Seminar


class Kind(models.TextChoices):
    PARTICIPANT = "participant", "участник"
    SPEAKER = "speaker", "докладчик"
    COURSE = "course", "слушатель курсов"


# «Сертификат участника»: the heading's second line, by kind.
KIND_GENITIVE = {
    Kind.PARTICIPANT: "участника",
    Kind.SPEAKER: "докладчика",
    Kind.COURSE: "слушателя курсов",
}

DEFAULT_TEXTS = {
    Kind.PARTICIPANT: "за участие в работе {мероприятия} «{название}», {даты} {объём}",
    Kind.SPEAKER: "за выступление {доклады} в рамках {мероприятия} «{название}», {даты}",
    Kind.COURSE: "за обучение по программе курсов «{название}», {даты} {объём}",
}

PLACEHOLDERS = {
    "название": "название семинара",
    "мероприятия": "вид и уровень в родительном падеже: «межрегионального семинара»",
    "даты": "«24 ноября 2021 г.»",
    "организатор": "организатор семинара",
    "объём": "«в объёме 4 академических часов», если часы указаны",
    "доклады": "для докладчиков: «с докладом «…»» или «с докладами «…», «…»»",
}
PLACEHOLDER_RX = re.compile(r"\{([^{}]*)\}")


def placeholders_help():
    return "Подстановки: " + "; ".join(f"{{{key}}} — {text}" for key, text in PLACEHOLDERS.items())


def validate_text(text):
    unknown = [name for name in PLACEHOLDER_RX.findall(text) if name not in PLACEHOLDERS]
    if unknown:
        raise ValidationError(
            "Неизвестная подстановка {%(name)s}. Можно: %(known)s.",
            params={"name": unknown[0], "known": ", ".join(f"{{{k}}}" for k in PLACEHOLDERS)},
        )
    if text.count("{") != text.count("}"):
        raise ValidationError("Фигурные скобки не закрыты: подстановка пишется как {название}.")


class CertificateTemplate(models.Model):
    """How a seminar's certificates of one kind read. A seminar without one gets the defaults,
    with the signer of its organiser's latest template."""

    seminar = models.ForeignKey(
        Seminar, models.CASCADE, related_name="certificate_templates", verbose_name="семинар"
    )
    kind = models.CharField("вид сертификата", max_length=20, choices=Kind)
    title = models.CharField(
        "заголовок",
        max_length=100,
        blank=True,
        help_text="Пусто — «Сертификат участника», «Сертификат докладчика»…",
    )
    text = models.TextField(
        "текст",
        blank=True,
        validators=[validate_text],
        help_text="Пусто — текст по умолчанию для этого вида. " + placeholders_help() + ".",
    )
    hours = models.PositiveSmallIntegerField(
        "академических часов",
        null=True,
        blank=True,
        help_text="Если указано — «в объёме 4 академических часов».",
    )
    issuer = models.CharField(
        "кто выдаёт",
        max_length=300,
        blank=True,
        help_text="Пусто — организация из раздела «Организация», иначе организатор семинара.",
    )
    signer_name = models.CharField(
        "подписывает: имя",
        max_length=150,
        blank=True,
        help_text="«Е. И. Абрамкина». Пусто — строка для подписи от руки.",
    )
    signer_position = models.CharField(
        "подписывает: должность", max_length=200, blank=True, help_text="«Директор»."
    )
    logo = SafeImageField(
        "логотип",
        upload_to="certificates/logos/",
        blank=True,
        help_text="Пусто — логотип организации. JPEG, PNG или WebP, до 5 МБ.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "шаблон сертификата"
        verbose_name_plural = "шаблоны сертификатов"
        ordering = ["-seminar__start_date", "seminar", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["seminar", "kind"], name="certificatetemplate_unique")
        ]

    def __str__(self):
        return f"{self.heading}: {self.seminar}"

    @property
    def heading(self):
        return self.title or f"Сертификат {KIND_GENITIVE[self.kind]}"

    @property
    def body(self):
        return self.text or DEFAULT_TEXTS[self.kind]

    @classmethod
    def for_seminar(cls, seminar, kind):
        """The seminar's template of this kind, or an unsaved one with the defaults and the
        signer and hours of the organiser's latest template."""
        saved = cls.objects.filter(seminar=seminar, kind=kind).first()
        if saved:
            return saved
        template = cls(seminar=seminar, kind=kind)
        latest = (
            cls.objects.filter(seminar__organizer_id=seminar.organizer_id)
            .exclude(signer_name="", signer_position="")
            .order_by("-seminar__start_date", "-id")
            .first()
        )
        if latest:
            template.signer_name = latest.signer_name
            template.signer_position = latest.signer_position
            template.issuer = latest.issuer
            template.logo = latest.logo
        return template


DOWNLOAD_SALT = "certificates.download"


def download_key(number):
    """The key in the holder's link to their PDF: only the mail with it opens the file."""
    return signing.Signer(salt=DOWNLOAD_SALT).signature(number)


def new_number():
    """12 random digits, «4827-9350-1623»: not sequential, so one number tells nothing of the
    others, and easy to read out on the phone."""
    digits = f"{secrets.randbelow(9 * 10**11) + 10**11}"
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)

    def on_public_page(self):
        """A speaker's valid certificates of published seminars, with their seminars, newest
        first: for the speaker's page (`person.certificates.on_public_page` in its template)."""
        return (
            self.valid()
            .filter(seminar__is_published=True)
            .select_related("seminar")
            .order_by("-seminar__start_date", "kind", "id")
        )

    def with_holder(self):
        """Valid certificates whose holder's name is still kept: those that can be printed."""
        return self.valid().exclude(last_name="")

    def printable(self, seminar, kinds):
        """A seminar's certificates of `kinds` that can be printed, in the order of a ZIP."""
        return (
            self.with_holder()
            .filter(seminar=seminar, kind__in=kinds)
            .select_related("seminar")
            .order_by("kind", "last_name", "first_name", "id")
        )


class Certificate(models.Model):
    """An issued certificate. What it says is kept as printed, so the PDF can be drawn again
    the same at any time, whatever is edited in the seminar or the person later."""

    number = models.CharField("номер", max_length=20, unique=True, editable=False)
    seminar = models.ForeignKey(
        Seminar, models.PROTECT, related_name="certificates", verbose_name="семинар"
    )
    kind = models.CharField("вид", max_length=20, choices=Kind)
    person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="докладчик",
    )
    # A participant's certificate is part of their registration's personal data (152-ФЗ): it goes
    # when the registration is deleted.
    registration = models.ForeignKey(
        "registrations.Registration",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="участник",
    )
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100)
    patronymic = models.CharField("отчество", max_length=100, blank=True)
    name_dative = models.CharField(
        "кому (дательный падеж)", max_length=300, help_text="«Ивановой Марии Петровне»."
    )
    heading = models.CharField("заголовок", max_length=100)
    text = models.TextField("текст")
    issuer = models.CharField("кто выдаёт", max_length=300)
    signer_name = models.CharField("подписывает: имя", max_length=150, blank=True)
    signer_position = models.CharField("подписывает: должность", max_length=200, blank=True)
    email = models.EmailField(
        "электронная почта",
        blank=True,
        help_text="Куда отправить сертификат. Для участников — из регистрации.",
    )
    issued_at = models.DateTimeField("выдан", auto_now_add=True)
    emailed_at = models.DateTimeField("отправлен по почте", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("отозван", null=True, blank=True, editable=False)
    reason = models.CharField(
        "причина отзыва", max_length=300, blank=True, help_text="Сохраняется в истории."
    )
    replaced_by = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name="выдан взамен",
        editable=False,
    )

    objects = CertificateQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "сертификат"
        verbose_name_plural = "сертификаты"
        ordering = ["-issued_at", "last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(registration__isnull=True),
                name="certificate_one_holder",
            ),
            # One valid certificate of a kind per person and seminar; re-issuing revokes first.
            models.UniqueConstraint(
                fields=["seminar", "kind", "person"],
                condition=Q(revoked_at__isnull=True, person__isnull=False),
                name="certificate_unique_person",
            ),
            models.UniqueConstraint(
                fields=["seminar", "kind", "registration"],
                condition=Q(revoked_at__isnull=True, registration__isnull=False),
                name="certificate_unique_registration",
            ),
        ]
        indexes = [models.Index(fields=["seminar", "kind"], name="certificate_seminar_kind")]

    def __str__(self):
        return f"№ {self.number}"

    def save(self, *args, **kwargs):
        if not self.number:
            self.number = new_number()
            while Certificate.objects.filter(number=self.number).exists():
                self.number = new_number()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("certificates:verify", args=[self.number])

    @property
    def is_valid(self):
        return self.revoked_at is None

    @property
    def is_forgotten(self):
        """The holder's personal data were removed (certificates/signals.py)."""
        return not self.last_name

    @property
    def full_name(self):
        return full_name(self.last_name, self.first_name, self.patronymic)

    @property
    def path(self):
        """Where the PDF is kept (CERTIFICATES_ROOT: private, never served by the web server)."""
        return Path(settings.CERTIFICATES_ROOT) / str(self.seminar_id) / f"{self.number}.pdf"

    @property
    def download_url(self):
        """The holder's link to their PDF, for mail (registrations' letters use it too)."""
        path = reverse("certificates:download", args=[self.number])
        return f"{settings.SITE_URL}{path}?key={download_key(self.number)}"

    @property
    def verification_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def filename(self):
        """The name a downloaded file gets: «Сертификат 4827-9350-1623 Иванова М. П.pdf»."""
        name = short_name(self.last_name, self.first_name, self.patronymic)
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", name).strip()
        # «Иванова М. П.» ends with a dot already.
        return f"Сертификат {self.number} {name}" + ("pdf" if name.endswith(".") else ".pdf")


class Job(models.Model):
    """Work on a seminar's certificates in the background, with its progress for the admin."""

    class Action(models.TextChoices):
        ISSUE = "issue", "выдача"
        ZIP = "zip", "архив ZIP"
        MAIL = "mail", "рассылка"

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "выполняется"
        DONE = "done", "готово"
        FAILED = "failed", "ошибка"

    seminar = models.ForeignKey(
        Seminar, models.CASCADE, related_name="certificate_jobs", verbose_name="семинар"
    )
    action = models.CharField("что", max_length=10, choices=Action)
    kinds = models.CharField(
        "виды сертификатов", max_length=100, help_text="Через запятую: participant,speaker."
    )
    status = models.CharField("состояние", max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField("всего", default=0)
    done = models.PositiveIntegerField("сделано", default=0)
    skipped = models.PositiveIntegerField("пропущено", default=0)
    message = models.TextField("итог", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificate_jobs",
        verbose_name="кто запустил",
    )
    created_at = models.DateTimeField("запущено", auto_now_add=True)
    # Written with every progress report: a job silent for long lost its worker.
    updated_at = models.DateTimeField("последний отчёт", auto_now=True)
    finished_at = models.DateTimeField("закончено", null=True, blank=True)

    class Meta:
        verbose_name = "задание по сертификатам"
        verbose_name_plural = "задания по сертификатам"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display().capitalize()}: {self.seminar}"

    @property
    def kind_list(self):
        return [kind for kind in self.kinds.split(",") if kind]

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self):
        return (
            round(100 * self.done / self.total)
            if self.total
            else (100 if not self.is_active else 0)
        )

    @property
    def zip_path(self):
        return Path(settings.CERTIFICATES_ROOT) / "zip" / f"{self.pk}.zip"
