"""What every admin of the archive shares: audit history, changelists that never count a
million rows, a search that folds case and ё, and refusing actions a user may not run."""

import nested_admin
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections, models
from django.utils.functional import cached_property
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin
from solo.admin import SingletonModelAdmin

from core.models import Organization
from core.text import fold
from core.uploads import forget_missing_files
from core.versions import Versioned, VersionWidgetMixin, show_current_versions


class EstimatedCountPaginator(Paginator):
    """A paginator that never counts more rows than it can afford.

    Unfiltered lists on PostgreSQL take the planner's estimate (`pg_class.reltuples`, kept fresh by
    autovacuum) once the table is large; filtered lists count at most `count_limit` rows, so the
    first `count_limit / per_page` pages stay reachable and a narrower filter reaches the rest.
    """

    estimate_above = 50_000
    count_limit = 100_000

    @cached_property
    def count(self):
        if not self.object_list.query.has_filters():
            estimate = self.estimate()
            if estimate is not None and estimate > self.estimate_above:
                return estimate
        # Only the keys: neither ordering nor annotations are needed to count.
        return self.object_list.order_by().values("pk")[: self.count_limit].count()

    def estimate(self):
        connection = connections[self.object_list.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [self.object_list.model._meta.db_table],
            )
            row = cursor.fetchone()
        # -1 means never analysed: no estimate yet.
        return row[0] if row and row[0] >= 0 else None


class PreloadedLabelsMixin:
    """An autocomplete widget that takes the labels of its selected objects from `preloaded`.

    Django's autocomplete widget looks its selected objects up with a query of its own: a
    seminar with 20 talks ran one query per person, library, department and topic on its change
    form. `ArchiveAdminMixin.render_change_form` reads them for the whole page at once.
    """

    preloaded = None  # {str(value): label}, or None: look the labels up as Django does

    def optgroups(self, name, value, attr=None):
        if self.preloaded is None:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in dict.fromkeys(map(str, value)):
            if key in self.preloaded:
                label = self.preloaded[key]
                options.append(self.create_option(name, key, label, True, len(options)))
        return [(None, options, 0)]


