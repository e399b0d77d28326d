"""The Atom and RSS feeds against the required elements of RFC 4287 and RSS 2.0.

Read with the standard library's XML parser (not Django's feed generator that writes them) and
with feedparser, which must parse them without complaint.
"""

import datetime
import email.utils
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest

from seminars.models import Seminar

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 3339 §5.6 date-time.
RFC_3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
# RFC 4151: tag:authority,date:specific (authority a DNS name or an e-mail address).
TAG_URI = re.compile(
    r"tag:(?:[A-Za-z0-9.-]+|[^@\s]+@[A-Za-z0-9.-]+),\d{4}(-\d\d(-\d\d)?)?:[\w.~!$&'()*+,;=:@/?%-]+"
)

# With the number of entries each has: the Алтайский край feed is empty.
FEEDS = [
    ("/feeds/seminars.atom", 2),
    ("/feeds/regions/kamchatskii-krai.atom", 2),
    ("/feeds/regions/altaiskii-krai.atom", 0),
]
RSS = [
    "/feeds/seminars.rss",
    "/feeds/regions/kamchatskii-krai.rss",
    "/feeds/regions/altaiskii-krai.rss",
]


@pytest.fixture
def archive(demo_seminar, settings):
    settings.FEED_ID_DOMAIN = "kopilka.example.ru"
    Seminar.objects.create(
        title="Вебинар «Чтение & дети» <без тегов>",
        start_date=datetime.date(2022, 3, 5),
        organizer=demo_seminar.organizer,
        goal="обмен опытом",
        is_published=True,
    )
    return demo_seminar


def fetch(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == content_type
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.bozo_exception)
    return ElementTree.fromstring(response.content), parsed


def is_absolute_iri(value):
    parts = urlsplit(value)
    if parts.scheme == "tag":
        return bool(TAG_URI.fullmatch(value))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def only(element, name):
    found = element.findall(name)
    assert len(found) == 1, (name, len(found))
    return found[0]


def check_atom_text(element, name):
    text = only(element, f"{ATOM}{name}")
    assert text.get("type", "text") in ("text", "html", "xhtml")
    assert (text.text or "").strip(), name


@pytest.mark.parametrize(("url", "count"), FEEDS)
def test_atom_feeds_have_what_rfc_4287_requires(client, archive, url, count):
    feed, parsed = fetch(client, url, "application/atom+xml; charset=utf-8")

    assert feed.tag == f"{ATOM}feed"
    assert parsed.version == "atom10"
    # §4.1.1: id, title, updated once each; an author unless every entry has one.
    assert is_absolute_iri(only(feed, f"{ATOM}id").text)
    check_atom_text(feed, "title")
    assert RFC_3339.fullmatch(only(feed, f"{ATOM}updated").text)
    feed_author = feed.find(f"{ATOM}author/{ATOM}name")
    assert feed_author is not None and feed_author.text.strip()
    # At most one alternate link; a self link, as the RFC recommends.
    links = feed.findall(f"{ATOM}link")
    assert [link.get("rel") for link in links].count("alternate") == 1
    self_links = [link.get("href") for link in links if link.get("rel") == "self"]
    assert self_links == [f"http://testserver{url}"]
    assert all(is_absolute_iri(link.get("href")) for link in links)
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        # §4.1.2: id, title, updated once each; an alternate link (there is no content).
        entry_id = only(entry, f"{ATOM}id").text
        assert is_absolute_iri(entry_id), entry_id
        ids.append(entry_id)
        check_atom_text(entry, "title")
        assert RFC_3339.fullmatch(only(entry, f"{ATOM}updated").text)
        published = entry.findall(f"{ATOM}published")
        assert len(published) <= 1
        assert all(RFC_3339.fullmatch(element.text) for element in published)
        assert entry.find(f"{ATOM}author/{ATOM}name").text.strip()
        alternate = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") in (None, "alternate")
        ]
        assert len(alternate) == 1 and is_absolute_iri(alternate[0].get("href"))
        summaries = entry.findall(f"{ATOM}summary")
        assert len(summaries) <= 1
    assert len(ids) == len(set(ids))
    assert len(ids) == count


@pytest.mark.parametrize("url", RSS)
def test_rss_feeds_have_what_rss_2_requires(client, archive, url):
    rss, parsed = fetch(client, url, "application/rss+xml; charset=utf-8")

    assert rss.tag == "rss"
    assert rss.get("version") == "2.0"
    assert parsed.version == "rss20"
    channel = only(rss, "channel")
    for name in ("title", "link", "description"):
        assert (only(channel, name).text or "").strip(), name
    assert is_absolute_iri(only(channel, "link").text)
    self_link = channel.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == f"http://testserver{url}"
    guids = []
    for item in channel.findall("item"):
        # An item has a title or a description; a guid unique in the feed; RFC 822 dates.
        assert (item.findtext("title") or item.findtext("description") or "").strip()
        assert is_absolute_iri(only(item, "link").text)
        guid = only(item, "guid")
        guids.append(guid.text)
        assert guid.get("isPermaLink") == "false"
        assert email.utils.parsedate_to_datetime(only(item, "pubDate").text).tzinfo is not None
    assert len(guids) == len(set(guids))
    assert email.utils.parsedate_to_datetime(only(channel, "lastBuildDate").text)


def test_text_with_markup_characters_survives_both_formats(client, archive):
    title = "Вебинар «Чтение & дети» <без тегов>"
    for url in ["/feeds/seminars.atom", "/feeds/seminars.rss"]:
        _, parsed = fetch(client, url, client.get(url)["Content-Type"])
        assert parsed.entries[0].title == title
