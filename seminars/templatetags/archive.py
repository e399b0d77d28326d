"""How a library reads on the pages that show it as a record."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def library_link(library):
    """The library's name, linked to its page when the page is public."""
    if not library.is_published:
        return str(library)
    return format_html('<a href="{}">{}</a>', library.get_absolute_url(), library)
