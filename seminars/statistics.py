"""Numbers for the department's annual report: a year or a range of years of published seminars.

Everything is counted in the database (a fixed number of aggregate queries, whatever the size of
the archive). A talk belongs to the regions, libraries and localities of its speakers' libraries; a
region or locality "took part" if a speaker came from it or the seminar lists it as a participant.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from libraries.cartogram import region_map
from libraries.models import FederalDistrict, Library, Locality, Region

from .models import Seminar, Talk, TalkSpeaker

# Municipal formations whose coverage the department reports for its own region.
DISTRICT_KINDS = [
    Locality.Kind.MUNICIPAL_DISTRICT,
    Locality.Kind.MUNICIPAL_OKRUG,
    Locality.Kind.URBAN_OKRUG,
]
TOP = 10


@dataclass
class Counted:
    """People counted by another app (registrations/) for a period's seminars: for `seminars`
    their hand-typed «число участников» gives way to `participants`, counted from real people."""

    seminars: list[int]
    participants: int
    summary: dict[str, int]
    tables: list


# Functions of a queryset of seminars returning `Counted`; apps that count people add theirs
# (registrations/apps.py), so that this module needs none of them.
counters = []


@dataclass
class Table:
    """A titled table; `chart` lists the numeric columns drawn as bars beside it."""

    slug: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: list[int] = field(default_factory=list)
    # Columns of changes, shown with their sign: «+12», «−3».
    signed: list[int] = field(default_factory=list)


@dataclass
class Period:
    start: int
    end: int

    def __str__(self):
        return f"{self.start}" if self.start == self.end else f"{self.start}–{self.end}"

    @property
    def label(self):
        """«2021 год», «2019–2021 годы»: what «Статистика за …» needs."""
        return f"{self} год" if self.start == self.end else f"{self} годы"

    @property
    def previous(self):
        length = self.end - self.start + 1
        return Period(self.start - length, self.end - length)

    def seminars(self):
        return Seminar.objects.published().filter(
            start_date__range=(datetime.date(self.start, 1, 1), datetime.date(self.end, 12, 31))
        )


@dataclass
class Statistics:
    period: Period
    home_region: Region | None
    tables: list[Table]
    regions_taking_part: list[str]
    regions_not_taking_part: list[str]
    # The tile map of the period's talks by region (libraries/cartogram.py).
    region_map: dict = field(default_factory=dict)

    def table(self, slug):
        return next(table for table in self.tables if table.slug == slug)


def _participating(seminars, field, listed_in):
    """Q for regions or localities (`field`) that a speaker came from or the seminar lists."""
    # Non-null values only: a NULL in a NOT IN subquery would make exclude() return nothing.
    from_speakers = TalkSpeaker.objects.filter(
        talk__seminar__in=seminars, **{f"library__{field}__isnull": False}
    ).values(f"library__{field}")
    listed = listed_in.objects.filter(seminar__in=seminars).values(field)
    return Q(pk__in=from_speakers) | Q(pk__in=listed)


def _participating_regions(seminars):
    return _participating(seminars, "region", Seminar.regions.through)


def _participating_localities(seminars):
    return _participating(seminars, "locality", Seminar.localities.through)


def _counted(seminars):
    return [count(seminars) for count in counters]


def _totals(period, counted):
    seminars = period.seminars()
    speakers = TalkSpeaker.objects.filter(talk__seminar__in=seminars)
    totals = seminars.aggregate(
        seminars=Count("pk"),
        participants=Sum(
            "participants_count",
            filter=~Q(pk__in=[pk for c in counted for pk in c.seminars]),
        ),
    )
    extra = {label: value for c in counted for label, value in c.summary.items()}
    return {
        "seminars": totals["seminars"],
        "talks": Talk.objects.filter(seminar__in=seminars).count(),
        "speakers": speakers.values("person").distinct().count(),
        "libraries": speakers.filter(library__isnull=False).values("library").distinct().count(),
        "localities": Locality.objects.filter(_participating_localities(seminars)).count(),
        "regions": Region.objects.filter(_participating_regions(seminars)).count(),
        "participants": (totals["participants"] or 0) + sum(c.participants for c in counted),
        **extra,
    }


SUMMARY_LABELS = {
    "seminars": "Мероприятия",
    "talks": "Доклады",
    "speakers": "Докладчики",
    "libraries": "Библиотеки докладчиков",
    "localities": "Населённые пункты и районы",
    "regions": "Регионы",
    "participants": "Участники (по данным мероприятий)",
}


def _summary(period, counted):
    """`counted`: the counters' answers for `period`, which the report's own tables show too."""
    current = _totals(period, counted)
    previous = _totals(period.previous, _counted(period.previous.seminars()))
    return Table(
        "summary",
        "Итоги",
        ["Показатель", str(period), str(period.previous), "Изменение"],
        [
            [label, current[key], previous[key], current[key] - previous[key]]
            for key, label in SUMMARY_LABELS.items()
            # Participants are counted only where a seminar states them: no figure, no row.
            if key != "participants" or current[key] or previous[key]
        ]
        + [
            # Rows of the counters (registrations): labels are their own keys.
            [key, current[key], previous.get(key, 0), current[key] - previous.get(key, 0)]
            for key in current
            if key not in SUMMARY_LABELS and (current[key] or previous.get(key))
        ],
        chart=[1, 2],
        signed=[3],
    )


def _by_choice(seminars, name, slug, title, header):
    choices = Seminar._meta.get_field(name).choices
    counts = dict(seminars.values_list(name).annotate(n=Count("pk")).order_by())
    rows = [[label, counts[value]] for value, label in choices if counts.get(value)]
    rows.sort(key=lambda row: -row[1])
    return Table(slug, title, [header, "Мероприятий"], rows, chart=[1])


def _top_regions(seminars):
    rows = (
        TalkSpeaker.objects.filter(talk__seminar__in=seminars, library__region__isnull=False)
        .values_list("library__region__name")
        .annotate(talks=Count("talk", distinct=True))
        .order_by("-talks", "library__region__sort_key")[:TOP]
    )
    return Table(
        "top-regions",
        "Регионы по числу докладов",
        ["Регион", "Докладов"],
        [list(r) for r in rows],
        chart=[1],
    )


def _top_libraries(seminars):
    rows = (
        Library.objects.published()
        .filter(speaker_roles__talk__seminar__in=seminars)
        .annotate(talks=Count("speaker_roles__talk", distinct=True))
        .select_related("parent__parent")
        .order_by("-talks", "sort_key", "pk")[:TOP]
    )
    return Table(
        "top-libraries",
        "Библиотеки по числу докладов",
        ["Библиотека", "Докладов"],
        [[str(library), library.talks] for library in rows],
        chart=[1],
    )


def _federal_districts(taking_part):
    counts = {
        row["federal_district"]: row
        for row in Region.objects.values("federal_district")
        .annotate(total=Count("pk"), took=Count("pk", filter=taking_part))
        .order_by()
    }
    return Table(
        "federal-districts",
        "Участие регионов по федеральным округам",
        ["Федеральный округ", "Регионов", "Участвовали"],
        [
            [label, counts[value]["total"], counts[value]["took"]]
            for value, label in FederalDistrict.choices
            if value in counts
        ],
        chart=[1, 2],
    )


def _home_region(seminars):
    """The organiser's own region: where most of the period's (or else all) seminars come from."""
    for queryset in (seminars, Seminar.objects.published()):
        region_id = (
            queryset.filter(organizer__region__isnull=False)
            .values_list("organizer__region")
            .annotate(n=Count("pk"))
            .order_by("-n", "organizer__region")
            .values_list("organizer__region", flat=True)
            .first()
        )
        if region_id:
            return Region.objects.get(pk=region_id)
    return None


def _districts(seminars, home_region):
    title, headers = "Муниципальные районы и округа", ["Район или округ", "Докладов", "Участие"]
    if home_region is None:
        return Table("districts", title, headers)
    districts = (
        Locality.objects.filter(region=home_region, kind__in=DISTRICT_KINDS)
        .annotate(
            talks=Count(
                "libraries__speaker_roles__talk",
                filter=Q(libraries__speaker_roles__talk__seminar__in=seminars),
                distinct=True,
            ),
            took_part=Count("pk", filter=_participating_localities(seminars)),
        )
        .order_by("sort_key", "pk")
    )
    return Table(
        "districts",
        f"{title}: {home_region.name}",
        headers,
        [
            [district.name, district.talks, "да" if district.took_part else "нет"]
            for district in districts
        ],
        chart=[1],
    )


def _by_year(period, seminars):
    """Seminars, talks, speakers and participants for each year of a range (zero years too)."""
    year = ExtractYear("start_date")
    per_year = {
        row["year"]: row
        for row in seminars.annotate(year=year)
        .values("year")
        .annotate(seminars=Count("pk"), participants=Sum("participants_count"))
        .order_by()
    }
    talks = dict(
        Talk.objects.filter(seminar__in=seminars)
        .annotate(year=ExtractYear("seminar__start_date"))
        .values_list("year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    speakers = dict(
        TalkSpeaker.objects.filter(talk__seminar__in=seminars)
        .annotate(year=ExtractYear("talk__seminar__start_date"))
        .values_list("year")
        .annotate(n=Count("person", distinct=True))
        .order_by()
    )
    rows = []
    for number in range(period.start, period.end + 1):
        row = per_year.get(number, {})
        rows.append(
            [
                str(number),
                row.get("seminars", 0),
                talks.get(number, 0),
                speakers.get(number, 0),
                row.get("participants") or 0,
            ]
        )
    return Table(
        "years",
        "По годам",
        ["Год", "Мероприятий", "Докладов", "Докладчиков", "Участников"],
        rows,
        chart=[1, 2],
    )


def _region_talks(seminars):
    """Talks of the period per region (by the speakers' libraries), for the map."""
    return dict(
        TalkSpeaker.objects.filter(talk__seminar__in=seminars, library__region__isnull=False)
        .values_list("library__region")
        .annotate(n=Count("talk", distinct=True))
        .order_by()
    )


def compute(start, end=None):
    period = Period(start, end or start)
    seminars = period.seminars()
    taking_part = _participating_regions(seminars)
    home_region = _home_region(seminars)
    counted = _counted(seminars)
    regions = Region.objects.order_by("sort_key")
    # A range also gets a row per year; a single year would repeat the summary.
    by_year = [_by_year(period, seminars)] if period.end > period.start else []
    return Statistics(
        period=period,
        home_region=home_region,
        tables=[
            _summary(period, counted),
            *by_year,
            _by_choice(seminars, "kind", "kinds", "Мероприятия по видам", "Вид"),
            _by_choice(seminars, "format", "formats", "Мероприятия по формату", "Формат"),
            _by_choice(seminars, "scope", "scopes", "Мероприятия по уровню", "Уровень"),
            _top_regions(seminars),
            _top_libraries(seminars),
            _federal_districts(taking_part),
            _districts(seminars, home_region),
            *(table for each in counted for table in each.tables),
        ],
        regions_taking_part=list(regions.filter(taking_part).values_list("name", flat=True)),
        regions_not_taking_part=list(regions.exclude(taking_part).values_list("name", flat=True)),
        region_map=region_map(_region_talks(seminars), period=period),
    )


def years():
    """Years that have published seminars, newest first."""
    return [
        date.year for date in Seminar.objects.published().dates("start_date", "year", order="DESC")
    ]


SHEET_NAMES = {
    "summary": "Итоги",
    "years": "По годам",
    "kinds": "Виды",
    "formats": "Форматы",
    "scopes": "Уровни",
    "top-regions": "Регионы по докладам",
    "top-libraries": "Библиотеки по докладам",
    "federal-districts": "Федеральные округа",
    "districts": "Районы",
}


def sheet_name(table):
    # Excel allows 31 characters in a sheet's name.
    return SHEET_NAMES.get(table.slug) or table.title[:31]


def xlsx_report(start, end):
    """The workbook for a period, as the background worker builds it (core.downloads)."""
    return to_xlsx(compute(start, end))


def to_xlsx(statistics):
    """The report as a formatted workbook: one sheet per table, ready to paste into a document."""
    import io

    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.legend import Legend
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from core.spreadsheets import xlsx_row

    bold, thin = Font(bold=True), Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE7F0")

    def write(sheet, title, headers, rows):
        sheet.append(xlsx_row(sheet, [title], font=Font(bold=True, size=13)))
        sheet.append(xlsx_row(sheet, [f"Период: {statistics.period}"]))
        sheet.append([])
        sheet.append(xlsx_row(sheet, headers))
        for cell in sheet[4]:
            cell.font, cell.fill, cell.border = bold, header_fill, border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
            for cell in sheet[sheet.max_row]:
                cell.border = border
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
        sheet.column_dimensions["A"].width = 60
        for index in range(2, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 16
        sheet.freeze_panes = "A5"

    def bar_chart(sheet, table):
        chart = BarChart()
        chart.type, chart.title, chart.legend = "bar", table.title, None
        last = 4 + len(table.rows)
        for column in table.chart:
            data = Reference(sheet, min_col=column + 1, min_row=4, max_row=last)
            chart.add_data(data, titles_from_data=True)
        if len(table.chart) > 1:
            chart.legend = Legend()
        chart.set_categories(Reference(sheet, min_col=1, min_row=5, max_row=last))
        # Largest at the top, as in the table.
        chart.x_axis.scaling.orientation = "maxMin"
        chart.width, chart.height = 18, max(6, 1 + 0.8 * len(table.rows) * len(table.chart))
        return chart

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in statistics.tables:
        sheet = workbook.create_sheet(sheet_name(table))
        write(sheet, table.title, table.headers, table.rows)
        if table.chart and table.rows:
            sheet.add_chart(
                bar_chart(sheet, table), f"{get_column_letter(len(table.headers) + 2)}4"
            )
    write(
        workbook.create_sheet("Участие регионов"),
        "Регионы: участвовали и не участвовали",
        ["Регион", "Участие"],
        [[name, "да"] for name in statistics.regions_taking_part]
        + [[name, "нет"] for name in statistics.regions_not_taking_part],
    )
    workbook.properties.title = f"Статистика «Методической копилки» за {statistics.period}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Bar:
    series: int
    y: int
    width: int
    value: int


@dataclass
class ChartRow:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass
class Chart:
    """Geometry of a horizontal bar chart, drawn as SVG by the template (no script, no styles)."""

    width: int
    height: int
    rows: list[ChartRow]
    legend: list[str]


# Narrow enough to be drawn at its own size on a 360 px phone: its 13 px text stays 13 px.
CHART_WIDTH, BAR_AREA, LABEL_HEIGHT, BAR_HEIGHT, GAP = 320, 250, 18, 14, 10


def chart(table):
    if not table.chart or not table.rows:
        return None
    # A comparison series with nothing in it (a year before the archive began) is left out.
    first, *others = table.chart
    columns = [first, *(column for column in others if any(row[column] for row in table.rows))]
    values = [row[column] for row in table.rows for column in columns]
    largest = max(max(values), 1)
    rows, y = [], 0
    for row in table.rows:
        label_y = y + LABEL_HEIGHT - 4
        y += LABEL_HEIGHT
        bars = []
        for series, column in enumerate(columns, start=1):
            value = max(row[column], 0)
            bars.append(Bar(series, y, round(value / largest * BAR_AREA), value))
            y += BAR_HEIGHT + 2
        rows.append(ChartRow(str(row[0]), label_y, bars))
        y += GAP
    legend = [table.headers[column] for column in columns] if len(columns) > 1 else []
    return Chart(CHART_WIDTH, y, rows, legend)
