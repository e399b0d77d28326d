from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.urls import path

from core.admin import DropdownFilter, PermissionRequiredMixin, RussianTitlesMixin
from core.cache import new_generation
from seminars.models import Seminar

from . import attendance, exports
from .models import Registration

PARTICIPANTS = "registrations.participants"


class RelatedOnlyDropdownFilter(admin.RelatedOnlyFieldListFilter):
    """Only the seminars (or libraries) that registrations name, as one dropdown."""

    template = DropdownFilter.template
    related = ()  # what each choice's label reads of other rows

    def field_choices(self, field, request, model_admin):
        # Django's, with `related` joined: a branch's name carries its parents'.
        named = model_admin.get_queryset(request).values(f"{self.field_path}__pk")
        choices = field.related_model._default_manager.filter(pk__in=named)
        if self.related:
            choices = choices.select_related(*self.related)
        if ordering := self.field_admin_ordering(field, request, model_admin):
            choices = choices.order_by(*ordering)
        return [(choice.pk, str(choice)) for choice in choices]


class LibraryDropdownFilter(RelatedOnlyDropdownFilter):
    related = ("parent__parent",)


class AttendanceForm(forms.Form):
    seminar = forms.ModelChoiceField(
        label="Семинар",
        queryset=Seminar.objects.filter(registration_open=True).order_by("-start_date"),
        error_messages={"required": "Выберите семинар."},
    )
    report = forms.FileField(
        label="Отчёт платформы вебинаров",
        help_text="CSV или XLSX со столбцами «e-mail» и/или «ФИО» («Фамилия», «Имя»), "
        "заголовки в первой строке.",
        error_messages={"required": "Выберите файл отчёта."},
    )


# No audit history for registrations: a kept version would outlive the removal of the
# personal data (purge_participants, a cancelled registration).
@admin.register(Registration)
class RegistrationAdmin(PermissionRequiredMixin, RussianTitlesMixin, admin.ModelAdmin):
    accusative = "регистрацию"
    list_display = [
        "full_name",
        "seminar",
        "status",
        "attended",
        "participation",
        "region",
        "library_name",
        "created",
    ]
    list_filter = [
        ("seminar", RelatedOnlyDropdownFilter),
        "status",
        "attended",
        "participation",
        "region__federal_district",
        ("region", DropdownFilter),
        ("library", LibraryDropdownFilter),
    ]
    list_select_related = ["seminar", "region", "library__parent__parent"]
    search_fields = ["last_name", "first_name", "email", "library_text", "locality", "position"]
    autocomplete_fields = ["library", "region"]
    readonly_fields = ["seminar", "consent_version", "consent_at", "created", "purged_at"]
    fieldsets = [
        (None, {"fields": ["seminar", "status", "attended", "participation"]}),
        ("Участник", {"fields": [("last_name", "first_name", "patronymic"), "position"]}),
        (
            "Место работы",
            {"fields": ["library_text", "library", "locality", "municipal_district", "region"]},
        ),
        ("Контакты", {"fields": ["email", "phone"]}),
        (
            "Согласие и письма",
            {"fields": ["consent_version", "consent_at", "created", "reminded_at", "thanked_at"]},
        ),
    ]
    actions = ["mark_attended", "mark_absent", "export_csv", "export_xlsx"]
    date_hierarchy = "created"

    # Personal data of participants: only with the permission «Участники».
    required_permission = PARTICIPANTS

    def has_add_permission(self, request):
        # Participants register themselves, agreeing to the processing of their data.
        return False

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip())

    @admin.display(description="ФИО", ordering="last_name")
    def full_name(self, registration):
        return registration.full_name or "— данные удалены —"

    @admin.display(description="библиотека")
    def library_name(self, registration):
        return registration.library_name

    @admin.action(description="Отметить присутствие", permissions=["change"])
    def mark_attended(self, request, queryset):
        count = queryset.update(attended=True)
        transaction.on_commit(new_generation)
        self.message_user(request, f"Отмечено присутствие: {count}.", messages.SUCCESS)

    @admin.action(description="Снять отметку о присутствии", permissions=["change"])
    def mark_absent(self, request, queryset):
        count = queryset.update(attended=False)
        transaction.on_commit(new_generation)
        self.message_user(request, f"Отметка о присутствии снята: {count}.", messages.SUCCESS)

    @admin.action(description="Выгрузить в CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return exports.export(queryset, "csv")

    @admin.action(description="Выгрузить в XLSX", permissions=["view"])
    def export_xlsx(self, request, queryset):
        return exports.export(queryset, "xlsx")

    def get_urls(self):
        view = self.admin_site.admin_view(partial(import_attendance, model_admin=self))
        return [
            path("attendance/", view, name="registrations_registration_attendance"),
            *super().get_urls(),
        ]


def import_attendance(request, model_admin):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    form = AttendanceForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        seminar = form.cleaned_data["seminar"]
        try:
            rows = attendance.read_rows(form.cleaned_data["report"])
            with transaction.atomic():
                marked, unmatched = attendance.match(seminar, rows)
                transaction.on_commit(new_generation)
        except attendance.ReportError as error:
            form.add_error("report", str(error))
        else:
            result = {"seminar": seminar, "marked": marked, "unmatched": unmatched}
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Импорт присутствия из отчёта платформы",
        "opts": model_admin.model._meta,
        "form": form,
        "result": result,
    }
    return render(request, "admin/registrations/registration/attendance.html", context)
