"""Normalisation of Russian text for sorting, matching and search on both databases."""

import re

QUOTES = "«»„“”\"'‹›‚‘’"
_QUOTES_RE = re.compile(f"[{re.escape(QUOTES)}]")
_SPACES_RE = re.compile(r"\s+")


def fold(value):
    """Case- and ё-insensitive form: «Ёлкина» and «ЕЛКИНА» fold to the same «елкина»."""
    return value.casefold().replace("ё", "е")


def sort_key(value):
    """Key whose code-point order is Russian alphabetical order (Ё with Е, quotes ignored).

    After folding, Cyrillic а–я are contiguous in Unicode, so a plain byte/code-point
    comparison on SQLite and on a PostgreSQL "C" or "C.UTF-8" collation gives Russian order.
    """
    return _SPACES_RE.sub(" ", _QUOTES_RE.sub("", fold(value))).strip()


def unique_slug(instance, text, max_length=80):
    """A readable Latin slug for `text` («Камчатский край» → «kamchatskii-krai»), unique in its table.

    Django's own slugify drops Cyrillic entirely; python-slugify transliterates it.
    """
    from slugify import slugify

    base = slugify(text, max_length=max_length - 4, word_boundary=True) or "zapis"
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    candidate, number = base, 2
    while others.filter(slug=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate
