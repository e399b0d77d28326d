"""How a library and a speaker read on every public page.

Python rather than included templates: a list page shows dozens of speakers, and each nested
`{% include %}` of a few lines cost more than the rest of the row (docs/performance.md).
"""

from django import template
from django.utils.html import conditional_escape, format_html

register = template.Library()


@register.filter
def library_name(library):
    """«МБУК «ЦБС» (ЦГБ)»: legal form and name, with the parent's short name for a branch."""
    if library.legal_form:
        own = format_html("{} «{}»", library.legal_form, library.name)
    else:
        own = conditional_escape(library.name)
    if not library.parent_id:
        return own
    parent = library.parent
    return format_html("{} ({})", own, parent.short_name or parent.name)


@register.filter
def library_link(library):
    """The library's name, linked to its page when the page is public."""
    if not library.is_published:
        return library_name(library)
    return format_html('<a href="{}">{}</a>', library.get_absolute_url(), library_name(library))


@register.filter
def speaker_line(speaker):
    """A speaker as a programme shows them.

    152-ФЗ: with consent, the full name linked to their page and the position held then; without,
    «Фамилия И. О.» only. The workplace and its region are shown either way.
    """
    person = speaker.person
    if person.is_public:
        line = format_html('<a href="{}">{}</a>', person.get_absolute_url(), person.full_name)
        if speaker.position:
            line = format_html("{}, {}", line, speaker.position)
    else:
        line = conditional_escape(person.short_name)
    library = speaker.library
    if library:
        line = format_html("{}, {}", line, library_link(library))
        if library.region_id:
            line = format_html("{} ({})", line, library.region.name)
    return line
