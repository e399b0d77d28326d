from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.text import sort_key, unique_slug
from core.uploads import SafeImageField
from core.versions import Versioned


class FederalDistrict(models.TextChoices):
    CENTRAL = "central", "Центральный"
    NORTHWESTERN = "northwestern", "Северо-Западный"
    SOUTHERN = "southern", "Южный"
    NORTH_CAUCASIAN = "north-caucasian", "Северо-Кавказский"
    VOLGA = "volga", "Приволжский"
    URAL = "ural", "Уральский"
    SIBERIAN = "siberian", "Сибирский"
    FAR_EASTERN = "far-eastern", "Дальневосточный"


class Named(Versioned):
    """A record whose `sort_key` follows its `name` and whose blank `slug` is made from it."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.sort_key = sort_key(self.name)
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class RegionQuerySet(models.QuerySet):
    def with_talk_counts(self):
        """Regions with published talks, each with `talk_count`: its talks counted once.

        Filtered before the join is counted, not in the count: an outer join read every talk row.
        """
        return self.filter(libraries__speaker_roles__talk__seminar_published=True).annotate(
            talk_count=Count("libraries__speaker_roles__talk", distinct=True)
        )


class Region(Named):
    class Kind(models.TextChoices):
        REPUBLIC = "republic", "республика"
        KRAI = "krai", "край"
        OBLAST = "oblast", "область"
        FEDERAL_CITY = "federal_city", "город федерального значения"
        AUTONOMOUS_OBLAST = "autonomous_oblast", "автономная область"
        AUTONOMOUS_OKRUG = "autonomous_okrug", "автономный округ"

    name = models.CharField("название", max_length=100, unique=True)
    slug = models.SlugField("адрес страницы", max_length=100, unique=True)
    kind = models.CharField("вид субъекта", max_length=20, choices=Kind)
    federal_district = models.CharField(
        "федеральный округ", max_length=20, choices=FederalDistrict, db_index=True
    )
    code = models.CharField(
        "код субъекта", max_length=2, unique=True, help_text="Двузначный код региона: 41, 65, 77…"
    )
    sort_key = models.CharField(max_length=100, editable=False, db_index=True)

    history = HistoricalRecords()

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"
        ordering = ["sort_key"]

    def get_absolute_url(self):
        return reverse("libraries:region_detail", args=[self.slug])


class Locality(Named):
    class Kind(models.TextChoices):
        CITY = "city", "город"
        URBAN_SETTLEMENT = "urban_settlement", "посёлок городского типа"
        SETTLEMENT = "settlement", "посёлок"
        VILLAGE = "village", "село"
        MUNICIPAL_DISTRICT = "municipal_district", "муниципальный район"
        MUNICIPAL_OKRUG = "municipal_okrug", "муниципальный округ"
        URBAN_OKRUG = "urban_okrug", "городской округ"

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="localities", verbose_name="регион"
    )
    name = models.CharField(
        "название",
        max_length=150,
        help_text="В именительном падеже: «Петропавловск-Камчатский», «Соболевский муниципальный район».",
    )
    kind = models.CharField("вид", max_length=20, choices=Kind, default=Kind.CITY)
    slug = models.SlugField("адрес страницы", max_length=160, unique=True)
    sort_key = models.CharField(max_length=150, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "населённый пункт или район"
        verbose_name_plural = "населённые пункты и районы"
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="locality_unique_name_in_region"
            ),
        ]


class LibraryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def lookalikes(self, name):
        """Same name, ignoring case, ё/е, quotes and extra spaces."""
        return self.filter(sort_key=sort_key(name))


def library_name(legal_form, name, *parents):
    """«МБУК «Центральная библиотека»», then its parents' names, so that a branch reads as a
    whole: `parents` are the legal form and name of its parent, of the parent's parent…, None
    where there is none."""
    own = f"{legal_form} «{name}»" if legal_form else name
    if len(parents) >= 2 and parents[1] is not None:
        return f"{own} {library_name(*parents)}"
    return own


class Library(Versioned):
    name = models.CharField(
        "официальное название",
        max_length=300,
        help_text=(
            "Без организационно-правовой формы и внешних кавычек: "
            "«Камчатская краевая детская библиотека им. В. Кручины»."
        ),
    )
    legal_form = models.CharField(
        "организационно-правовая форма",
        max_length=20,
        blank=True,
        help_text="Сокращение, как в документах: КГБУ, ГБУК, МБУК, БУК, МКУК, ГБУ.",
    )
    short_name = models.CharField(
        "краткое название", max_length=150, blank=True, help_text="Например: «ЦБС г. Чита»."
    )
    slug = models.SlugField(
        "адрес страницы",
        max_length=100,
        unique=True,
        blank=True,
        help_text="Латиницей. Оставьте пустым — заполнится транслитерацией названия.",
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name="входит в",
        help_text="Для филиала или библиотеки в составе ЦБС — сама ЦБС.",
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="libraries",
        verbose_name="регион",
        help_text="Для филиала можно не указывать — возьмётся из головной организации.",
    )
    locality = models.ForeignKey(
        Locality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="libraries",
        verbose_name="населённый пункт или район",
    )
    street_address = models.CharField(
        "адрес",
        max_length=300,
        blank=True,
        help_text="Улица и дом, без индекса и населённого пункта: «ул. Ленинская, 12».",
    )
    postal_code = models.CharField(
        "почтовый индекс",
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", "Почтовый индекс — шесть цифр.")],
        help_text="Шесть цифр: 683000.",
    )
    website = models.URLField("сайт", blank=True)
    logo = SafeImageField(
        "логотип",
        upload_to="libraries/logos/",
        blank=True,
        help_text="JPEG, PNG или WebP, до 5 МБ. Картинка будет пересохранена без метаданных.",
    )
    is_published = models.BooleanField("опубликована", default=True)
    sort_key = models.CharField(max_length=300, editable=False, db_index=True)
    # Kept current by PostgreSQL triggers (migration seminars.0004_search_triggers); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = LibraryQuerySet.as_manager()

    # The search column is filled by database triggers: not part of a version.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = "библиотека"
        verbose_name_plural = "библиотеки"
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="library_unique_name_in_parent"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="library_not_own_parent"),
        ]
        indexes = [
            # A region's library keys (the region filter, the region page) from the index alone.
            models.Index(fields=["region", "id"], name="library_region_keys"),
            # The region page's first libraries by name, without sorting all of them.
            models.Index(
                fields=["region", "sort_key", "id"],
                condition=Q(parent=None, is_published=True),
                name="library_region_by_name",
            ),
        ]

    def __str__(self):
        own = library_name(self.legal_form, self.name)
        return f"{own} {self.parent}" if self.parent_id else own

    def save(self, *args, **kwargs):
        self.sort_key = sort_key(self.name)
        if self.parent_id and not self.region_id:
            self.region_id = self.parent.region_id
        if self.parent_id and not self.locality_id:
            self.locality_id = self.parent.locality_id
        if not self.slug:
            self.slug = unique_slug(self, self.short_name or self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("libraries:library_detail", args=[self.slug])

    def clean(self):
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "Библиотека не может входить сама в себя."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Department(Versioned):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "отдел"
        SECTOR = "sector", "сектор"
        INFO_CENTER = "info_center", "информационно-библиотечный центр"
        CENTER = "center", "центр"
        OTHER = "other", "другое"

    library = models.ForeignKey(
        Library, models.CASCADE, related_name="departments", verbose_name="библиотека"
    )
    name = models.CharField(
        "название",
        max_length=200,
        help_text="Как в документе: «отдел «Детство»», «ИБЦ «Доступный город»».",
    )
    kind = models.CharField("вид", max_length=20, choices=Kind, default=Kind.DEPARTMENT)
    sort_key = models.CharField(max_length=200, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "отдел"
        verbose_name_plural = "отделы и подразделения"
        ordering = ["library", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["library", "name"], name="department_unique_name_in_library"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.library}"

    def save(self, *args, **kwargs):
        self.sort_key = sort_key(self.name)
        super().save(*args, **kwargs)