class AutocompleteSelect(PreloadedLabelsMixin, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(PreloadedLabelsMixin, widgets.AutocompleteSelectMultiple):
    pass


class RelatedWidgetsMixin:
    """For a ModelAdmin or an inline: the widgets above, and no «×» beside a protected object."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        # The selected object is referenced by the row being edited, and PROTECT refuses to
        # delete what is referenced: the «×» link could only ever end in a refusal.
        protected = db_field.is_relation and db_field.remote_field.on_delete is models.PROTECT
        if protected and isinstance(widget, widgets.RelatedFieldWidgetWrapper):
            widget.can_delete_related = False
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def forms_of(formset):
    """A formset's forms and those of the formsets nested in them (django-nested-admin)."""
    for form in formset.forms:
        yield form
        for nested in getattr(form, "nested_formsets", ()):
            yield from forms_of(nested)


def preload_labels(forms, admin_site):
    """Fills the labels of every autocomplete widget of `forms`: one query per model field."""
    groups = {}
    for form in forms:
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the wrapper
            if isinstance(widget, PreloadedLabelsMixin):
                values = widget.format_value(form[name].value())
                group = groups.setdefault((form._meta.model, name), (field, [], set()))
                group[1].append(widget)
                group[2].update(value for value in values if value not in field.empty_values)
    for field, group_widgets, values in groups.values():
        model = field.queryset.model
        related = getattr(admin_site.get_model_admin(model), "list_select_related", ())
        objects = field.queryset.filter(pk__in=[v for v in values if str(v).isdigit()])
        if isinstance(related, (list, tuple)) and related:
            objects = objects.select_related(*related)
        labels = {str(obj.pk): field.label_from_instance(obj) for obj in objects}
        for widget in group_widgets:
            widget.preloaded = labels


class DropdownFilter(admin.RelatedFieldListFilter):
    """A filter over many related objects (the 89 regions) as one dropdown, not 89 links."""

    template = "admin/dropdown_filter.html"


class RussianTitlesMixin:
    """Headings in the case Russian needs: «Добавить библиотеку», «Выберите человека для
    изменения». Django puts the nominative verbose name into every one of them; `accusative`
    is the name as the object of a verb. Messages after saving are phrased so that the
    nominative is right (locale/ru/LC_MESSAGES/django.po: «Добавлено: библиотека «…».»)."""

    accusative = None

    def accusative_name(self):
        return self.accusative or self.model._meta.verbose_name

    def changelist_view(self, request, extra_context=None):
        name = self.accusative_name()
        verb = "изменения" if self.has_change_permission(request) else "просмотра"
        context = {"title": f"Выберите {name} для {verb}", "add_label": f"Добавить {name}"}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        name = self.accusative_name()
        if object_id is None:
            title = f"Добавить {name}"
        elif self.has_change_permission(request):
            title = f"Изменить {name}"
        else:
            title = f"Просмотреть {name}"
        return super().changeform_view(
            request, object_id, form_url, {"title": title, **(extra_context or {})}
        )


class ArchiveAdminMixin(VersionWidgetMixin, RussianTitlesMixin, RelatedWidgetsMixin):
    object_history_list_template = "admin/history_list.html"
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Facet counts would count every filter choice over the whole table.
    show_facets = admin.ShowFacets.NEVER

    def get_search_results(self, request, queryset, search_term):
        # Search fields point at the stored, folded `sort_key` columns: «ОРЕЛ», «орёл» and «Орёл»
        # find «Орёл» on both databases.
        return super().get_search_results(request, queryset, fold(search_term))

    def render_change_form(self, request, context, *args, **kwargs):
        forms = [context["adminform"].form] if "adminform" in context else []
        for inline in context.get("inline_admin_formsets", ()):
            forms += forms_of(inline.formset)
        preload_labels(forms, self.admin_site)
        for form in forms:
            show_current_versions(form)
        return super().render_change_form(request, context, *args, **kwargs)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As simple-history does, but without the version number, which every save raises.
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=["version"],
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def get_form(self, request, obj=None, change=False, **kwargs):
        match = request.resolver_match
        if isinstance(obj, Versioned) and match and match.url_name.endswith("_simple_history"):
            # A version from the history carries its old number; it is restored over the
            # record as it is stored now (core/versions.py).
            obj.version = obj.stored_version() or obj.version
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        # A version restored from the history may name a file removed since (core.uploads).
        for label in forget_missing_files(obj, keep=form.changed_data):
            self.message_user(
                request,
                f"Файла в поле «{label}» больше нет (удалён вместе с прежней версией): "
                "поле очищено.",
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        # Django answers an action the user may not run with "no action selected" and a redirect;
        # a forged POST deserves a plain 403, like every other admin URL.
        name = request.POST.get("action") if request.method == "POST" else None
        if name and name not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


class ArchiveAdmin(ArchiveAdminMixin, SimpleHistoryAdmin):
    pass


class ArchiveNestedAdmin(ArchiveAdminMixin, SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    pass


# Background tasks are the worker's bookkeeping, in English: staff follow their work where they
# started it (docs/deployment.md tells administrators how to inspect the queue).
admin.site.unregister(DBTaskResult)


@admin.register(Organization)
class OrganizationAdmin(RussianTitlesMixin, SingletonModelAdmin):
    accusative = "сведения об организации"

    def changelist_view(self, request, extra_context=None):
        # The «list» of a singleton is its change form: that form's heading, not a list's.
        return SingletonModelAdmin.changelist_view(self, request, extra_context)

    fieldsets = [
        (None, {"fields": ["name", "short_name", "department", "logo"]}),
        ("Контакты", {"fields": ["address", "phone", "email", "website"]}),
        ("Страница «О проекте»", {"fields": ["about"]}),
    ]


class PermissionRequiredMixin:
    """Shows the model only to users with `required_permission`, whatever else a group was
    given: for records of personal data."""

    required_permission = None

    def permitted(self, request):
        return request.user.is_active and request.user.has_perm(self.required_permission)

    def has_module_permission(self, request):
        return self.permitted(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.permitted(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.permitted(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.permitted(request) and super().has_delete_permission(request, obj)


# Login attempts name colleagues and their addresses: only administrators (those who manage user
# accounts) see them.
LOGIN_ADMINS = {
    AccessAttempt: (AccessAttemptAdmin, "запись о неудачных попытках входа"),
    AccessLog: (AccessLogAdmin, "запись журнала входов"),
    AccessFailureLog: (AccessFailureLogAdmin, "запись о неудачном входе"),
}
for model, (base, name) in LOGIN_ADMINS.items():
    admin.site.unregister(model)
    admin.site.register(
        model,
        type(
            base.__name__,
            (PermissionRequiredMixin, RussianTitlesMixin, base),
            {"accusative": name, "required_permission": "auth.change_user", "__module__": __name__},
        ),
    )


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(RussianTitlesMixin, auth_admin.UserAdmin):
    accusative = "пользователя"


@admin.register(Group)
class GroupAdmin(RussianTitlesMixin, auth_admin.GroupAdmin):
    accusative = "группу"
