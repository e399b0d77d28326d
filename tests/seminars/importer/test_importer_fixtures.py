import pytest

from tests.seminars.importer.importer_fixtures import (
    DOCUMENTS,
    compare,
    differences,
    expected,
    parse_fixture,
)


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_fixture_document_parses_exactly(name):
    want = expected(name)

    got = parse_fixture(name)
    # The description is the narrative copied verbatim; the seed test checks it. The marks of
    # unsure fields are hints for the review page; test_importer_parts checks them.
    got["seminar"].pop("description")
    got["seminar"].pop("unsure")
    for talk in got["talks"]:
        talk.pop("unsure")
        for speaker in talk["speakers"]:
            speaker.pop("unsure")

    assert got == want, differences(want, got)


def test_accuracy_report_counts_every_expected_field():
    want = expected("round_table_2024")
    got = parse_fixture("round_table_2024")
    got["talks"][0]["speakers"][0]["position"] = "библиотекарь"

    score = compare(want, got)

    assert score["speaker.position", False] == 1
    assert score["speaker.position", True] == 2
    assert sum(score.values()) == 47
