"""How a library and a speaker read on every public page."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def library_link(library):
    """The library's name, linked to its page when the page is public."""
    if not library.is_published:
        return str(library)
    return format_html('<a href="{}">{}</a>', library.get_absolute_url(), library)


@register.filter
def speaker_line(role):
    """«name, position, library (region)» of a TalkSpeaker; each part after the name is optional.

    152-ФЗ: with consent, the full name linked to their page and the position held then; without,
    «Фамилия И. О.» and no position. The workplace and its region are shown either way.
    """
    person = role.person
    if person.is_public:
        parts = [format_html('<a href="{}">{}</a>', person.get_absolute_url(), person.full_name)]
        if role.position:
            parts.append(role.position)
    else:
        parts = [person.short_name]
    if library := role.library:
        region = library.region
        place = library_link(library)
        parts.append(format_html("{} ({})", place, region.name) if region else place)
    return format_html(", ".join(["{}"] * len(parts)), *parts)
