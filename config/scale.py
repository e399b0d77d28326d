"""Keeping the admin fast with a national archive: a million talks, hundreds of thousands of people.

Two costs grow with the tables: counting rows for the paginator, and annotating each row with a
count of its children through JOIN + GROUP BY over the whole table. Both are bounded here.
"""

import operator
from functools import reduce

from django.conf import settings
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    UniqueConstraint,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.query import ValuesListIterable
from django.utils.functional import cached_property

from config.cache import RememberedCountPaginator, generation, kept, remember, remembered_count
from config.compiled import KINDS, Compiled
from config.lookups import AnyOf


class EstimatedCountPaginator(Paginator):
    """A paginator that never counts more rows than it can afford.

    Unfiltered lists on PostgreSQL take the planner's estimate (`pg_class.reltuples`, kept fresh by
    autovacuum) once the table is large; filtered lists count at most `count_limit` rows, so the
    first `count_limit / per_page` pages stay reachable and a narrower filter reaches the rest.
    """

    estimate_above = 50_000
    count_limit = 100_000

    @cached_property
    def count(self):
        query = self.object_list.query
        if not query.where and not query.distinct and not query.combinator:
            estimate = self._estimate()
            if estimate is not None and estimate > self.estimate_above:
                return estimate
        # Only the keys: neither ordering nor annotations are needed to count.
        return self.object_list.order_by().values("pk")[: self.count_limit].count()

    def _estimate(self):
        connection = connections[self.object_list.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [self.object_list.model._meta.db_table],
            )
            row = cursor.fetchone()
        # -1 means never analysed: no estimate yet.
        return row[0] if row and row[0] >= 0 else None


# (generation, list, order, rows skipped, page size, kinds, database) → the deep page's Compiled
# query; the oldest are dropped beyond DEEP_PAGES_KEPT.
_DEEP_PAGES = {}
DEEP_PAGES_KEPT = 256
# (model, columns, database) → the Compiled query of a list's rows by key.
_ROWS_BY_KEY = {}


class KeysFirstPaginator(RememberedCountPaginator):
    """Deep pages read only keys while skipping rows, then fetch the page's rows by key.

    OFFSET walks every skipped row; here it walks keys through a covering index
    (talk_published_newest) instead of whole rows with their abstracts, and never more than
    `anchor_every` of them: the sort values of every `anchor_every`-th row are remembered per
    archive generation, and a deep page starts from the nearest one before it (keyset) — page
    40,000 of a million talks costs what page 50 does. The first pages skip too few rows for any
    of that to pay off and are read directly.
    """

    shallow = 200
    anchor_every = 200
    # Keys kept per archive generation of a list in an order no index walks (`_kept_keys`).
    keys_kept = 1000

    def __init__(self, *args, keys=None, **kwargs):
        """`keys`: the same records in the same order without the rows' columns, whose joins would
        follow every skipped key (by default the object list itself)."""
        super().__init__(*args, **kwargs)
        self.keys = self.object_list if keys is None else keys

    @cached_property
    def count(self):
        return remembered_count(self.count_key, self.keys.count)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < self.keys_kept and self._keeps_keys():
            return self._get_page(self._rows_of(self._kept_keys()[bottom:top]), number, self)
        if bottom < self.shallow:
            return self._get_page(list(self.object_list[bottom:top]), number, self)
        anchor, skip = self._nearest_anchor(bottom)
        if anchor:
            rows = self._from_anchor(anchor, skip, top - bottom)
        else:
            # One query: the page's keys in a subquery, its rows by key, in the list's order.
            rows = self._rows(self.keys.values("pk")[skip : skip + top - bottom])
        return self._get_page(list(rows), number, self)

    def _keeps_keys(self):
        return (
            bool(settings.AGGREGATE_CACHE_SECONDS)
            and self.object_list._iterable_class is ValuesListIterable
            and bool(self.object_list._fields)
            and not _keyset_ordering(self.keys.model, self.keys.query.order_by)
        )

    def _kept_keys(self):
        """The list's first `keys_kept` keys, found once per archive generation.

        An order no index walks, a search rank, sorts every match to find a page: 2,169 talks
        of «чтения» in one region and decade at 1M, 8 of the page's 16 ms. Kept like the list's
        count, its first 50 pages are then read by key, and are the same on every visit.
        """
        ordering = self.keys.query.order_by
        return kept(
            ("keys", repr(self.count_key), tuple(map(str, ordering)), self.keys.db),
            lambda: list(self.keys.values_list("pk", flat=True)[: self.keys_kept]),
        )

    def _rows_of(self, keys):
        """The rows of `keys`, in their order: one query by key, compiled once per list shape."""
        model, fields, using = self.object_list.model, self.object_list._fields, self.object_list.db
        compiled = _ROWS_BY_KEY.get((model, fields, using))
        if compiled is None:
            compiled = _ROWS_BY_KEY[model, fields, using] = Compiled(
                lambda keys: (
                    model._default_manager.filter(AnyOf(F("pk"), keys))
                    .order_by()
                    .values_list("pk", *fields)
                ),
                list,
            )
        rows = {row[0]: row[1:] for row in compiled(keys, using=using)}
        return [rows[key] for key in keys if key in rows]

    def _rows(self, page_keys):
        """The rows of `page_keys` as the object list (a `values_list`) has them, in its order.

        Not the object list filtered by key: PostgreSQL would apply the list's filters again to
        the page's rows, and planned a library filter's subquery as a hash of all 1.25M speaker
        rows (0.75 s for 20 talks at 1M). Annotations the order uses (a search rank) are carried
        over; they must read the model's own columns.
        """
        listed = self.object_list
        ordering = listed.query.order_by
        names = {field.removeprefix("-") for field in ordering if isinstance(field, str)}
        annotations = {
            name: value for name, value in listed.query.annotations.items() if name in names
        }
        rows = (
            listed.model._default_manager.filter(pk__in=page_keys)
            .annotate(**annotations)
            .order_by(*ordering)
            .values_list(*listed._fields)
        )
        rows._iterable_class = listed._iterable_class  # flat or named, as the list is
        return rows

    def _nearest_anchor(self, bottom):
        """The sort values of the remembered row at or before `bottom` (None if there is none),
        and how many rows to skip from it."""
        ordering = self.keys.query.order_by
        start = bottom - bottom % self.anchor_every
        if not start or not _keyset_ordering(self.keys.model, ordering):
            return None, bottom
        names = [field.removeprefix("-") for field in ordering]
        anchor = remember(
            ("anchor", self.count_key, ordering, start),
            lambda: next(iter(self.keys.values_list(*names)[start : start + 1]), None),
        )
        if anchor is None or None in anchor:
            return None, bottom
        return anchor, bottom - start

    def _from_anchor(self, anchor, skip, size):
        """The page's rows, `skip` rows after `anchor`: one query, compiled once per list, order,
        skip and archive generation, which every deep page of the list then runs with its own
        anchor (building and compiling the keyset condition was a third of page 1000 at 1M).

        Kept per archive generation, as the anchors are (and not when nothing is kept): a list's
        filters may hold what they looked up (a library name's keys).
        """
        ordering = self.keys.query.order_by
        kinds = tuple(type(value) for value in anchor)

        def build(*values):
            # As expressions, the values reach the SQL as they are: a lookup checks an integer
            # against its column's range and drops a condition no row could fail.
            condition = at_or_after(ordering, [Value(value) for value in values])
            return self._rows(self.keys.filter(condition).values("pk")[skip : skip + size])

        if not settings.AGGREGATE_CACHE_SECONDS or not set(kinds) <= KINDS:
            return build(*anchor)
        # The list's key holds lists (its filters' values): as text.
        key = (generation(), repr(self.count_key), tuple(ordering), skip, size, kinds, self.keys.db)
        compiled = _DEEP_PAGES.get(key)
        if compiled is None:
            compiled = _DEEP_PAGES[key] = Compiled(build, *kinds, prepare=False)
            while len(_DEEP_PAGES) > DEEP_PAGES_KEPT:
                _DEEP_PAGES.pop(next(iter(_DEEP_PAGES)), None)
        return compiled(*anchor, using=self.keys.db)


