"""Every public URL pattern, found by walking the URLconf, with real values for its arguments.

Pages added later are covered without touching the tests: a new pattern is found here, and its
arguments are filled with values taken from the real URLs of the data, tried until one answers.
"""

import re
from urllib.parse import quote

import django_filters
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

PRIVATE_PREFIXES = ("admin/", "_nested_admin/", "media/", "static/")
GROUP = re.compile(
    r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<regex_name>\w+)>[^)]*\)"
)


class Pattern:
    def __init__(self, route, entry):
        self.route = route
        self.name = entry.name
        self.arguments = [m["name"] or m["regex_name"] for m in GROUP.finditer(route)]
        self.converters = {
            m["name"] or m["regex_name"]: m["converter"] or "regex" for m in GROUP.finditer(route)
        }
        self.is_route = isinstance(entry.pattern, RoutePattern)

    def build(self, values):
        def fill(match):
            return quote(str(values[match["name"] or match["regex_name"]]), safe="")

        path = GROUP.sub(fill, self.route)
        if not self.is_route:
            path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
        return "/" + path

    def __repr__(self):
        return f"<{self.route}>"


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(PRIVATE_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            assert isinstance(entry, URLPattern)
            yield Pattern(route, entry)


def public_patterns():
    return list(_walk(get_resolver().url_patterns))


def _candidate_values():
    """Argument sets from the real URLs of every object with a page, plus every primary key."""
    candidates = []
    for model in apps.get_models():
        objects = list(model._default_manager.all()[:50])
        if hasattr(model, "get_absolute_url") and not model._meta.label.startswith("auth."):
            for obj in objects:
                try:
                    candidates.append(dict(resolve(obj.get_absolute_url().split("?")[0]).kwargs))
                except Exception:  # a model whose page is not public (yet)
                    continue
        for obj in objects[:3]:
            candidates.append({"pk": obj.pk, "id": obj.pk})
            if slug := getattr(obj, "slug", None):
                candidates.append({"slug": slug})
    return candidates


def read(response):
    """The body, read to the end: a download served as a file is closed only then."""
    return response.getvalue() if response.streaming else response.content


def working_urls(client):
    """For every public pattern, a URL with real arguments that answers 200 (when one exists)."""
    candidates = _candidate_values()
    formats = ["json", "csv", "xlsx", "api"]
    urls = {}
    for pattern in public_patterns():
        if not pattern.arguments:
            urls[pattern.route] = pattern.build({})
            continue
        tried = set()
        for candidate in candidates:
            values = {name: candidate.get(name) for name in pattern.arguments}
            for name in pattern.arguments:
                if values[name] is None and name in {"format", "fmt"}:
                    values[name] = formats[0]
            if None in values.values():
                continue
            for fmt in formats if {"format", "fmt"} & set(pattern.arguments) else [None]:
                if fmt:
                    values.update({name: fmt for name in ("format", "fmt") if name in values})
                url = pattern.build(values)
                if url in tried:
                    continue
                tried.add(url)
                response = client.get(url)
                read(response)
                if response.status_code == 200:
                    urls[pattern.route] = url
                    break
            if pattern.route in urls or len(tried) > 60:
                break
    return urls


def query_parameter_names():
    """Every filter parameter of every FilterSet in the project, and the usual suspects."""
    names = {"page", "q", "sort", "format", "per_page", "page_size", "o", "cursor", "limit"}
    for subclass in _all_subclasses(django_filters.FilterSet):
        if subclass.__module__.split(".")[0] in {"seminars", "libraries", "people", "api"}:
            names.update(subclass.base_filters)
    return sorted(names)


def _all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _all_subclasses(subclass)
