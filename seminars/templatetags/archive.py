"""How a library and a speaker read on every public page.

Python rather than included templates: a list page shows dozens of speakers, and each nested
`{% include %}` of a few lines cost more than the rest of the row (docs/performance.md). The
functions below the filters take plain values, for rows built without model instances
(`seminars.rows`); they escape each value and join with f-strings: `format_html` per part took
45 µs a speaker. `SafeString(…)` is what `mark_safe` returns for a string, without its lazy check.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def library_name(library):
    """«МБУК «ЦБС» (ЦГБ)»: legal form and name, with the parent's short name for a branch."""
    parent = library.parent if library.parent_id else None
    return library_label(
        library.legal_form, library.name, parent and (parent.short_name or parent.name)
    )


@register.filter
def library_link(library):
    """The library's name, linked to its page when the page is public."""
    if not library.is_published:
        return library_name(library)
    return link(library.get_absolute_url(), library_name(library))


def html(value):
    """`conditional_escape` without the lazy-string wrapper that made up half its cost."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def library_label(legal_form, name, parent_name):
    own = f"{html(legal_form)} «{html(name)}»" if legal_form else html(name)
    return SafeString(f"{own} ({html(parent_name)})" if parent_name else own)


def link(url, text):
    return SafeString(f'<a href="{html(url)}">{html(text)}</a>')


def speaker_label(name, position, library, region):
    """«name, position, library (region)»; each part after the name is optional.

    152-ФЗ: with consent, the name is the full name linked to their page and the position is the
    one held then; without, «Фамилия И. О.» and no position. The workplace and its region are
    shown either way.
    """
    parts = [html(name)]
    if position:
        parts.append(html(position))
    if library:
        parts.append(f"{html(library)} ({html(region)})" if region else html(library))
    return SafeString(", ".join(parts))