def _keyset_ordering(model, ordering):
    """Whether `ordering` is by columns of `model` — no annotation such as a search rank, no
    relation (which sorts by the related model's ordering) — and ends in a unique key."""
    opts = model._meta
    columns = {field.attname: field.attname for field in opts.concrete_fields}
    columns |= {
        field.name: field.attname for field in opts.concrete_fields if not field.is_relation
    }
    columns["pk"] = opts.pk.attname
    names = [field.removeprefix("-") for field in ordering if isinstance(field, str)]
    if not ordering or len(names) != len(ordering) or not all(name in columns for name in names):
        return False
    ordered = {columns[name] for name in names}
    unique = [{opts.pk.attname}] + [
        {opts.get_field(name).attname for name in constraint.fields}
        for constraint in opts.constraints
        if isinstance(constraint, UniqueConstraint)
        and constraint.fields
        and not constraint.condition
    ]
    return any(key <= ordered for key in unique)


def at_or_after(ordering, values):
    """Rows at or after the row whose `ordering` fields hold `values`, for an ordering whose last
    fields are unique together (keyset pagination).

    `(a, b, c) >= (x, y, z)` spelt out field by field, since directions may differ; the first
    field's bound stands alone as well, so that the database starts the index walk there. Rows
    with NULL in an ordering field are not reached: published talks always carry a date.
    """
    names = [field.removeprefix("-") for field in ordering]
    after = ["lt" if field.startswith("-") else "gt" for field in ordering]
    same, alternatives = Q(), []
    for name, lookup, value in zip(names, after, values, strict=True):
        alternatives.append(same & Q(**{f"{name}__{lookup}": value}))
        same &= Q(**{name: value})
    alternatives.append(same)
    return Q(**{f"{names[0]}__{after[0]}e": values[0]}) & reduce(operator.or_, alternatives)


class LargeTableAdmin:
    """Mixin for every ModelAdmin of the archive: no unbounded COUNT(*) on a changelist."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Facet counts would count every filter choice over the whole table.
    show_facets = admin.ShowFacets.NEVER


def count_of(model, field, **conditions):
    """The number of `model` rows whose `field` points to the outer row (and match `conditions`).

    A correlated subquery runs only for the rows on the page; `Count()` in `annotate()` would join
    and group the whole child table first.
    """
    children = (
        model._default_manager.filter(**{field: OuterRef("pk")}, **conditions)
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(children, output_field=IntegerField()), 0)
