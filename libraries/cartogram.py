"""A tile-grid cartogram of Russia's 89 regions: one square per region, placed roughly where the
region lies, drawn on the server as SVG and coloured by a count (talks, for now).

Every tile is a link whose accessible name says the region and its count; the page shows the
same numbers in a table beside the map, so the picture is never the only way to read them.
"""

import math

from django.urls import reverse

from .models import Region

# Region code → (column, row, label). West to east, north to south; the grid is ours, drawn so
# that neighbours stay neighbours where a square grid allows it.
TILES = {
    "51": (2, 0, "МУР"),
    "87": (17, 0, "ЧУК"),
    "10": (2, 1, "КАР"),
    "29": (3, 1, "АРХ"),
    "83": (4, 1, "НЕН"),
    "11": (5, 1, "КОМ"),
    "89": (8, 1, "ЯНА"),
    "24": (10, 1, "КРЯ"),
    "14": (13, 1, "ЯКУ"),
    "49": (15, 1, "МАГ"),
    "41": (17, 1, "КАМ"),
    "78": (1, 2, "СПБ"),
    "47": (2, 2, "ЛЕН"),
    "35": (3, 2, "ВЛГ"),
    "44": (4, 2, "КОС"),
    "43": (5, 2, "КИР"),
    "59": (6, 2, "ПЕР"),
    "86": (8, 2, "ХМА"),
    "70": (10, 2, "ТОМ"),
    "38": (12, 2, "ИРК"),
    "28": (14, 2, "АМУ"),
    "27": (15, 2, "ХАБ"),
    "39": (0, 3, "КЛГ"),
    "60": (1, 3, "ПСК"),
    "53": (2, 3, "НОВ"),
    "76": (3, 3, "ЯРО"),
    "37": (4, 3, "ИВА"),
    "12": (5, 3, "МАР"),
    "18": (6, 3, "УДМ"),
    "66": (7, 3, "СВЕ"),
    "72": (8, 3, "ТЮМ"),
    "55": (9, 3, "ОМС"),
    "54": (10, 3, "НСК"),
    "42": (11, 3, "КЕМ"),
    "03": (12, 3, "БУР"),
    "75": (13, 3, "ЗАБ"),
    "79": (14, 3, "ЕАО"),
    "65": (16, 3, "САХ"),
    "67": (1, 4, "СМО"),
    "69": (2, 4, "ТВЕ"),
    "50": (3, 4, "МОС"),
    "33": (4, 4, "ВЛА"),
    "52": (5, 4, "НИЖ"),
    "16": (6, 4, "ТАТ"),
    "74": (7, 4, "ЧЕЛ"),
    "45": (8, 4, "КГН"),
    "22": (10, 4, "АЛТ"),
    "19": (11, 4, "ХАК"),
    "17": (12, 4, "ТЫВ"),
    "25": (15, 4, "ПРИ"),
    "32": (1, 5, "БРЯ"),
    "40": (2, 5, "КЛЖ"),
    "77": (3, 5, "МСК"),
    "62": (4, 5, "РЯЗ"),
    "21": (5, 5, "ЧУВ"),
    "02": (6, 5, "БАШ"),
    "56": (7, 5, "ОРБ"),
    "04": (11, 5, "РАЛ"),
    "46": (1, 6, "КРС"),
    "57": (2, 6, "ОРЛ"),
    "71": (3, 6, "ТУЛ"),
    "68": (4, 6, "ТАМ"),
    "13": (5, 6, "МОР"),
    "73": (6, 6, "УЛЬ"),
    "63": (7, 6, "САМ"),
    "31": (1, 7, "БЕЛ"),
    "36": (2, 7, "ВОР"),
    "48": (3, 7, "ЛИП"),
    "58": (4, 7, "ПЕН"),
    "64": (5, 7, "САР"),
    "95": (0, 8, "ХЕР"),
    "90": (1, 8, "ЗАП"),
    "93": (2, 8, "ДНР"),
    "94": (3, 8, "ЛНР"),
    "34": (4, 8, "ВГГ"),
    "91": (0, 9, "КРМ"),
    "23": (2, 9, "КДР"),
    "61": (3, 9, "РОС"),
    "08": (4, 9, "КЛМ"),
    "30": (5, 9, "АСТ"),
    "92": (0, 10, "СЕВ"),
    "01": (2, 10, "АДЫ"),
    "26": (3, 10, "СТА"),
    "09": (2, 11, "КЧР"),
    "07": (3, 11, "КБР"),
    "15": (4, 11, "СОА"),
    "06": (5, 11, "ИНГ"),
    "20": (6, 11, "ЧЕЧ"),
    "05": (7, 11, "ДАГ"),
}
COLUMNS = 1 + max(column for column, _, _ in TILES.values())
ROWS = 1 + max(row for _, row, _ in TILES.values())
TILE = 40  # px in the viewBox; the SVG scales to the width it is given
GAP = 3
# Light to dark: five steps of the site's blue; 0 stays grey. Text on steps 3–5 is white.
STEPS = 5


