import datetime
import xml.etree.ElementTree as ET

from people.models import Person
from seminars.models import Seminar

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text.removeprefix("http://testserver") for loc in root.findall("s:url/s:loc", NS)]


def test_sitemap_lists_every_public_page_once(client, demo_seminar):
    Seminar.objects.create(
        title="Черновик", start_date=datetime.date(2022, 1, 1), organizer=demo_seminar.organizer
    )
    Person.objects.filter(last_name="Абрамкина").update(consent=Person.Consent.WITHDRAWN)

    urls = locations(client)

    assert urls[:7] == [
        "/",
        "/seminars/",
        "/talks/",
        "/speakers/",
        "/libraries/",
        "/regions/",
        "/statistics/",
    ]
    assert len(urls) == len(set(urls)) == 7 + 1 + 11 + 13 + 89
    assert demo_seminar.get_absolute_url() in urls
    assert "/seminars/2022/chernovik/" not in urls
    assert Person.objects.get(last_name="Абрамкина").get_absolute_url() not in urls
    assert Person.objects.get(last_name="Калиновская").get_absolute_url() in urls


def test_every_page_in_the_sitemap_answers(client, demo_seminar):
    for url in locations(client):
        assert client.get(url).status_code == 200, url


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /_nested_admin/\n"
        "Disallow: /statistics/report.xlsx\n"
        "Disallow: /api/archive.\n"
        "\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )
