"""The admin's widgets written in Python give the markup Django's templates give."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin import widgets as django_widgets

from config.admin import compact_html
from config.admin_widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    FastSelectMixin,
    RelatedFieldWidgetWrapper,
)
from seminars.models import Seminar, TalkSpeaker
from tests import factories


def widget_of(model, name, widget_class):
    db_field = model._meta.get_field(name)
    return db_field.formfield(widget=widget_class(db_field, admin.site)).widget


@pytest.mark.parametrize(
    ("model", "name", "widget_class", "value"),
    [
        (TalkSpeaker, "person", AutocompleteSelect, "person"),
        (TalkSpeaker, "library", AutocompleteSelect, "library"),
        (TalkSpeaker, "library", AutocompleteSelect, None),
        (Seminar, "regions", AutocompleteSelectMultiple, "regions"),
        (Seminar, "regions", AutocompleteSelectMultiple, None),
    ],
)
def test_autocomplete_select_renders_as_with_the_templates(db, model, name, widget_class, value):
    values = {
        "person": factories.person('Ёлкина <b>&"').pk,
        "library": factories.library('Библиотека "Ёлочка" & <i>').pk,
        "regions": [factories.region("41").pk, factories.region("25").pk],
    }
    widget = widget_of(model, name, widget_class)
    attrs = {"id": "id_talks-0-x", "data-note": 'a "b" <c>'}
    value = values.get(value)

    ours = widget.render("talks-0-x", value, attrs)

    assert ours == super(FastSelectMixin, widget).render("talks-0-x", value, attrs)
    assert "selected" in ours or value is None


def test_related_links_have_the_elements_of_the_template(db):
    db_field = TalkSpeaker._meta.get_field("library")
    inner = db_field.formfield(widget=AutocompleteSelect(db_field, admin.site)).widget
    permissions = dict.fromkeys(
        ["can_add_related", "can_change_related", "can_delete_related", "can_view_related"], True
    )
    django = django_widgets.RelatedFieldWidgetWrapper(
        inner, db_field.remote_field, admin.site, **permissions
    )

    ours = RelatedFieldWidgetWrapper.from_wrapper(django).render("talks-0-library", None)
    theirs = django.render("talks-0-library", None)

    def elements(html):
        # Django's Russian titles hold "…": compared without titles and indentation.
        html = re.sub(r'title="[^"]*"[^\s>]*', "", html)
        return re.findall(r"<[^>]*>", re.sub(r"\s+", " ", html).replace(" >", ">"))

    assert elements(ours) == elements(theirs)
    assert len(re.findall(r'title="[^"]*»"', ours)) == 4


class Response:
    charset = "utf-8"

    def __init__(self, content):
        self.content = content.encode()


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<div>\n    <p>\n      Текст\n    </p>\n</div>\n", "<div>\n<p>\nТекст\n</p>\n</div>\n"),
        ('<input type="checkbox"> <label>x</label>', '<input type="checkbox"> <label>x</label>'),
        ("<textarea>\n  a\n\n  b\n</textarea>\n  <p>", "<textarea>\n  a\n\n  b\n</textarea>\n<p>"),
        ("<pre>\n  x  \n</pre>", "<pre>\n  x  \n</pre>"),
        (
            "<script>\n  if (a > b)\n    <!-- -->\n</script>",
            "<script>\n  if (a > b)\n    <!-- -->\n</script>",
        ),
        ("<span>раз\n   два</span>", "<span>раз\n   два</span>"),
    ],
)
def test_compact_html_keeps_what_shows(html, expected):
    response = Response(html)

    compact_html(response)

    assert response.content.decode() == expected
