"""Queries of a fixed shape compiled to SQL once per process and, on PostgreSQL, planned once per
connection.

Django compiles a queryset to SQL each time it is evaluated, and PostgreSQL plans the SQL each
time it arrives. For the key lookups every detail page runs, that is most of their cost: the
seminar page's six-table select took 1.1 ms to compile and 0.8 ms to plan for 0.06 ms of
execution (1M talks, in process). `Compiled(build, str)` calls `build(stand_in)` once, compiles
the queryset, notes where each stand-in landed among the SQL's parameters, and from then on runs
that SQL with the caller's values in their places — on PostgreSQL as a prepared statement
(`PREPARE` once per connection, then `EXECUTE`), whose generic plan is the right one for a
lookup by slug or by a list of keys.

A generic plan suits lookups whose best plan does not depend on the value; where it does (how
many talks a region has, how common a word is: a generic plan for a text search was measured 30×
slower, docs/performance.md), `prepare=False` keeps the compiled SQL but plans it each time.
`build` must send each value to SQL unchanged (`slug=value`, `pk=value`, `AnyOf(F("pk"), keys)`);
a shape where a stand-in does not reach the parameters is refused when it is first compiled.
"""

import copy
import datetime
import itertools
import json
import re
import threading
import weakref

from django.conf import settings
from django.db import connections

# Values no caller sends, each recognisable among the compiled parameters.
_STAND_INS = {
    str: lambda index: f"\ue000compiled-{index}\ue000",
    int: lambda index: -7_340_000_000_000 - index,
    list: lambda index: [-7_350_000_000_000 - index],
    datetime.date: lambda index: datetime.date(1, 1, 1) + datetime.timedelta(days=index),
}
KINDS = frozenset(_STAND_INS)
# How a value reaches the parameters: as it is, or as SQLite gets it (a list of keys for `AnyOf`
# as JSON, a date as text).
_ENCODINGS = {list: (list, json.dumps), datetime.date: (lambda date: date, str)}
_PLACEHOLDER = re.compile(r"%[%s]")
_names = itertools.count(1)
# The statements prepared on each DB-API connection (a reconnection starts with none).
_prepared = weakref.WeakKeyDictionary()


class Compiled:
    """`Compiled(build, str, list)(slug, keys)`: the rows of `build(slug, keys)`, as a list."""

    def __init__(self, build, *kinds, prepare=True):
        self.build, self.kinds, self.prepare = build, kinds, prepare
        self._templates = {}
        self._lock = threading.Lock()

    def __call__(self, *values, using="default"):
        if len(values) != len(self.kinds):
            raise TypeError(f"{len(self.kinds)} values expected, got {len(values)}")
        lists = [value for value, kind in zip(values, self.kinds, strict=True) if kind is list]
        if lists and not any(lists):
            # Nothing to look up: Django's own evaluation sees that nothing matches and runs no
            # query (the compiled SQL would run one to find nothing).
            return list(self.build(*values).using(using))
        template = self._templates.get(using) or self._compile(using)
        return template.run(values, connections[using])

    def _compile(self, using):
        with self._lock:
            if using not in self._templates:
                stand_ins = [_STAND_INS[kind](index) for index, kind in enumerate(self.kinds)]
                queryset = self.build(*stand_ins).using(using)
                self._templates[using] = _Template(queryset, stand_ins, self.kinds, self.prepare)
            return self._templates[using]


class _Template:
    """One queryset's compiler, SQL and parameters, with the places of the caller's values."""

    def __init__(self, queryset, stand_ins, kinds, prepare):
        self.queryset, self.prepare = queryset, prepare
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.slots = []
        for index, (stand_in, kind) in enumerate(zip(stand_ins, kinds, strict=True)):
            found = [
                (position, encode)
                for encode in _ENCODINGS.get(kind, (kind,))
                for position, param in enumerate(self.params)
                if param == encode(stand_in)
            ]
            if not found:
                raise ValueError(f"value {index} does not reach the SQL parameters unchanged")
            self.slots += [(position, encode, index) for position, encode in found]
        self.name = f"compiled_{next(_names)}"

    def run(self, values, connection):
        params = list(self.params)
        for position, encode, index in self.slots:
            params[position] = encode(values[index])
        sql = self.sql
        if self.prepare and connection.vendor == "postgresql" and settings.PREPARED_STATEMENTS:
            sql = self._execute_statement(connection, len(params))
        # The compiler as set up for the stand-ins, its SQL and parameters fixed: evaluating the
        # queryset builds rows (model instances, values) exactly as Django would.
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = self.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _execute_statement(self, connection, count):
        """`EXECUTE name(%s, …)`, after preparing `name` on this connection if it is new."""
        connection.ensure_connection()
        prepared = _prepared.setdefault(connection.connection, set())
        if self.name not in prepared:
            numbers = itertools.count(1)
            numbered = _PLACEHOLDER.sub(
                lambda found: "%" if found.group() == "%%" else f"${next(numbers)}", self.sql
            )
            # On the DB-API cursor: preparing is not one of the page's queries (query counts).
            with connection.connection.cursor() as cursor:
                cursor.execute(f"PREPARE {self.name} AS {numbered}")
            prepared.add(self.name)
        return (
            f"EXECUTE {self.name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {self.name}"
        )
