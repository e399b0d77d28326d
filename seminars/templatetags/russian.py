"""Russian plurals and dates for templates and exports.

Django's `pluralize` knows two forms and `date:"F"` gives the nominative month («ноябрь»);
Russian needs three plural forms and the genitive month («24 ноября»).
"""

from django import template

register = template.Library()

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def plural_form(number, forms):
    """The form of a noun after `number`: forms are for 1, 2 and 5 («доклад,доклада,докладов»)."""
    one, few, many = (form.strip() for form in forms.split(","))
    number = abs(int(number))
    if number % 100 in range(11, 15):
        return many
    if number % 10 == 1:
        return one
    if number % 10 in (2, 3, 4):
        return few
    return many


@register.filter
def plural(number, forms):
    """`{{ 21|plural:"доклад,доклада,докладов" }}` → «21 доклад»."""
    try:
        return f"{int(number)} {plural_form(number, forms)}"
    except (TypeError, ValueError):
        return ""


@register.filter
def plural_word(number, forms):
    """Only the noun: `{{ n|plural_word:"доклад,доклада,докладов" }}` → «доклада»."""
    try:
        return plural_form(number, forms)
    except (TypeError, ValueError):
        return ""


@register.filter
def ru_date(value):
    """«24 ноября 2021 г.»."""
    if not value:
        return ""
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."


@register.simple_tag
def date_range(start, end=None):
    """«24 ноября 2021 г.», «8–10 декабря 2010 г.», «30 ноября – 2 декабря 2021 г.»."""
    if not start:
        return ""
    if not end or end == start:
        return ru_date(start)
    if start.year != end.year:
        return f"{ru_date(start)} – {ru_date(end)}"
    if start.month != end.month:
        return f"{start.day} {MONTHS_GENITIVE[start.month - 1]} – {ru_date(end)}"
    return f"{start.day}–{ru_date(end)}"


@register.filter
def signed(number):
    """A change with its sign: «+12», «−3» (a real minus sign), «0»."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return ""
    if number > 0:
        return f"+{number}"
    if number < 0:
        return f"−{-number}"
    return "0"


@register.filter
def lower_first(text):
    """«Отдел научно-методической работы» inside a sentence: «отдел научно-методической работы»."""
    text = str(text or "")
    # An abbreviation («ЦБС», «ИБЦ») keeps its capitals.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


@register.filter
def item(sequence, index):
    """`{{ headers|item:forloop.counter0 }}`: a table's header for the cell in that column."""
    try:
        return sequence[index]
    except (IndexError, KeyError, TypeError):
        return ""
