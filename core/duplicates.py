"""Duplicate people and libraries: a warning before one is created, and merging in the admin.

Every reference to a duplicate is moved to the record that is kept, then the duplicate is deleted,
all in one transaction. Where moving a row would break a unique constraint (both people spoke in the
same talk, both libraries have a «отдел «Детство»»), the two rows are merged in turn.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join


class LookalikeWarningForm(forms.ModelForm):
    """Refuses to save a record that looks like an existing one until the editor confirms."""

    confirm_lookalike = forms.BooleanField(
        label="Да, это другая запись",
        required=False,
        help_text="Отметьте, если похожая запись — действительно не та же самая.",
    )
    lookalike_fields = ()

    def find_lookalikes(self, data):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors or data.get("confirm_lookalike"):
            return data
        if self.instance.pk and not set(self.changed_data) & set(self.lookalike_fields):
            return data
        others = [other for other in self.find_lookalikes(data) if other.pk != self.instance.pk]
        if others:
            opts = self._meta.model._meta
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[o.pk]), o)
                    for o in others
                ),
            )
            raise ValidationError(
                format_html(
                    "Похожая запись уже есть: {}. Выберите её вместо новой или, если это другая "
                    "запись, отметьте «Да, это другая запись» внизу формы и сохраните ещё раз.",
                    links,
                )
            )
        return data


class DuplicatesAdminMixin:
    """Merge action, and the lookalike confirmation checkbox once a form has been submitted."""

    actions = ["merge_selected"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if request.method == "POST":
            fieldsets.append(("Проверка на дубли", {"fields": ["confirm_lookalike"]}))
        return fieldsets

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="Объединить выбранные записи", permissions=["merge"])
    def merge_selected(self, request, queryset):
        return merge_view(self, request, queryset)


def _unique_field_sets(model):
    sets = [
        constraint.fields
        for constraint in model._meta.total_unique_constraints
        if constraint.fields
    ]
    sets += [tuple(group) for group in model._meta.unique_together]
    sets += [
        (field.name,)
        for field in model._meta.local_fields
        if field.unique and not field.primary_key
    ]
    return sets


def _twin(model, row, field_name, keep):
    """The row that `row` would collide with once its `field_name` points at `keep`."""
    for fields in _unique_field_sets(model):
        if field_name not in fields:
            continue
        lookup = {name: getattr(row, model._meta.get_field(name).attname) for name in fields}
        lookup[field_name] = keep
        twin = model._base_manager.filter(**lookup).exclude(pk=row.pk).first()
        if twin is not None:
            return twin
    return None


def _move_references(model, field_name, duplicate, keep):
    for row in model._base_manager.filter(**{field_name: duplicate}):
        twin = _twin(model, row, field_name, keep)
        if twin is None:
            model._base_manager.filter(pk=row.pk).update(**{field_name: keep})
        else:
            merge(twin, [row])


def merge(keep, duplicates):
    with transaction.atomic():
        for duplicate in duplicates:
            if duplicate.pk == keep.pk:
                continue
            for relation in duplicate._meta.related_objects:
                if relation.many_to_many:
                    through = relation.through
                    target_field = relation.field.m2m_reverse_field_name()
                    _move_references(through, target_field, duplicate, keep)
                else:
                    _move_references(relation.related_model, relation.field.name, duplicate, keep)
            duplicate.delete()


def merge_view(modeladmin, request, queryset):
    """The merge action: asks which record to keep, then merges the others into it."""
    records = list(queryset)
    opts = modeladmin.model._meta
    if len(records) < 2:
        modeladmin.message_user(
            request, "Для объединения выберите не меньше двух записей.", messages.WARNING
        )
        return None
    keep_pk = request.POST.get("keep")
    keep = next((record for record in records if str(record.pk) == keep_pk), None)
    if request.POST.get("confirm") and keep is not None:
        duplicates = [record for record in records if record.pk != keep.pk]
        try:
            if validate := getattr(modeladmin, "validate_merge", None):
                validate(keep, duplicates)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        modeladmin.log_deletions(request, queryset.exclude(pk=keep.pk))
        merge(keep, duplicates)
        modeladmin.log_change(request, keep, f"Объединено с: {', '.join(map(str, duplicates))}")
        modeladmin.message_user(
            request,
            f"Записи объединены в «{keep}». Все ссылки перенесены, дубликатов удалено: "
            f"{len(duplicates)}.",
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/merge_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": f"Объединение: {opts.verbose_name_plural}",
            "opts": opts,
            "records": records,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
