import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from libraries.models import Library
from seminars.models import Seminar

IMPORTER_FIXTURES = Path(__file__).parent.parent / "seminars" / "importer" / "fixtures"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Читающий регион: итоги года"
TALK = "Буктрейлер как жанр: от идеи до публикации"


def choose(page, field_id, typed, option):
    """Picks `option` in the admin's autocomplete (select2) for the field, after typing."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()


def log_in(page, django_user_model, url):
    django_user_model.objects.create_superuser("metodist", "m@example.ru", "Секрет-пароль-2021")
    page.goto(url)
    page.get_by_label("Имя пользователя").fill("metodist")
    page.get_by_label("Пароль").fill("Секрет-пароль-2021")
    page.get_by_role("button", name="Войти").click()


def test_staff_adds_a_seminar_with_a_talk_and_a_new_speaker_and_publishes_it(
    page, django_user_model
):
    log_in(page, django_user_model, "/admin/seminars/seminar/add/")
    expect(page.locator("h1")).to_have_text("Добавить семинар")

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_start_date").fill("15.03.2022")
    choose(page, "id_organizer", "краевая детская", "Камчатская краевая детская библиотека")
    page.locator(".djn-add-handler.djn-model-seminars-talk").filter(visible=True).click()
    page.locator("#id_talks-0-order").fill("1")
    page.locator("#id_talks-0-title").fill(TALK)

    # A speaker who is not in the database yet: the "+" beside the autocomplete opens a popup.
    with page.expect_popup() as popup_info:
        page.locator("#add_id_talks-0-speakers-0-person").click()
    popup = popup_info.value
    popup.locator("#id_last_name").fill("Ёлкина")
    popup.locator("#id_first_name").fill("Вера")
    popup.locator("#id_patronymic").fill("Павловна")
    popup.locator("#id_consent").select_option("given")
    popup.locator("#id_consent_date").fill("01.03.2022")
    # Waiting from before the click: a popup that closes at once would be missed after it.
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator("#select2-id_talks-0-speakers-0-person-container")).to_have_text(
        "Ёлкина Вера Павловна"
    )
    page.locator("#id_talks-0-speakers-0-position").fill("библиотекарь")
    choose(page, "id_talks-0-speakers-0-library", "кручины", "Камчатская краевая детская")
    page.locator("#id_is_published").check()
    page.get_by_role("button", name="Сохранить", exact=True).click()

    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)
    seminar = Seminar.objects.get(title=TITLE)
    assert seminar.is_published is True
    talk = seminar.talks.get()
    assert talk.title == TALK
    assert [str(s.person) for s in talk.speakers.all()] == ["Ёлкина Вера Павловна"]

    page.goto("/")
    nav = page.get_by_role("navigation", name="Разделы сайта")
    nav.get_by_role("link", name="Семинары").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.get_by_text(TALK)).to_be_visible()
    page.get_by_role("link", name="Ёлкина Вера Павловна").click()
    expect(page.locator("h1")).to_have_text("Ёлкина Вера Павловна")


def test_staff_import_a_programme_confirm_the_draft_and_publish_it(page, django_user_model):
    log_in(page, django_user_model, "/admin/seminars/seminar/")
    page.get_by_role("link", name="Импорт резолюции").click()
    expect(page.locator("h1")).to_have_text("Импорт резолюции")

    page.get_by_label("Файл").set_input_files(IMPORTER_FIXTURES / "conference_2024.md")
    page.get_by_role("button", name="Разобрать документ").click()
    expect(page.locator("h1")).to_have_text("Импорт резолюции: проверка")
    expect(page.locator("[name=title]")).to_have_value("Детская книга в цифровую эпоху")
    # The programme names no level or format: staff choose them, or accept the defaults.
    page.get_by_label("Записать значения по умолчанию").check()
    page.get_by_role("button", name="Создать черновик семинара").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        "Создан черновик семинара «Детская книга в цифровую эпоху»: докладов 3"
    )
    seminar = Seminar.objects.get(title="Детская книга в цифровую эпоху")
    assert seminar.is_published is False
    assert seminar.talks.count() == 3
    page.locator("#id_is_published").check()
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto("/seminars/")
    page.get_by_role("link", name="Детская книга в цифровую эпоху").click()
    expect(page.locator("h1")).to_have_text("Детская книга в цифровую эпоху")
    expect(page.get_by_text("Детская книга онлайн: итоги трёх лет")).to_be_visible()


def test_staff_edits_the_speakers_of_a_seminar_with_many_talks(page, django_user_model):
    call_command("load_demo", stdout=io.StringIO())
    seminar = Seminar.objects.get()
    log_in(page, django_user_model, f"/admin/seminars/seminar/{seminar.pk}/change/")
    expect(page.locator("#select2-id_talks-1-speakers-0-person-container")).to_have_text(
        "Калиновская Ирина Михайловна"
    )

    # Another library for the speaker of the second talk: its links now lead to that library.
    choose(page, "id_talks-1-speakers-0-library", "кручины", "Камчатская краевая детская")
    library = Library.objects.get(name__contains="Кручины")
    expect(page.locator("#view_id_talks-1-speakers-0-library")).to_have_attribute(
        "href", f"/admin/libraries/library/{library.pk}/change/?_to_field=id"
    )
    # A second speaker for the first talk, in a row made from that talk's empty form.
    talk = page.locator("#talks-0")
    talk.locator(".djn-add-handler.djn-model-seminars-talkspeaker").click()
    page.locator("#id_talks-0-speakers-1-order").fill("2")
    choose(page, "id_talks-0-speakers-1-person", "калинов", "Калиновская Ирина Михайловна")
    page.get_by_role("button", name="Сохранить и продолжить редактирование").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    second, first = (seminar.talks.get(order=order) for order in (2, 1))
    assert second.speakers.get().library == library
    assert [str(s.person) for s in first.speakers.all()] == [
        "Абрамкина Елена Ивановна",
        "Калиновская Ирина Михайловна",
    ]
