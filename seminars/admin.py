from functools import partial

import nested_admin
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import transaction
from django.db.models import Prefetch, TextField
from django.urls import path, reverse
from django.utils.html import format_html
from nested_admin.formsets import NestedInlineFormSet

from core.admin import ArchiveAdmin, ArchiveNestedAdmin, DropdownFilter, RelatedWidgetsMixin
from core.lists import count_of
from core.versions import StaleRowsFormSetMixin, VersionWidgetMixin

from . import recovery
from .importer.views import import_resolution
from .models import Resolution, ResolutionItem, Seminar, SeminarLink, Talk, TalkSpeaker, Topic

# registrations/ defines it; named here as a string, so seminars imports nothing of that app.
PARTICIPANTS = "registrations.participants"


class YearFilter(admin.SimpleListFilter):
    title = "год"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Seminar.objects.dates("start_date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and len(value) == 4:
            return queryset.filter(start_date__year=int(value))
        return queryset


PUBLISHED_WORK = "seminars.delete_published_seminar"


def was_published(seminar):
    """Published now or once: unpublishing first must not open the way to deleting it."""
    return seminar.is_published or seminar.published_at is not None


class PublishedSeminarGuard:
    """Deleting a seminar that was ever published, or a part of one, needs
    `delete_published_seminar`."""

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        seminar = _seminar_of(obj)
        return (
            seminar is None or not was_published(seminar) or request.user.has_perm(PUBLISHED_WORK)
        )


class PublishedSeminarAdminGuard(PublishedSeminarGuard):
    def get_deleted_objects(self, objs, request):
        # The bulk "delete selected" action asks here, not has_delete_permission(obj).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not request.user.has_perm(PUBLISHED_WORK) and any(
            was_published(_seminar_of(obj)) for obj in objs
        ):
            perms_needed.add("опубликованные семинары")
        return deleted, counts, perms_needed, protected


