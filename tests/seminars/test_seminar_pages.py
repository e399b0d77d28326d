import json
import re

from seminars.models import Resolution, ResolutionItem, Seminar

DEMO_URL = "/seminars/2021/biblioteka-onlain-opyt-distantsionnogo-obsluzhivaniia-polzovatelei-v/"


def test_demo_seminar_has_a_readable_url(demo_seminar):
    assert demo_seminar.get_absolute_url() == DEMO_URL


def test_seminar_page_shows_all_twelve_talks_in_order(client, demo_seminar):
    response = client.get(DEMO_URL)

    assert response.status_code == 200
    talks = response.context["talks"]
    assert [talk.order for talk in talks] == list(range(1, 13))
    html = response.content.decode()
    assert "Программа: 12 докладов" in html
    positions = [html.index(f'id="talk-{order}"') for order in range(1, 13)]
    assert positions == sorted(positions)


def test_seminar_page_shows_dates_organiser_and_speakers_as_at_the_talk(client, demo_seminar):
    response = client.get(DEMO_URL)

    html = response.content.decode()
    assert "<dd>24 ноября 2021 г.</dd>" in html
    assert "межрегиональный семинар, очно-заочный" in html
    assert "Отдел научно-методической и проектной работы" in html
    assert (
        '<a href="/speakers/chelsheva-irina-viktorovna/">Чельшева Ирина Викторовна</a>, '
        "заведующий отделом «Детство»"
    ) in html


def test_seminar_page_shows_the_six_resolution_items(client, demo_seminar):
    response = client.get(DEMO_URL)

    sections = response.context["resolution_sections"]
    assert [section["title"] for section in sections] == ["Задачи", "Выводы"]
    assert [len(section["items"]) for section in sections] == [3, 3]
    html = response.content.decode()
    resolution = html[html.index('id="resolution"') : html.index("Версия резолюции для печати")]
    assert resolution.count("<li>") == 6


def test_a_resolution_without_items_still_shows_its_preamble(client, demo_seminar):
    ResolutionItem.objects.all().delete()
    Resolution.objects.update(preamble="Участники семинара договорились встретиться вновь.")

    response = client.get(DEMO_URL)

    assert response.context["resolution_sections"] == []
    html = response.content.decode()
    assert '<h2 id="resolution">Резолюция</h2>' in html
    assert "договорились встретиться вновь" in html
    assert client.get(DEMO_URL + "resolution/").status_code == 200


def test_a_seminar_without_a_resolution_has_no_resolution_section(client, demo_seminar):
    Resolution.objects.all().delete()

    response = client.get(DEMO_URL)

    assert response.context["resolution"] is None
    assert 'id="resolution"' not in response.content.decode()
    assert client.get(DEMO_URL + "resolution/").status_code == 404


def test_resolution_print_view(client, demo_seminar):
    response = client.get(DEMO_URL + "resolution/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Резолюция</h1>" in html
    assert "по итогам проведения семинара «Библиотека-онлайн" in html
    assert html.count('<ol class="resolution-items">') == 2
    assert 'href="/static/css/print.css" media="print"' in html


def test_resolution_print_headings_do_not_skip_a_level(client, demo_seminar):
    html = client.get(DEMO_URL + "resolution/").content.decode()

    assert re.findall(r"<h(\d)>([^<]*)</h\d>", html) == [
        ("1", "Резолюция"),
        ("2", "Задачи"),
        ("2", "Выводы"),
    ]


def test_seminar_page_has_event_json_ld(client, demo_seminar):
    response = client.get(DEMO_URL)

    html = response.content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Event"
    assert data["startDate"] == "2021-11-24"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert len(data["performer"]) == 12
    assert html.count("<script") == 1


def test_json_ld_cannot_close_its_script_element(client, demo_seminar):
    Seminar.objects.update(title="</script><script>alert(1)</script>")

    response = client.get(DEMO_URL)

    html = response.content.decode()
    assert html.count("<script") == 1
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html


def test_seminar_page_has_meta_and_open_graph(client, demo_seminar):
    response = client.get(DEMO_URL)

    html = response.content.decode()
    assert (
        f"<title>{demo_seminar.title} — Методическая копилка · Камчатская краевая детская библиотека им. В. Кручины</title>"
        in html
    )
    assert f'<link rel="canonical" href="http://testserver{DEMO_URL}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="description" content="24 ноября 2021 г.: межрегиональный семинар' in html


def test_wrong_year_is_404(client, demo_seminar):
    response = client.get(DEMO_URL.replace("2021", "2020"))

    assert response.status_code == 404


def test_unpublished_seminar_is_404_for_visitors(client, demo_seminar):
    Seminar.objects.update(is_published=False)

    assert client.get(DEMO_URL).status_code == 404
    assert client.get(DEMO_URL + "resolution/").status_code == 404


def test_staff_see_an_unpublished_seminar_as_a_draft(staff_client, demo_seminar):
    Seminar.objects.update(is_published=False)

    response = staff_client.get(DEMO_URL)

    assert response.status_code == 200
    assert "<strong>Черновик.</strong>" in response.content.decode()


def test_published_seminar_has_no_draft_banner(staff_client, demo_seminar):
    response = staff_client.get(DEMO_URL)

    assert "Черновик" not in response.content.decode()


def test_print_view_names_the_kind_in_the_genitive(client, demo_seminar):
    Seminar.objects.update(kind=Seminar.Kind.ROUND_TABLE)

    html = client.get(DEMO_URL + "resolution/").content.decode()

    assert "по итогам проведения круглого стола «Библиотека-онлайн" in html
