"""Random and nasty query strings and path arguments for every public URL (hypothesis)."""

from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.public_urls import public_patterns, query_parameter_names, read, working_urls

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "00",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "9" * 30,
    "-" + "9" * 30,
    str(2**31),
    str(2**63),
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "' OR '1'='1",
    "1; DROP TABLE seminars_seminar;--",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "%",
    "%00",
    "%zz",
    "%ff%fe",
    "\x00",
    "../../../etc/passwd",
    "ё" * 300,
    "𝕏" * 50,
    "\u202e",
    "\u200b",
    "a" * 5000,
    "2021-02-30",
    "0000-00-00",
    "9999-12-31",
    "1800",
    "-2021",
    "2021,2022",
    " 2021 ",
    "год",
    "Камчатский край",
    "ЁЛКИНА",
    "page=2&page=3",
    "\r\nSet-Cookie: x=1",
]
# Input no page can use: each answers 400 wherever it appears (core/errors.py).
UNUSABLE = ["a\x00b", "\x00", "%00", "a%00b", "%ff", "%C3%28", "я%ffя", "x" * 10_001, "ё" * 10_001]
FORMATS = ["json", "csv", "xlsx", "api", "xml", "html", "exe", "JSON", "ics", "rss", "0"]


def garbage_argument(converter):
    if converter == "int":
        return st.one_of(st.integers(0, 3000), st.integers(0, 10**30))
    if converter == "slug":
        return st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True)
    if converter in {"str", "drf_format_suffix"}:
        return st.one_of(st.sampled_from(FORMATS), st.text(min_size=1, max_size=30))
    return st.one_of(st.sampled_from(FORMATS), st.text(min_size=1, max_size=30))


def queries(parameter_names, real_values):
    value = st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(UNUSABLE),
        st.text(max_size=40),
        st.integers(-(10**25), 10**25).map(str),
        st.sampled_from(real_values),
    )
    key = st.one_of(st.sampled_from(parameter_names), st.text(min_size=1, max_size=12))
    pairs = st.lists(st.tuples(key, value), max_size=6)
    raw = st.booleans()  # raw: percent signs pass through, so invalid escapes reach Django

    def encode(pairs_and_raw):
        pairs, raw = pairs_and_raw
        if raw:
            return "&".join(f"{quote(k, safe='%=')}={quote(v, safe='%')}" for k, v in pairs)
        return urlencode(pairs)

    return st.tuples(pairs, raw).map(encode)


def run_fuzz(client, share, shares, examples):
    """Sends `examples` requests to every `shares`-th public pattern; none may answer 5xx.

    Returns the routes of the patterns and the route of each request sent.
    """
    patterns = public_patterns()[share::shares]
    assert len(patterns) >= 10
    working = working_urls(client)
    real_values = sorted({part for url in working.values() for part in url.split("/") if part})
    parameter_names = query_parameter_names()

    def url_for(pattern):
        if not pattern.arguments:
            return st.just(pattern.build({}))
        garbage = st.fixed_dictionaries(
            {name: garbage_argument(pattern.converters[name]) for name in pattern.arguments}
        ).map(pattern.build)
        if pattern.route in working:
            return st.one_of(st.just(working[pattern.route]), garbage)
        return garbage

    requests = st.sampled_from(patterns).flatmap(
        lambda pattern: st.tuples(
            st.just(pattern.route), url_for(pattern), queries(parameter_names, real_values)
        )
    )
    sent = []

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(requests)
    def fuzz(request):
        route, path, query = request
        response = client.get(f"{path}?{query}" if query else path)
        read(response)
        sent.append(route)
        assert response.status_code < 500, f"{path}?{query} → {response.status_code}"

    fuzz()
    return [pattern.route for pattern in patterns], sent


def encode_raw(pairs):
    """A query string in which percent escapes stay as written: `%ff` reaches Django as is."""
    return "&".join(f"{quote(k, safe='%')}={quote(v, safe='%')}" for k, v in pairs)


def run_unusable(client):
    """Every public URL with every known parameter set to each unusable value, and every path
    argument replaced by a NUL-carrying one: each must answer 400 (path arguments that their
    converter refuses: 404; the API, which answers in JSON itself: 400, nothing found, or
    the 404 of a page number it cannot read).
    Returns the number of requests sent."""
    sent = 0
    names = query_parameter_names()
    for route, url in working_urls(client).items():
        expected = {200, 400, 404} if url.startswith("/api/") else {400}
        for value in UNUSABLE:
            response = client.get(f"{url}?{encode_raw([(name, value) for name in names])}")
            read(response)
            assert response.status_code in expected, (route, value[:8], response.status_code)
            sent += 1
        response = client.get(f"{url}?{encode_raw([('a%00b', '1')])}")  # in a name
        read(response)
        assert response.status_code in expected, (route, response.status_code)
        sent += 1
    for pattern in public_patterns():
        if pattern.arguments:
            response = client.get(pattern.build(dict.fromkeys(pattern.arguments, "a\x00b")))
            assert (pattern.route, response.status_code) in {
                (pattern.route, 400),
                (pattern.route, 404),
            }
            sent += 1
    return sent
