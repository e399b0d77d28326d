"""Optimistic locking for the admin: two people editing one record do not overwrite each other.

Every archive record carries a version number, raised by each save and kept in its history. The
admin's change form sends the number it was opened with in a hidden field; saving a form whose
record has been saved since is refused with a message that names who saved it, when, and what
they changed (from django-simple-history), and the form comes back with everything the second
person typed, now carrying the current number: they compare, correct and save again. The check
runs inside the admin's transaction with the row locked, so two saves at once cannot both pass.

A row of an inline (a talk in the seminar's form) that someone else has deleted meanwhile is
named in a message of its own instead of Django's bare «Пожалуйста, исправьте ошибки ниже.».
"""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format

CONFLICT = "conflict"


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        "версия",
        default=0,
        help_text="Растёт с каждым сохранением: форма, открытая до чужого сохранения, не затрёт его.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # Counted from what is stored, not from this copy, which may be stale.
            stored = type(self)._default_manager.filter(pk=self.pk).values_list("version")
            self.version = (stored.first() or (0,))[0] + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        stored = self.stored_version()
        if self.version is None:  # a form that sent no number: nothing to compare
            self.version = stored or 0
        elif stored is not None and stored != self.version:
            raise ValidationError(conflict_message(self, self.version), code=CONFLICT)

    def stored_version(self):
        if self.pk is None or self._state.adding:
            return None
        rows = type(self)._default_manager.filter(pk=self.pk)
        if transaction.get_connection().in_atomic_block:
            # Held until the admin's transaction ends: a second save waits, then sees ours.
            rows = rows.select_for_update()
        row = rows.values_list("version").first()
        return row[0] if row else None


def _person(user):
    if user is None:
        return "неизвестный пользователь"
    return user.get_full_name() or user.get_username()


def _value(value):
    if value in (None, ""):
        return "пусто"
    if isinstance(value, bool):
        return "да" if value else "нет"
    return f"«{truncatechars(str(value), 60)}»"


def conflict_message(record, opened):
    """Who saved `record` after version `opened`, when, and what they changed."""
    history = record.history.select_related("history_user").order_by("history_id")
    later = list(history.filter(version__gt=opened))
    base = history.filter(version__lte=opened).last()
    if not later:
        return (
            "Пока вы редактировали, эту запись сохранили в другом месте. Ваши правки не "
            "сохранены и остались в форме: сверьте их с текущими значениями и сохраните ещё раз."
        )
    who = ", ".join(dict.fromkeys(_person(version.history_user) for version in later))
    when = date_format(timezone.localtime(later[-1].history_date), "j E Y г. в H:i")
    changes = []
    if base is not None:
        for change in later[-1].diff_against(base, excluded_fields=["version"]).changes:
            field = record._meta.get_field(change.field)
            if field.many_to_many:
                changes.append(f"«{field.verbose_name}»")
            else:
                changes.append(
                    f"«{field.verbose_name}»: {_value(change.old)} → {_value(change.new)}"
                )
    changed = (
        "Изменено: " + "; ".join(changes) + "."
        if changes
        else "Поля самой записи не менялись — изменены её части (доклады, докладчики, пункты и т. п.)."
    )
    return (
        f"Пока вы редактировали, эту запись сохранил(а) {who} ({when}). {changed} "
        "Ваши правки не сохранены и остались в форме: сверьте их с текущими значениями "
        "и сохраните ещё раз."
    )


def show_current_versions(form):
    """A form refused for a conflict comes back carrying the stored version: saved again, it
    replaces what the other person saved with what this one sees and confirms."""
    if (
        form.is_bound
        and isinstance(form.instance, Versioned)
        and form.has_error(NON_FIELD_ERRORS, code=CONFLICT)
    ):
        stored = form.instance.stored_version()
        data = form.data.copy()
        data[form.add_prefix("version")] = str(stored)
        form.data = data


class StaleRowsFormSetMixin:
    """An inline row whose record someone else deleted meanwhile is named, in Russian.

    Django drops such a row from the page it shows again and says only «Пожалуйста, исправьте
    ошибки ниже.», with nothing marked below.
    """

    def clean(self):
        super().clean()
        name = self.model._meta.pk.name
        gone = []
        for form in self.forms:
            if form.has_error(name, code="invalid_choice"):
                title = form.data.get(form.add_prefix("title")) or ""
                gone.append(f"«{truncatechars(title, 80)}»" if title else "одна из строк")
        if gone:
            raise ValidationError(
                f"{self.model._meta.verbose_name_plural.capitalize()}: {', '.join(gone)} — "
                "удалено другим пользователем, пока вы редактировали, и в форме больше не "
                "показано. Сохранить эту форму нельзя: скопируйте свои правки, откройте запись "
                "заново и внесите их.",
                code="deleted_meanwhile",
            )


class VersionWidgetMixin:
    """For a ModelAdmin or an inline: the version travels in a hidden field, never shown."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "version" and issubclass(db_field.model, Versioned):
            formfield = db_field.formfield(widget=forms.HiddenInput)
            formfield.required = False
            return formfield
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not issubclass(self.model, Versioned):
            return fieldsets
        if "version" in flatten_fieldsets(fieldsets):
            return fieldsets
        *rest, (title, options) = fieldsets
        return [*rest, (title, {**options, "fields": [*options["fields"], "version"]})]