class RecoverPartsMixin:
    """Restoring a deleted seminar, talk or resolution from its history brings back the parts
    deleted with it (seminars/recovery.py), all or nothing."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        model = self.model
        deleted = request.method == "POST" and not model.objects.filter(pk=object_id).exists()
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            restored = model.objects.filter(pk=object_id).first() if deleted else None
            if restored is not None:
                parts = recovery.recover(restored, version_id)
                self.message_user(request, recovery.describe(restored, parts), messages.SUCCESS)
        return response


def _seminar_of(obj):
    # Inlines are asked about the parent object: a seminar, talk or resolution, saved or not
    # (a talk being added with a new seminar has none yet).
    if obj is None or isinstance(obj, Seminar):
        return obj
    return obj.seminar if obj.seminar_id else None


class InlineFormSet(StaleRowsFormSetMixin, NestedInlineFormSet):
    def save(self, commit=True):
        # The speakers of a talk deleted in this same save went with it; nested_admin would
        # save them anew under the deleted talk (it moves rows between parents that way).
        parent = self.instance
        if parent.pk is not None and not type(parent).objects.filter(pk=parent.pk).exists():
            self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
            return []
        return super().save(commit)


class PrefetchedInlineFormSet(InlineFormSet):
    """A nested formset that shows its parent's prefetched rows (`TalkInline.get_queryset`):
    one query for the speakers of every talk instead of one per talk."""

    def get_queryset(self):
        if self.is_bound or self.instance.pk is None:
            return super().get_queryset()
        return getattr(self.instance, self.fk.remote_field.get_accessor_name()).all()


class TalkSpeakerInline(
    RelatedWidgetsMixin, PublishedSeminarGuard, nested_admin.NestedTabularInline
):
    model = TalkSpeaker
    fields = ["order", "person", "position", "library", "department"]
    autocomplete_fields = ["person", "library", "department"]
    formset = PrefetchedInlineFormSet
    extra = 0
    min_num = 1


class NextNumberFormSet(InlineFormSet):
    """«№ в программе» left empty takes the next free number (the admin's script fills it in as
    a row is added; this keeps a form saved without the script from failing on it)."""

    def clean(self):
        super().clean()
        forms = [
            form
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not self._should_delete_form(form)
        ]
        taken = [form.cleaned_data.get("order") for form in forms]
        following = max([number for number in taken if number] + [0]) + 1
        for form in forms:
            if form.has_changed() and not form.cleaned_data.get("order"):
                form.cleaned_data["order"] = form.instance.order = following
                following += 1


class TalkInline(
    VersionWidgetMixin, RelatedWidgetsMixin, PublishedSeminarGuard, nested_admin.NestedStackedInline
):
    model = Talk
    formset = NextNumberFormSet
    fields = [
        "order",
        "title",
        "abstract",
        ("recording_url", "recording_start"),
        "materials",
        "topics",
    ]
    autocomplete_fields = ["topics"]
    # Twenty talks with Django's ten-row boxes made the programme a wall of empty space.
    formfield_overrides = {TextField: {"widget": AdminTextareaWidget(attrs={"rows": 4})}}
    inlines = [TalkSpeakerInline]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "order":
            formfield.required = False
            formfield.help_text = "Пусто — следующий по порядку."
        return formfield

    def get_queryset(self, request):
        # Each talk's seminar (asked by the speakers' delete permission), topics and speakers
        # with what their labels name, for the whole programme at once.
        speakers = TalkSpeaker.objects.select_related(
            "person", "library__parent__parent", "department__library"
        )
        return (
            super()
            .get_queryset(request)
            .select_related("seminar")
            .prefetch_related("topics", Prefetch("speakers", speakers))
        )


class ResolutionItemInline(PublishedSeminarGuard, nested_admin.NestedTabularInline):
    model = ResolutionItem
    formset = InlineFormSet
    fields = ["order", "section", "text"]
    extra = 0


class ResolutionInline(VersionWidgetMixin, PublishedSeminarGuard, nested_admin.NestedStackedInline):
    model = Resolution
    formset = InlineFormSet
    fields = ["preamble", "closing"]
    inlines = [ResolutionItemInline]
    extra = 0
    max_num = 1


class SeminarLinkInline(PublishedSeminarGuard, nested_admin.NestedTabularInline):
    model = SeminarLink
    formset = InlineFormSet
    fields = ["order", "kind", "title", "url"]
    extra = 0


@admin.register(Seminar)
class SeminarAdmin(RecoverPartsMixin, PublishedSeminarAdminGuard, ArchiveNestedAdmin):
    accusative = "семинар"
    list_display = [
        "title",
        "start_date",
        "kind",
        "format",
        "organizer",
        "talk_count",
        "is_published",
    ]
    list_filter = [
        "is_published",
        YearFilter,
        "kind",
        "format",
        "scope",
        "organizer__region__federal_district",
        ("organizer__region", DropdownFilter),
    ]
    list_select_related = ["organizer__parent"]
    search_fields = ["title", "organizer__sort_key", "organizer__short_name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["organizer", "organizer_department", "regions", "localities"]
    inlines = [TalkInline, ResolutionInline, SeminarLinkInline]
    fieldsets = [
        (None, {"fields": ["title", ("kind", "scope", "format"), ("start_date", "end_date")]}),
        ("Организатор", {"fields": ["organizer", "organizer_department"]}),
        ("Цель и описание", {"fields": ["goal", "description"]}),
        ("Участники", {"fields": ["regions", "localities", "participants_count"]}),
        ("Публикация", {"fields": ["slug", "is_published"]}),
        (
            "Регистрация участников",
            {
                "classes": ["collapse"],
                "fields": [
                    ("registration_open", "registration_deadline", "capacity"),
                    "online_room_url",
                    "confirmation_text",
                    "reminder_text",
                    "thanks_text",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(talk_count=count_of(Talk, "seminar"))

    def get_readonly_fields(self, request, obj=None):
        # Asked of the stored row: a form with errors carries the unsaved «опубликован» in obj.
        stored = obj and Seminar.objects.filter(pk=obj.pk).values("is_published", "published_at")
        stored = stored and stored.first()
        readonly = ["registrations_link"]
        if not stored or request.user.has_perm(PUBLISHED_WORK):
            # An administrator's change of a published address leaves a redirect from the old.
            return readonly
        # Unpublishing is the first half of deleting; a published address is cited in letters.
        if stored["published_at"]:
            readonly.append("slug")
        return [*readonly, "is_published"] if stored["is_published"] else readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # The list of participants, for those allowed to see them (the permission «Участники»).
        if obj is not None and obj.registration_open and request.user.has_perm(PARTICIPANTS):
            name, options = fieldsets[-1]
            fieldsets = [
                *fieldsets[:-1],
                (name, {**options, "fields": [*options["fields"], "registrations_link"]}),
            ]
        return fieldsets

    @admin.display(description="участники")
    def registrations_link(self, seminar):
        url = reverse("admin:registrations_registration_changelist")
        return format_html(
            '<a href="{}?seminar__id__exact={}">Регистрации на этот семинар</a>', url, seminar.pk
        )

    # Not sortable: sorting by it would count the talks of every seminar in the archive.
    @admin.display(description="докладов")
    def talk_count(self, seminar):
        return seminar.talk_count

    def has_import_permission(self, request):
        # Import adds seminars, talks, people and libraries in one go: its own permission.
        return self.has_add_permission(request) and request.user.has_perm("seminars.import_seminar")

    def get_urls(self):
        view = self.admin_site.admin_view(partial(import_resolution, model_admin=self))
        return [path("import/", view, name="seminars_seminar_import"), *super().get_urls()]


@admin.register(Talk)
class TalkAdmin(RecoverPartsMixin, PublishedSeminarAdminGuard, ArchiveNestedAdmin):
    accusative = "доклад"
    list_display = ["title", "seminar", "order"]
    list_select_related = ["seminar"]
    list_filter = ["seminar__kind", "seminar__format"]
    # Meta.ordering sorts by the seminar's date through a join over every talk; this uses an index.
    ordering = ["-seminar_id", "order"]
    search_fields = ["title", "speakers__person__sort_key", "seminar__title"]
    autocomplete_fields = ["seminar", "topics"]
    inlines = [TalkSpeakerInline]


@admin.register(Resolution)
class ResolutionAdmin(RecoverPartsMixin, PublishedSeminarAdminGuard, ArchiveNestedAdmin):
    accusative = "резолюцию"
    list_display = ["seminar"]
    list_select_related = ["seminar"]
    search_fields = ["seminar__title", "preamble", "items__text"]
    autocomplete_fields = ["seminar"]
    inlines = [ResolutionItemInline]


@admin.register(Topic)
class TopicAdmin(ArchiveAdmin):
    accusative = "тему"
    list_display = ["name"]
    search_fields = ["sort_key"]
    readonly_fields = ["slug"]
