"""NUL characters, bytes that are not UTF-8 and over-long values answer 400 with a Russian reason
on every public URL, the admin and the API, on both databases: PostgreSQL refused NUL in a query
with a ValueError (a 500)."""

import pytest

from core.errors import MAX_PARAMETER_LENGTH
from tests.core.fuzz import run_unusable


def reason(response):
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    "url",
    [
        "/libraries/suggest.json?q=a%00b",
        "/speakers/suggest.json?q=a%00b",
        "/seminars/suggest.json?q=a%00b",
        "/speakers/?letter=%00",
        "/admin/seminars/seminar/?q=a%00b",
        "/search/?q=%00маяк",
    ],
)
def test_a_nul_character_is_a_400(client, demo_seminar, url):
    response = client.get(url)

    assert response.status_code == 400
    assert "<h1>Неверный запрос</h1>" in reason(response)
    assert "В параметрах адреса есть нулевой символ (%00)." in reason(response)


def test_bytes_that_are_not_utf8_are_a_400(client, demo_seminar):
    response = client.get("/search/?q=%ff%fe")

    assert response.status_code == 400
    assert "байты, которые не являются текстом в UTF-8" in reason(response)


def test_an_over_long_value_is_a_400_and_the_longest_allowed_is_read(client, demo_seminar):
    too_long = client.get("/talks/", {"q": "ё" * (MAX_PARAMETER_LENGTH + 1)})
    longest = client.get("/talks/", {"q": "ё" * MAX_PARAMETER_LENGTH})

    assert too_long.status_code == 400
    assert "Параметр адреса длиннее 10 000 символов: сократите запрос." in reason(too_long)
    assert longest.status_code == 200


def test_a_nul_in_the_path_or_a_cookie_is_a_400(client, demo_seminar):
    in_path = client.get("/talks/export.c%00sv")
    response = client.get("/admin/", HTTP_COOKIE="sessionid=abcdefgh\x00ijklmnop")

    assert in_path.status_code == 400
    assert "В адресе страницы есть нулевой символ (%00)." in reason(in_path)
    assert response.status_code == 400
    assert "удалите cookie этого сайта" in reason(response)


def test_ordinary_russian_input_is_untouched(client, demo_seminar):
    assert client.get("/search/", {"q": "Ёлкина библиотека"}).status_code == 200
    assert client.get("/speakers/", {"letter": "Ё"}).status_code == 200
    assert client.get("/libraries/suggest.json", {"q": "камчат"}).status_code == 200


def test_every_public_url_refuses_unusable_input(client, demo_seminar):
    assert run_unusable(client) > 300


def test_the_api_refuses_them_in_json_or_finds_nothing(client, demo_seminar):
    nul = client.get("/api/talks/?q=a%00b")
    not_utf8 = client.get("/api/talks/?q=%ff")
    too_long = client.get("/api/talks/", {"q": "ё" * (MAX_PARAMETER_LENGTH + 1)})

    assert (nul.status_code, nul["Content-Type"]) == (400, "application/json")
    assert not_utf8.status_code in (200, 400)
    assert too_long.status_code in (200, 400)
    for response in (not_utf8, too_long):
        assert response.status_code == 400 or response.json()["results"] == []
