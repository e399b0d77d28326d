"""Admin widgets that keep a change form with many inlines fast and small.

Django's autocomplete widget renders only the selected options, but it looks each one up with a
query of its own: a seminar with 20 talks and their speakers ran one query per person, library,
department and topic on its change form. Here the change form first collects the selected values
of every autocomplete widget on the page — in inlines and in inlines nested in them — and reads
their labels with one query per model field; each widget then takes its labels from that map.

The links next to a related field (add, change, delete, view) are most of such a page: they are
written here without the indentation of Django's template, and with titles whose quotes do not end
the attribute (the Russian translation puts "…" inside title="…").
"""

import copy

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class PreloadedLabelsMixin:
    # {str(value): (position, label)} of the selected objects of every form of the page,
    # in the order of the field's queryset; None: look the labels up as Django does.
    preloaded = None

    def optgroups(self, name, value, attr=None):
        selected_choices = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        # An empty form has nothing to look up; Django would still build the query.
        preloaded = {} if not selected_choices else self.preloaded
        if preloaded is None:
            return super().optgroups(name, value, attr)
        # As AutocompleteMixin.optgroups, with the objects taken from `preloaded`.
        default = (None, [], 0)
        groups = [default]
        has_selected = False
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        found = sorted(
            (preloaded[key][0], key, preloaded[key][1])
            for key in selected_choices
            if key in preloaded
        )
        for _, option_value, option_label in found:
            selected = option_value in value and (
                has_selected is False or self.allow_multiple_selected
            )
            has_selected |= selected
            default[1].append(
                self.create_option(
                    name, option_value, option_label, selected_choices, len(default[1])
                )
            )
        return groups


class FastSelectMixin:
    """Renders the <select> of an autocomplete widget as Django's templates do, without them.

    A change form with 20 talks has over 170 of them; rendered through the templates (select,
    options, attributes) they were the largest part of its time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = [
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',
                option["value"],
                _attributes(option["attrs"]),
                option["label"],
            )
            for _, group, _ in widget["optgroups"]
            for option in group
        ]
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            mark_safe("".join(options)),
        )


def _attributes(attrs):
    """As django/forms/widgets/attrs.html."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class AutocompleteSelect(FastSelectMixin, PreloadedLabelsMixin, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(
    FastSelectMixin, PreloadedLabelsMixin, widgets.AutocompleteSelectMultiple
):
    pass


class RelatedFieldWidgetWrapper(widgets.RelatedFieldWidgetWrapper):
    """Django's wrapper, rendered without its template: the same elements, classes and ids,
    without the template's indentation and with the titles kept inside their attribute."""

    # As in Django's template, attribute for attribute: (permission, CSS class and id prefix,
    # the link's attributes from the context, icon, title).
    LINKS = [
        (
            "can_change_related",
            "change",
            ' data-href-template="{change_related_template_url}?{url_params}" data-popup="yes"',
            "admin/img/icon-changelink.svg",
            "Изменить выбранный объект типа «{model}»",
        ),
        (
            "can_add_related",
            "add",
            ' data-popup="yes" href="{add_related_url}?{url_params}"',
            "admin/img/icon-addlink.svg",
            "Добавить ещё один объект типа «{model}»",
        ),
        (
            "can_delete_related",
            "delete",
            ' data-href-template="{delete_related_template_url}?{url_params}" data-popup="yes"',
            "admin/img/icon-deletelink.svg",
            "Удалить выбранный объект типа «{model}»",
        ),
        (
            "can_view_related",
            "view",
            ' data-href-template="{change_related_template_url}?{view_related_url_params}"',
            "admin/img/icon-viewlink.svg",
            "Просмотреть выбранный объект типа «{model}»",
        ),
    ]

    @classmethod
    def from_wrapper(cls, wrapper):
        compact = copy.copy(wrapper)
        compact.__class__ = cls
        return compact

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        links = []
        for allowed, action, link_attrs, icon, title in self.LINKS:
            if context["is_hidden"] or not context[allowed]:
                continue
            links.append(
                format_html(
                    '<a class="related-widget-wrapper-link {}-related" id="{}_id_{}"{} title="{}">'
                    '<img src="{}" alt="" width="24" height="24"></a>',
                    action,
                    action,
                    name,
                    format_html(link_attrs, **context),
                    format_html(title, **context),
                    static(icon),
                )
            )
        model_ref = (
            ""
            if context["model_has_limit_choices_to"]
            else format_html(' data-model-ref="{}"', context["model_name"])
        )
        return format_html(
            '<div class="related-widget-wrapper"{}>\n{}\n{}\n</div>',
            model_ref,
            context["rendered_widget"],
            mark_safe("".join(links)),
        )


class AdminWidgetsMixin:
    """For a ModelAdmin or an inline: the widgets above for its related fields."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is widgets.RelatedFieldWidgetWrapper:
            formfield.widget = RelatedFieldWidgetWrapper.from_wrapper(formfield.widget)
            # The selected object is referenced by the row being edited, and PROTECT refuses to
            # delete what is referenced: the «×» link could only ever end in a refusal.
            if db_field.remote_field.on_delete is models.PROTECT:
                formfield.widget.can_delete_related = False
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PreloadedLabelsAdminMixin(AdminWidgetsMixin):
    """For a ModelAdmin: fills the labels of every autocomplete widget of its change form."""

    def render_change_form(self, request, context, *args, **kwargs):
        preload_labels(forms_of_page(context), self.admin_site)
        return super().render_change_form(request, context, *args, **kwargs)


def forms_of_page(context):
    """The change form's own form and the forms of its inlines, nested ones included."""
    if "adminform" in context:
        yield context["adminform"].form
    for inline_admin_formset in context.get("inline_admin_formsets", ()):
        yield from _forms_of(inline_admin_formset.formset)


def _forms_of(formset):
    for form in formset.forms:
        yield form
        # django-nested-admin hangs the formsets of nested inlines on their parent form.
        for nested in getattr(form, "nested_formsets", ()):
            yield from _forms_of(nested)


def preload_labels(forms, admin_site):
    groups = {}
    for form in forms:
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the wrapper
            if not isinstance(widget, PreloadedLabelsMixin):
                continue
            model = getattr(getattr(form, "_meta", None), "model", type(form))
            values = widget.format_value(form[name].value())
            group = groups.setdefault((model, name), (field, widget, [], set()))
            group[2].append(widget)
            group[3].update(values)
    for field, widget, group_widgets, values in groups.values():
        preloaded = _labels(field, widget, values, admin_site)
        for each in group_widgets:
            each.preloaded = preloaded


def _labels(field, widget, values, admin_site):
    remote_model = widget.field.remote_field.model
    remote_opts = remote_model._meta
    to_field_name = getattr(widget.field.remote_field, "field_name", remote_opts.pk.attname)
    to_field = remote_opts.get_field(to_field_name)
    keys = set()
    for value in values:
        if value in field.empty_values:
            continue
        try:
            keys.add(to_field.to_python(value))
        except ValidationError:
            continue  # typed into a form with errors: nothing to label
    if not keys:
        return {}
    objects = field.queryset.using(widget.db).filter(**{f"{to_field.attname}__in": keys})
    # What the related model's changelist joins to show its rows is what their labels need.
    related = getattr(admin_site._registry.get(remote_model), "list_select_related", False)
    if isinstance(related, (list, tuple)) and related:
        objects = objects.select_related(*related)
    return {
        str(getattr(obj, to_field.attname)): (position, field.label_from_instance(obj))
        for position, obj in enumerate(objects)
    }
