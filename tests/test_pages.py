"""What every public page carries: meta tags, one h1, no inline scripts or styles."""

import re

import pytest

PAGES = [
    "/",
    "/seminars/",
    "/seminars/2021/biblioteka-onlain-opyt-distantsionnogo-obsluzhivaniia-polzovatelei-v/",
    "/seminars/2021/biblioteka-onlain-opyt-distantsionnogo-obsluzhivaniia-polzovatelei-v/resolution/",
    "/talks/",
    "/talks/?region=kamchatskii-krai",
    "/speakers/",
    "/speakers/abramkina-elena-ivanovna/",
    "/libraries/",
    "/libraries/tssdb-g-khabarovska/",
    "/regions/",
    "/regions/kamchatskii-krai/",
    "/search/?q=маяк",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_title_description_canonical_and_open_graph(client, demo_seminar, url):
    html = client.get(url).content.decode()

    path = url.split("?")[0]
    assert re.search(
        r"<title>[^<]+ — Методическая копилка · [^<]+</title>|<title>Методическая копилка · ", html
    )
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    for prop in ("og:title", "og:description", "og:url", "og:type", "og:locale"):
        assert f'<meta property="{prop}" content="' in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("url", PAGES)
def test_no_inline_scripts_or_styles(client, demo_seminar, url):
    html = client.get(url).content.decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert all(
        'src="/static/' in attrs or 'type="application/ld+json"' in attrs for attrs in scripts
    )
    assert " style=" not in html
    assert "<style" not in html
    assert " on" + "click=" not in html
