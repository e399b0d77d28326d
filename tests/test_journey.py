"""The visitor's path the issue names: home → talks from Kamchatka → a speaker → their library."""

import re


def follow(client, html, text):
    """The page behind the first link whose text is `text`."""
    match = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>', html)
    assert match, f"no link «{text}»"
    response = client.get(match.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    return response.content.decode()


def test_home_to_kamchatka_talks_to_a_speaker_to_their_library(client, demo_seminar):
    home = client.get("/").content.decode()

    talks = follow(client, home, "Камчатский край")
    speaker = follow(client, talks, "Масенкова Людмила Валерьевна")
    library = follow(client, speaker, "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»")

    assert "Найдено: 5 докладов" in talks
    assert "<h1>Масенкова Людмила Валерьевна</h1>" in speaker
    assert "<h1>Камчатская краевая детская библиотека им. В. Кручины</h1>" in library
    assert "Социальное партнерство как фактор успешного" in library
