from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.text import unique_slug
from core.uploads import SafeDocumentField
from core.versions import Versioned
from libraries.models import Department, Library, Locality, Named, Region
from people.models import Person


class Topic(Named):
    name = models.CharField("название", max_length=150, unique=True)
    slug = models.SlugField("адрес страницы", max_length=160, unique=True, blank=True)
    sort_key = models.CharField(max_length=150, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "тема"
        verbose_name_plural = "темы"
        ordering = ["sort_key", "id"]


def library_vectors(relation):
    """The search vectors of a library and its parents, which no page shows."""
    return [f"{relation}{'__parent' * level}__search_vector" for level in range(3)]


class SeminarQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_cards(self):
        """As `includes/seminar_cards.html` shows them: with their organiser's full name."""
        return self.select_related("organizer__parent__parent").defer(
            "search_vector", "goal", "description", *library_vectors("organizer")
        )

    def in_region(self, region):
        """Seminars organised in `region` or with `region` taking part: subqueries, not joins,
        so no seminar comes twice."""
        return self.filter(
            Q(organizer__in=Library.objects.filter(region=region).values("pk"))
            | Q(pk__in=Seminar.regions.through.objects.filter(region=region).values("seminar"))
        )

    def not_over(self, today):
        """Published seminars not over by `today`: the index `seminar_published_last_day`."""
        return (
            self.published()
            .alias(last_day=Coalesce("end_date", "start_date"))
            .filter(last_day__gte=today)
        )


class Seminar(Versioned):
    class Kind(models.TextChoices):
        SEMINAR = "seminar", "семинар"
        WEBINAR = "webinar", "вебинар"
        CONFERENCE = "conference", "конференция"
        ROUND_TABLE = "round_table", "круглый стол"
        MASTER_CLASS = "master_class", "мастер-класс"
        SCHOOL = "school", "школа"
        FORUM = "forum", "форум"
        OTHER = "other", "другое"

    class Scope(models.TextChoices):
        MUNICIPAL = "municipal", "муниципальный"
        REGIONAL = "regional", "региональный"
        INTERREGIONAL = "interregional", "межрегиональный"
        FEDERAL = "federal", "всероссийский"
        INTERNATIONAL = "international", "международный"

    class Format(models.TextChoices):
        OFFLINE = "offline", "очный"
        CORRESPONDENCE = "correspondence", "заочный"
        BLENDED = "blended", "очно-заочный"
        ONLINE = "online", "онлайн"

    title = models.CharField("название", max_length=500, help_text="Без кавычек, как в документе.")
    slug = models.SlugField(
        "адрес страницы",
        max_length=100,
        unique=True,
        blank=True,
        help_text=(
            "Латиницей. Оставьте пустым — заполнится транслитерацией названия. "
            "После публикации его меняет только администратор: старый адрес будет "
            "перенаправлять на новый."
        ),
    )
    kind = models.CharField("вид", max_length=20, choices=Kind, default=Kind.SEMINAR)
    scope = models.CharField("уровень", max_length=20, choices=Scope, default=Scope.REGIONAL)
    format = models.CharField("формат", max_length=20, choices=Format, default=Format.OFFLINE)
    start_date = models.DateField("дата начала", db_index=True)
    end_date = models.DateField(
        "дата окончания", null=True, blank=True, help_text="Только если больше одного дня."
    )
    organizer = models.ForeignKey(
        Library,
        models.PROTECT,
        related_name="organized_seminars",
        verbose_name="организатор",
    )
    organizer_department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organized_seminars",
        verbose_name="отдел организатора",
    )
    goal = models.TextField(
        "цель", blank=True, help_text="С маленькой буквы, как после «целью которого являлось»…"
    )
    description = models.TextField("описание", blank=True)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="participated_seminars",
        verbose_name="регионы-участники",
    )
    localities = models.ManyToManyField(
        Locality,
        blank=True,
        related_name="participated_seminars",
        verbose_name="населённые пункты и районы — участники",
    )
    participants_count = models.PositiveIntegerField(
        "число участников",
        null=True,
        blank=True,
        help_text="Для семинаров без онлайн-регистрации; с регистрацией считается по участникам.",
    )
    registration_open = models.BooleanField(
        "регистрация открыта",
        default=False,
        help_text="Форма регистрации на странице семинара (до срока и пока есть места).",
    )
    registration_deadline = models.DateTimeField(
        "регистрация до", null=True, blank=True, help_text="Пусто — до начала семинара."
    )
    capacity = models.PositiveIntegerField(
        "число мест",
        null=True,
        blank=True,
        help_text="Пусто — без ограничения. Сверх него участники попадают в лист ожидания.",
    )
    online_room_url = models.URLField(
        "ссылка на онлайн-комнату",
        max_length=500,
        blank=True,
        help_text="Уходит только в письмах зарегистрированным участникам, на сайте не видна.",
    )
    confirmation_text = models.TextField(
        "текст письма-подтверждения",
        blank=True,
        help_text="Добавляется к письму о регистрации: как добраться, что взять с собой.",
    )
    reminder_text = models.TextField(
        "текст напоминания", blank=True, help_text="Добавляется к напоминанию накануне."
    )
    thanks_text = models.TextField(
        "текст благодарности",
        blank=True,
        help_text="Добавляется к письму после семинара: ссылки на материалы, анкета.",
    )
    is_published = models.BooleanField("опубликован", default=False, db_index=True)
    # First publication, for feeds of new seminars: set once, kept if unpublished and republished.
    published_at = models.DateTimeField("впервые опубликован", null=True, editable=False)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)
    # Kept current by PostgreSQL triggers (migration seminars.0004_search_triggers); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SeminarQuerySet.as_manager()

    # The columns filled by database triggers are not part of a version.
    history = HistoricalRecords(excluded_fields=["search_vector"], m2m_fields=[regions, localities])

    class Meta:
        verbose_name = "семинар"
        verbose_name_plural = "семинары"
        ordering = ["-start_date", "-id"]
        permissions = [
            ("delete_published_seminar", "Может удалять опубликованные семинары и их части"),
            ("import_seminar", "Может импортировать семинары из документов"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="seminar_end_not_before_start",
                violation_error_message="Дата окончания не может быть раньше даты начала.",
            ),
        ]
        indexes = [
            # Lists are newest first: with the key in the index too, a talk list walks seminars
            # and their talks in order and sorts only within a seminar. The organiser rides
            # along so that a region's newest seminars are found in the index alone
            # (`in_region`): a region with few seminars walks every key.
            models.Index(
                fields=["-start_date", "-id"],
                include=["organizer"],
                condition=Q(is_published=True),
                name="seminar_published_newest",
            ),
            # The feeds: the latest published first, without sorting every seminar.
            models.Index(
                Coalesce("published_at", "created_at").desc(),
                F("id").desc(),
                condition=Q(is_published=True),
                name="seminar_published_latest",
            ),
            # The calendars: seminars not over yet (`Seminar.objects.not_over()`).
            models.Index(
                Coalesce("end_date", "start_date"),
                condition=Q(is_published=True),
                name="seminar_published_last_day",
            ),
            models.Index(fields=["kind"], name="seminar_kind"),
            models.Index(fields=["format"], name="seminar_format"),
            models.Index(fields=["scope"], name="seminar_scope"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        stored = None
        if self.pk is not None and self.published_at is not None:
            stored = Seminar.objects.filter(pk=self.pk, published_at__isnull=False)
            stored = stored.values_list("start_date__year", "slug").first()
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)
        if stored and stored != (self.start_date.year, self.slug):
            # An address once published is cited in letters and reports: it keeps answering.
            FormerAddress.objects.filter(year=self.start_date.year, slug=self.slug).delete()
            FormerAddress.objects.update_or_create(
                year=stored[0], slug=stored[1], defaults={"seminar": self}
            )

    def get_absolute_url(self):
        return reverse("seminars:seminar_detail", args=[self.start_date.year, self.slug])

    @property
    def kind_genitive(self):
        """«по итогам проведения семинара / конференции / круглого стола»."""
        return KIND_GENITIVE.get(self.kind, "мероприятия")

    def clean(self):
        super().clean()
        if (
            self.organizer_department_id
            and self.organizer_id
            and self.organizer_department.library_id != self.organizer_id
        ):
            raise ValidationError(
                {"organizer_department": "Этот отдел относится к другой библиотеке."}
            )


KIND_GENITIVE = {
    Seminar.Kind.SEMINAR: "семинара",
    Seminar.Kind.WEBINAR: "вебинара",
    Seminar.Kind.CONFERENCE: "конференции",
    Seminar.Kind.ROUND_TABLE: "круглого стола",
    Seminar.Kind.MASTER_CLASS: "мастер-класса",
    Seminar.Kind.SCHOOL: "школы",
    Seminar.Kind.FORUM: "форума",
}


class FormerAddress(models.Model):
    """An address a published seminar had before its year or slug changed: it redirects."""

    seminar = models.ForeignKey(
        Seminar, models.CASCADE, related_name="former_addresses", verbose_name="семинар"
    )
    year = models.PositiveSmallIntegerField("год")
    slug = models.SlugField("адрес страницы", max_length=100)

    class Meta:
        verbose_name = "прежний адрес семинара"
        verbose_name_plural = "прежние адреса семинаров"
        # Kept by Seminar.save, never edited by hand.
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["year", "slug"], name="formeraddress_unique_address")
        ]

    def __str__(self):
        return f"{self.year}/{self.slug}"


