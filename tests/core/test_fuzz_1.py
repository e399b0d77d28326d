"""Hostile query strings and path arguments, part 2 of 2 (split to run on two workers)."""

from tests.core.fuzz import run_fuzz

EXAMPLES = 5000


def test_no_public_url_answers_5xx_to_hostile_input(client, demo_seminar):
    routes, sent = run_fuzz(client, share=1, shares=2, examples=EXAMPLES)

    assert len(sent) == EXAMPLES
    assert set(sent) == set(routes)  # every public URL pattern got its share
