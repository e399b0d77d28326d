import datetime

from django.urls import reverse, set_script_prefix

from config.context_processors import SITE_URLS, site_urls
from seminars.rows import seminar_url, slug_url


def test_every_page_links_the_sections_and_feeds(client, db):
    html = client.get("/").content.decode()

    for path in ("/seminars/", "/talks/", "/speakers/", "/libraries/", "/regions/", "/search/"):
        assert f'href="{path}"' in html or f'action="{path}"' in html
    assert 'href="/lowvision/' in html


def test_error_pages_link_the_sections_too(client, db):
    html = client.get("/no-such-page/").content.decode()

    assert 'href="/talks/"' in html
    assert 'href="/seminars/"' in html


def test_links_follow_the_script_prefix():
    try:
        set_script_prefix("/archive/")
        prefixed = site_urls(None)["site_urls"]
    finally:
        set_script_prefix("/")

    assert prefixed["talks"] == "/archive/talks/"
    assert site_urls(None)["site_urls"]["talks"] == "/talks/"
    assert set(prefixed) == set(SITE_URLS)


def test_row_links_follow_the_script_prefix():
    """The list rows' addresses are reversed once per prefix too (seminars/rows.py)."""
    start = datetime.date(2021, 11, 24)
    try:
        set_script_prefix("/archive/")
        prefixed = (slug_url("people:person_detail")("ivanova"), seminar_url(start, "seminar"))
    finally:
        set_script_prefix("/")

    assert prefixed == ("/archive/speakers/ivanova/", "/archive/seminars/2021/seminar/")
    assert seminar_url(start, "seminar") == reverse(
        "seminars:seminar_detail", args=[2021, "seminar"]
    )
    assert seminar_url(start.replace(year=2022), "x") == "/seminars/2022/x/"
