from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.text import fold, sort_key, unique_slug
from core.uploads import SafeImageField
from core.versions import Versioned


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People who consented to publication of their personal data (152-ФЗ)."""
        return self.filter(consent=Person.Consent.GIVEN)

    def lookalikes(self, last_name, first_name="", patronymic=""):
        """Same surname (case and ё/е ignored) with initials that do not contradict."""

        def initial(value):
            return fold(value.strip())[:1]

        candidates = self.filter(sort_key__startswith=f"{sort_key(last_name)} ")
        return [
            person
            for person in candidates
            if initial(person.first_name) == initial(first_name)
            and (
                not patronymic
                or not person.patronymic
                or initial(person.patronymic) == initial(patronymic)
            )
        ]


def full_name(last_name, first_name, patronymic):
    """«Абрамкина Елена Ивановна»."""
    return " ".join(part for part in (last_name, first_name, patronymic) if part)


def short_name(last_name, first_name, patronymic):
    """«Абрамкина Е. И.»."""
    initials = " ".join(f"{part[0]}." for part in (first_name, patronymic) if part)
    return f"{last_name} {initials}".strip()


class Person(Versioned):
    class Consent(models.TextChoices):
        UNKNOWN = "unknown", "не получено"
        GIVEN = "given", "получено"
        WITHDRAWN = "withdrawn", "отозвано"

    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField(
        "имя", max_length=100, help_text="Полностью; если известны только инициалы — «И.»."
    )
    patronymic = models.CharField("отчество", max_length=100, blank=True)
    slug = models.SlugField(
        "адрес страницы",
        max_length=100,
        unique=True,
        blank=True,
        help_text="Латиницей. Оставьте пустым — заполнится транслитерацией имени.",
    )
    photo = SafeImageField(
        "фотография",
        upload_to="people/photos/",
        blank=True,
        help_text="JPEG, PNG или WebP, до 5 МБ. Сведения о месте и времени съёмки будут удалены.",
    )
    bio = models.TextField("о себе", blank=True)
    consent = models.CharField(
        "согласие на публикацию",
        max_length=10,
        choices=Consent,
        default=Consent.UNKNOWN,
        help_text=(
            "Согласие на распространение персональных данных (152-ФЗ, ст. 10.1). "
            "Без него на сайте видны только фамилия и инициалы."
        ),
    )
    consent_date = models.DateField("дата согласия", null=True, blank=True)
    consent_note = models.CharField(
        "документ о согласии",
        max_length=200,
        blank=True,
        help_text="Где хранится согласие: номер, папка, письмо.",
    )
    sort_key = models.CharField(max_length=300, editable=False, db_index=True)
    # Kept current by PostgreSQL triggers (migration seminars.0004_search_triggers); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PersonQuerySet.as_manager()

    # The search column is filled by database triggers: not part of a version.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = "человек"
        verbose_name_plural = "люди"
        ordering = ["sort_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(consent="given") | Q(consent_date__isnull=False),
                name="person_consent_given_has_date",
                violation_error_message="Укажите дату, когда получено согласие.",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.sort_key = sort_key(self.full_name)
        if not self.slug:
            self.slug = unique_slug(self, self.full_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("people:person_detail", args=[self.slug])

    @property
    def full_name(self):
        return full_name(self.last_name, self.first_name, self.patronymic)

    @property
    def short_name(self):
        return short_name(self.last_name, self.first_name, self.patronymic)

    @property
    def is_public(self):
        return self.consent == self.Consent.GIVEN
