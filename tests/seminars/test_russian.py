import datetime

import pytest
from django.template import Context, Template

from seminars.templatetags.russian import date_range, plural, ru_date

TALK_FORMS = "доклад,доклада,докладов"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "0 докладов"),
        (1, "1 доклад"),
        (2, "2 доклада"),
        (4, "4 доклада"),
        (5, "5 докладов"),
        (11, "11 докладов"),
        (12, "12 докладов"),
        (14, "14 докладов"),
        (21, "21 доклад"),
        (22, "22 доклада"),
        (25, "25 докладов"),
        (101, "101 доклад"),
        (111, "111 докладов"),
        (1000, "1000 докладов"),
    ],
)
def test_plural_has_three_russian_forms(number, expected):
    assert plural(number, TALK_FORMS) == expected


def test_plural_filter_in_a_template():
    template = Template('{% load russian %}{{ n|plural:"доклад,доклада,докладов" }}')

    assert template.render(Context({"n": 22})) == "22 доклада"


def test_dates_use_genitive_months():
    assert ru_date(datetime.date(2025, 3, 5)) == "5 марта 2025 г."
    assert ru_date(datetime.date(2021, 11, 24)) == "24 ноября 2021 г."


def test_one_day_range_is_a_single_date():
    assert date_range(datetime.date(2021, 11, 24), None) == "24 ноября 2021 г."
    assert date_range(datetime.date(2021, 11, 24), datetime.date(2021, 11, 24)) == (
        "24 ноября 2021 г."
    )


def test_range_within_a_month():
    assert date_range(datetime.date(2010, 12, 8), datetime.date(2010, 12, 10)) == (
        "8–10 декабря 2010 г."
    )


def test_range_across_months():
    assert date_range(datetime.date(2021, 11, 30), datetime.date(2021, 12, 2)) == (
        "30 ноября – 2 декабря 2021 г."
    )


def test_range_across_years():
    assert date_range(datetime.date(2021, 12, 30), datetime.date(2022, 1, 2)) == (
        "30 декабря 2021 г. – 2 января 2022 г."
    )
