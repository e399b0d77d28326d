from django.urls import set_script_prefix

from core.context_processors import SITE_URLS, site_urls


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
