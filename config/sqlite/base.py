"""SQLite backend whose LIKE folds Cyrillic case and ё/е.

SQLite's built-in LIKE folds ASCII only, so `icontains`, the admin search box and autocomplete
would miss «ДОКЛАД» when searching «доклад». Overriding LIKE keeps Django's lookups unchanged.
"""

import functools
import re

from django.db.backends.sqlite3 import base

from core.text import fold


@functools.lru_cache(maxsize=512)
def _like_regex(pattern, escape):
    parts = []
    chars = iter(fold(pattern))
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def _like(pattern, value, escape=None):
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape).fullmatch(fold(str(value))) is not None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.create_function("LIKE", 2, _like, deterministic=True)
        connection.create_function("LIKE", 3, _like, deterministic=True)
        return connection