class SeminarLink(models.Model):
    class Kind(models.TextChoices):
        RECORDING = "recording", "запись"
        # Where one joins while it runs: search engines read it as the event's online place.
        BROADCAST = "broadcast", "онлайн-трансляция"
        CHANNEL = "channel", "канал с записями"
        MATERIALS = "materials", "материалы"
        OTHER = "other", "другое"

    seminar = models.ForeignKey(
        Seminar, models.CASCADE, related_name="links", verbose_name="семинар"
    )
    kind = models.CharField("вид", max_length=20, choices=Kind, default=Kind.RECORDING)
    title = models.CharField("подпись", max_length=300)
    url = models.URLField("адрес", max_length=500)
    order = models.PositiveSmallIntegerField("порядок", default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ссылка"
        verbose_name_plural = "ссылки на записи и материалы"
        ordering = ["seminar", "order", "id"]

    def __str__(self):
        return self.title


class TalkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(seminar_published=True)

    def newest_first(self):
        """By the talk's copy of its seminar's date: one index (talk_published_newest) walks it."""
        return self.order_by("-seminar_date", "-seminar_id", "order")

    def with_speakers(self):
        """Each talk's speakers with everything a programme line shows, in one query (a
        library's name carries its parents': a branch of a branch is two levels up)."""
        roles = TalkSpeaker.objects.select_related(
            "person", "library__parent__parent", "library__region"
        ).defer("person__search_vector", *library_vectors("library"))
        return self.prefetch_related(Prefetch("speakers", queryset=roles))

    def in_regions(self, regions):
        """Talks whose speaker represented a library of `regions` (records or a queryset)."""
        return self.filter(
            pk__in=TalkSpeaker.objects.filter(library__region__in=regions).values("talk")
        )


class Talk(Versioned):
    seminar = models.ForeignKey(
        Seminar, models.CASCADE, related_name="talks", verbose_name="семинар"
    )
    order = models.PositiveSmallIntegerField("№ в программе")
    title = models.CharField(
        "тема доклада",
        max_length=500,
        help_text="Без внешних кавычек; внутренние кавычки — как в документе.",
    )
    abstract = models.TextField("аннотация", blank=True)
    recording_url = models.URLField("запись выступления", max_length=500, blank=True)
    recording_start = models.DurationField(
        "начало в записи",
        null=True,
        blank=True,
        help_text="Если выступление — часть длинной записи: «01:02:30».",
    )
    materials = SafeDocumentField(
        "материалы",
        upload_to="talks/materials/",
        blank=True,
        help_text="Презентация или текст: PDF, DOCX, PPTX, XLSX, ODT, ODP, DOC, PPT, до 50 МБ.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="talks", verbose_name="темы")
    # Kept current by PostgreSQL triggers (migration seminars.0004_search_triggers); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The seminar's date and publication, copied by database triggers whenever the talk or its
    # seminar is written (migration seminars.0013_talk_seminar_copies), so that lists in date
    # order walk one index of the talks instead of their seminars one by one with a sort inside
    # each. Only queries read them; an instance in memory may hold stale values.
    seminar_date = models.DateField(null=True, editable=False)
    seminar_published = models.BooleanField(default=False, editable=False)

    objects = TalkQuerySet.as_manager()

    # Columns filled by database triggers are not part of a version.
    history = HistoricalRecords(
        excluded_fields=["search_vector", "seminar_date", "seminar_published"],
        m2m_fields=[topics],
    )

    class Meta:
        verbose_name = "доклад"
        verbose_name_plural = "доклады"
        ordering = ["seminar", "order"]
        constraints = [
            models.UniqueConstraint(fields=["seminar", "order"], name="talk_unique_order"),
            models.CheckConstraint(condition=Q(order__gte=1), name="talk_order_positive"),
        ]
        indexes = [
            # The talk list sorted by title («?sort=title») walks it instead of sorting every talk.
            models.Index(fields=["title", "seminar", "order"], name="talk_title_order"),
            # Newest first (TalkFilter.SORTS): deep pages read only this index.
            models.Index(
                fields=["-seminar_date", "-seminar", "order"],
                include=["id"],
                condition=Q(seminar_published=True),
                name="talk_published_newest",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.seminar.get_absolute_url()}#talk-{self.order}"


class TalkSpeaker(models.Model):
    """A person speaking in a talk, with the position and workplace they held *then*."""

    talk = models.ForeignKey(
        Talk,
        models.CASCADE,
        related_name="speakers",
        verbose_name="доклад",
        # Served by talkspeaker_talk_library below, which also holds the library.
        db_index=False,
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="speaker_roles", verbose_name="докладчик"
    )
    order = models.PositiveSmallIntegerField("порядок", default=1)
    position = models.CharField(
        "должность",
        max_length=300,
        blank=True,
        help_text=(
            "Как в документе, вместе с отделом: «ведущий методист отдела формирования "
            "и организации фондов»."
        ),
    )
    library = models.ForeignKey(
        Library,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="speaker_roles",
        verbose_name="библиотека",
        # Served by talkspeaker_library_talk below, which also holds the talk.
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="speaker_roles",
        verbose_name="отдел",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "докладчик"
        verbose_name_plural = "докладчики"
        ordering = ["talk", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["talk", "person"], name="talkspeaker_unique_person"),
            models.UniqueConstraint(fields=["talk", "order"], name="talkspeaker_unique_order"),
        ]
        indexes = [
            # The region and library filters ask "talks whose speaker worked in these libraries":
            # with the talk in the index PostgreSQL answers from the index alone.
            models.Index(fields=["library"], include=["talk"], name="talkspeaker_library_talk"),
            # The other way round for lists newest first: "did this talk's speaker work in one of
            # these libraries?" is answered from the index alone for each talk walked.
            models.Index(fields=["talk"], include=["library"], name="talkspeaker_talk_library"),
        ]

    def __str__(self):
        return str(self.person)

    def clean(self):
        if self.department_id and self.department.library_id != self.library_id:
            raise ValidationError({"department": "Этот отдел относится к другой библиотеке."})


class Resolution(Versioned):
    seminar = models.OneToOneField(
        Seminar, models.CASCADE, related_name="resolution", verbose_name="семинар"
    )
    preamble = models.TextField(
        "вступление", blank=True, help_text="Текст перед списком задач и выводов."
    )
    closing = models.TextField("заключение", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "резолюция"
        verbose_name_plural = "резолюции"
        ordering = ["seminar"]

    def __str__(self):
        return f"Резолюция: {self.seminar}"


class ResolutionItem(models.Model):
    class Section(models.TextChoices):
        TASKS = "tasks", "Задачи"
        CONCLUSIONS = "conclusions", "Выводы"
        RECOMMENDATIONS = "recommendations", "Рекомендации"
        DECISIONS = "decisions", "Решения"
        PROPOSALS = "proposals", "Предложения"

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="items", verbose_name="резолюция"
    )
    section = models.CharField("раздел", max_length=20, choices=Section)
    order = models.PositiveSmallIntegerField("порядок")
    text = models.TextField("текст")
    # Kept current by PostgreSQL triggers (migration seminars.0004_search_triggers); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    # The search column is filled by database triggers: not part of a version.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = "пункт резолюции"
        verbose_name_plural = "пункты резолюции"
        ordering = ["resolution", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "order"], name="resolutionitem_unique_order"
            ),
        ]

    def __str__(self):
        return self.text[:80]


def published_speakers():
    """People with at least one talk in a published seminar."""
    return Person.objects.filter(
        Exists(TalkSpeaker.objects.filter(person=OuterRef("pk"), talk__seminar_published=True))
    )
