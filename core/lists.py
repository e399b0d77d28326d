"""What the list pages of every app share: filter parameters, totals, deep pages, suggestions."""

import hashlib
import json
import operator
from functools import reduce

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, UniqueConstraint
from django.db.models.functions import Coalesce
from django.http import JsonResponse, QueryDict
from django.utils.functional import cached_property

from core.cache import figure_key, generation

SUGGEST_SIZE = 10


def filter_data(query):
    """The query without blank values: «?region=» means no region, not an unknown one."""
    data = query.copy()
    for key in list(data):
        values = [value for value in data.getlist(key) if value.strip()]
        if values:
            data.setlist(key, values)
        else:
            del data[key]
    return data


def filter_items(query):
    """The filter part of a list's address as sorted [name, value] pairs: the same whatever the
    order of the parameters, and what a background count of the list receives."""
    return sorted(
        (
            [name, value]
            for name, values in filter_data(query).lists()
            if name not in ("page", "sort")
            for value in values
        ),
        # By name only: a repeated parameter keeps its values' order (the last one wins).
        key=lambda item: item[0],
    )


def query_dict(items):
    """The QueryDict of `filter_items()`."""
    query = QueryDict(mutable=True)
    for name, value in items:
        query.appendlist(name, value)
    return query


def fragment(*parts):
    """For `{% cache fragment.seconds name fragment.key %}` around a list's filter form: one
    rendering for each query and figures (a select of 89 regions, a checkbox per facet option
    cost more than the list beside it). `parts` must hold whatever the fragment shows."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return {
        "seconds": settings.AGGREGATE_CACHE_SECONDS,
        "key": hashlib.sha256(text.encode()).hexdigest()[:32],
    }


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


class ListPaginator(Paginator):
    """A paginator whose total comes from `count()` (a figure kept in the cache), and whose deep
    pages start from a known row instead of skipping every row before them.

    OFFSET reads every row it skips: page 1000 of the talks read 20,000 talks with their
    seminars. For a list in an order of columns that ends in a unique key, the sort values of
    every `anchor_every`-th row are kept per archive generation, and a deep page reads from the
    nearest one before it (keyset pagination): at most `anchor_every` rows are skipped.
    """

    anchor_every = 200

    def __init__(self, object_list, per_page, *, count, key, ordering=(), **kwargs):
        """`key` names the list (its filters) for its anchors; `ordering` is the list's order."""
        super().__init__(object_list, per_page, **kwargs)
        self.counted, self.key, self.ordering = count, key, tuple(ordering)

    @cached_property
    def count(self):
        return self.counted()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ordering = self.ordering
        start = bottom - bottom % self.anchor_every
        if not start or not keyset_ordering(self.object_list.model, ordering):
            return super().page(number)
        names = [field.removeprefix("-") for field in ordering]
        anchor = cache.get_or_set(
            figure_key("anchor", [generation(), self.key, ordering, start]),
            lambda: self.object_list.values_list(*names)[start : start + 1].first(),
            settings.AGGREGATE_CACHE_SECONDS or None,
        )
        if anchor is None or None in anchor:
            return super().page(number)
        rows = self.object_list.filter(at_or_after(ordering, anchor))
        return Page(rows[bottom - start : top - start], number, self)


def keyset_ordering(model, ordering):
    """Whether `ordering` is by columns of `model` (no annotation, no relation, which sorts by the
    related model's ordering) and ends in a unique key."""
    # A relation by name sorts by the related model's ordering: only its key column counts.
    fields = {field.attname: field for field in model._meta.concrete_fields}
    fields |= {f.name: f for f in model._meta.concrete_fields if not f.is_relation}
    fields["pk"] = model._meta.pk
    names = [field.removeprefix("-") for field in ordering if isinstance(field, str)]
    if not ordering or len(names) != len(ordering) or not all(name in fields for name in names):
        return False
    ordered = {fields[name].attname for name in names}
    unique = [{model._meta.pk.attname}] + [
        {model._meta.get_field(name).attname for name in constraint.fields}
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint)
        and constraint.fields
        and not constraint.condition
    ]
    return any(key <= ordered for key in unique)


def at_or_after(ordering, values):
    """Rows at or after the row whose `ordering` fields hold `values`, for an ordering whose last
    fields are unique together.

    `(a, b, c) >= (x, y, z)` spelt out field by field, since directions may differ; the first
    field's bound stands alone as well, so that the database starts the index walk there.
    """
    names = [field.removeprefix("-") for field in ordering]
    after = ["lt" if field.startswith("-") else "gt" for field in ordering]
    same, alternatives = Q(), []
    for name, lookup, value in zip(names, after, values, strict=True):
        alternatives.append(same & Q(**{f"{name}__{lookup}": value}))
        same &= Q(**{name: value})
    alternatives.append(same)
    return Q(**{f"{names[0]}__{after[0]}e": values[0]}) & reduce(operator.or_, alternatives)


def suggest_response(request, matches, label):
    """JSON for static/js/suggest.js: up to ten {value: slug, label: name} for ?q= (2+ letters)."""
    text = request.GET.get("q", "").strip()[:200]
    results = []
    if len(text) >= 2:
        results = [{"value": obj.slug, "label": label(obj)} for obj in matches(text)[:SUGGEST_SIZE]]
    return JsonResponse({"results": results})
