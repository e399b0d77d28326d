"""The tile map of the 89 regions: every region once, in its place, with the talk list's count."""

import re

from libraries.cartogram import TILES, legend, region_map, step
from libraries.models import Region


def test_every_region_has_one_tile_of_its_own(db):
    codes = set(Region.objects.values_list("code", flat=True))

    assert set(TILES) == codes
    assert len(codes) == 89
    assert len({(column, row) for column, row, _ in TILES.values()}) == 89
    assert len({label for _, _, label in TILES.values()}) == 89


def test_neighbours_stay_neighbours():
    def place(code):
        return TILES[code][:2]

    # Moscow inside its oblast's column, Kamchatka east of Magadan, Kaliningrad farthest west.
    assert place("77")[0] == place("50")[0]
    assert place("41")[0] > place("49")[0]
    assert place("39")[0] == 0


def test_steps_and_legend():
    assert [step(count, 100) for count in (0, 1, 9, 26, 49, 82, 100)] == [0, 1, 2, 3, 4, 5, 5]
    assert legend(5) == [
        {"step": 2, "label": "1"},
        {"step": 3, "label": "2"},
        {"step": 4, "label": "3–4"},
        {"step": 5, "label": "5"},
    ]
    assert legend(0) == []


def test_map_links_regions_with_talks_to_the_talk_filter(demo_seminar):
    kamchatka = Region.objects.get(code="41")
    moscow = Region.objects.get(code="77")

    data = region_map({kamchatka.pk: 5})

    tiles = {tile["slug"]: tile for tile in data["tiles"]}
    assert tiles["kamchatskii-krai"]["url"] == "/talks/?region=kamchatskii-krai"
    assert tiles["kamchatskii-krai"]["step"] == 5
    assert tiles["moskva"]["url"] == moscow.get_absolute_url()
    assert [row["name"] for row in data["rows"]] == ["Камчатский край"]


def tiles_of(html):
    return re.findall(
        r'<a href="([^"]+)" class="tile step-(\d)" data-region="([^"]+)" data-count="(\d+)">\s*'
        r"<title>([^<]+)</title>",
        html,
    )


def test_home_regions_and_statistics_show_the_map_and_its_table(client, demo_seminar):
    for url in ["/", "/regions/", "/statistics/"]:
        html = client.get(url).content.decode()
        tiles = tiles_of(html)
        assert len(tiles) == 89, url
        counted = {slug: int(count) for _, _, slug, count, _ in tiles if int(count)}
        assert counted == {
            "kamchatskii-krai": 5,
            "vladimirskaia-oblast": 1,
            "zabaikalskii-krai": 1,
            "ivanovskaia-oblast": 1,
            "orlovskaia-oblast": 1,
            "samarskaia-oblast": 1,
            "sakhalinskaia-oblast": 1,
            "khabarovskii-krai": 1,
        }, url
        assert "Камчатский край: 5 докладов" in html
        assert "Республика Адыгея: 0 докладов" in html
        table = html.split('<div class="region-map-table">', 1)[1]
        assert re.search(r'Камчатский край</a></th><td class="number">5</td>', table), url