def step(count, largest):
    """0 for no talks, else 1–5 by the share of the largest count (square root: a few regions
    with many talks would otherwise leave every other region in the lightest step)."""
    if not count or not largest:
        return 0
    return max(1, min(STEPS, round(STEPS * (count / largest) ** 0.5)))


def region_map(counts, link=None, period=None, regions=None):
    """The map's tiles and table rows for `counts` ({region pk: count}).

    `link(region, count)` gives a tile's address; by default a region with talks opens the talk
    list filtered by it (the count is what that list finds), one without talks its region page.
    """
    talks = reverse("seminars:talk_list")
    if link is None:

        def link(region, count):
            if not count:
                return region.get_absolute_url()
            query = f"?region={region.slug}"
            if period is not None:
                query += f"&year_from={period.start}&year_to={period.end}"
            return talks + query

    if regions is None:
        regions = Region.objects.only("pk", "name", "slug", "code")
    largest = max(counts.values(), default=0)
    tiles = []
    # Reading order: row by row, west to east, as a screen reader walks the links.
    for region in sorted(regions, key=lambda region: TILES[region.code][1::-1]):
        column, row, label = TILES[region.code]
        count = counts.get(region.pk, 0)
        tiles.append(
            {
                "name": region.name,
                "slug": region.slug,
                "label": label,
                "count": count,
                "step": step(count, largest),
                "url": link(region, count),
                "x": column * (TILE + GAP),
                "y": row * (TILE + GAP),
            }
        )
    return {
        "tiles": tiles,
        # The table lists the regions that have a count, most first; the map shows all 89.
        "rows": sorted(
            (tile for tile in tiles if tile["count"]),
            key=lambda tile: (-tile["count"], tile["name"]),
        ),
        "width": COLUMNS * (TILE + GAP) - GAP,
        "height": ROWS * (TILE + GAP) - GAP,
        "tile": TILE,
        "largest": largest,
        "legend": legend(largest),
    }


def legend(largest):
    """The colour steps with the counts each stands for: «1», «2–3», «4–6»…"""
    starts = {}
    for value in range(1, STEPS + 1):
        # The smallest count of each step, found from the formula and corrected for rounding.
        low = max(1, math.ceil(largest * ((value - 0.5) / STEPS) ** 2))
        while low <= largest and step(low, largest) < value:
            low += 1
        while low > 1 and step(low - 1, largest) >= value:
            low -= 1
        if low <= largest and step(low, largest) == value:
            starts[value] = low
    steps = sorted(starts)
    items = []
    for index, value in enumerate(steps):
        low = starts[value]
        high = starts[steps[index + 1]] - 1 if index + 1 < len(steps) else largest
        items.append({"step": value, "label": str(low) if low == high else f"{low}–{high}"})
    return items
