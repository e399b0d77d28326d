"""A visitor registers for an upcoming seminar: the form, its rules, the letters, cancelling."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from registrations.models import CONSENT_VERSION, Registration

pytestmark = pytest.mark.django_db


def test_the_seminar_page_announces_registration_with_places_left(client, upcoming):
    response = client.get(upcoming.get_absolute_url())

    page = response.content.decode()
    deadline = upcoming.start_date - datetime.timedelta(days=1)
    assert "Регистрация открыта до" in page
    assert f"{deadline.day} " in page and "включительно" in page
    assert "Осталось 40 мест из 40." in page
    assert 'name="last_name"' in page
    assert "Текст согласия" in page


def test_a_registration_is_stored_with_its_consent_and_confirmed_by_mail(
    post, client, upcoming, register_url, form_data
):
    before = timezone.now()
    response = post(register_url, form_data())

    assert response.status_code == 302
    assert response["Location"].endswith("/registration/done/?status=registered")
    registration = Registration.objects.get()
    assert registration.full_name == "Ёлкина Анна-Мария Петровна"
    assert registration.email == "elkina@example.ru"
    assert registration.status == Registration.Status.REGISTERED
    assert registration.participation == Registration.Participation.ONLINE
    assert registration.library is None
    assert registration.library_text == "Соболевская сельская библиотека"
    assert registration.consent_version == CONSENT_VERSION
    assert registration.consent_at >= before
    [message] = mail.outbox
    assert message.to == ["elkina@example.ru"]
    assert message.subject == f"Регистрация подтверждена: {upcoming.title}"
    assert registration.cancel_url() in message.body
    assert "https://example.ru/webinar/detskaya-kniga" in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{upcoming.slug}.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["summary"]) == upcoming.title
    assert event.decoded("dtstart") == upcoming.start_date
    page = client.get(upcoming.get_absolute_url()).content.decode()
    assert "Осталось 39 мест из 40." in page


def test_a_suggested_library_is_linked(post, client, upcoming, register_url, form_data):
    library = upcoming.organizer

    post(register_url, form_data(library_text=library.slug))

    registration = Registration.objects.get()
    assert (registration.library, registration.library_text) == (library, str(library))


def test_a_second_registration_with_the_same_address_changes_nothing(
    post, client, upcoming, register_url, form_data
):
    post(register_url, form_data())
    mail.outbox.clear()

    response = post(register_url, form_data(email="ELKINA@example.RU", position="директор"))

    assert response.status_code == 200
    assert "С этого адреса на семинар уже зарегистрировались. Регистрация не изменена" in (
        response.content.decode()
    )
    assert list(Registration.objects.values_list("position", flat=True)) == ["ведущий методист"]
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_name", "Ёлкина2", "Только буквы, дефис и пробел."),
        ("first_name", "<script>", "Только буквы, дефис и пробел."),
        ("patronymic", "Петровна--", "Только буквы, дефис и пробел."),
        ("last_name", "", "Укажите фамилию."),
        ("last_name", "Я" * 101, "Убедитесь, что это значение содержит не более 100 символов"),
        ("email", "elkina@", "Адрес электронной почты выглядит так: name@example.ru."),
        ("email", "", "Укажите адрес электронной почты"),
        ("phone", "звоните", "Телефон — от 6 до 15 цифр"),
        ("phone", "12", "Телефон — от 6 до 15 цифр"),
        ("consent", None, "Без согласия на обработку персональных данных регистрация невозможна."),
        ("region", "999999", "Выберите корректный вариант"),
        ("library_text", "", "Укажите библиотеку, в которой вы работаете."),
        ("position", "методист\x00", "Данные содержат запрещённый символ"),
    ],
)
def test_bad_input_gets_a_russian_message_and_nothing_is_stored(
    post, client, register_url, form_data, field, value, message
):
    response = post(register_url, form_data(**{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_names_of_letters_hyphens_and_spaces_are_accepted(post, client, register_url, form_data):
    response = post(
        register_url,
        form_data(last_name="Салтыкова-Щедрина", first_name="Анна Мария", patronymic=""),
    )

    assert response.status_code == 302
    assert Registration.objects.get().full_name == "Салтыкова-Щедрина Анна Мария"


def test_a_bot_filling_the_hidden_box_is_told_success_and_nothing_is_stored(
    post, client, register_url, form_data
):
    response = post(register_url, form_data(website="http://spam.example"))

    assert response.status_code == 302
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_one_address_may_register_only_so_many_people_an_hour(
    post, client, settings, register_url, form_data
):
    settings.REGISTRATIONS_PER_IP_HOUR = 2
    codes = [
        post(register_url, form_data(email=f"person{n}@example.ru")).status_code for n in range(3)
    ]

    assert codes == [302, 302, 429]
    assert Registration.objects.count() == 2
    other = post(register_url, form_data(email="other@example.ru"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_past_capacity_people_wait_and_a_cancellation_gives_the_place_on(
    post, client, upcoming, register_url, form_data
):
    upcoming.capacity = 1
    upcoming.save()
    post(register_url, form_data(email="first@example.ru"))

    response = post(register_url, form_data(email="second@example.ru"))

    assert response["Location"].endswith("?status=waitlist")
    first, second = Registration.objects.order_by("id")
    assert (first.status, second.status) == ("registered", "waitlist")
    assert mail.outbox[1].subject.startswith("Лист ожидания")
    assert "Мест нет" in client.get(upcoming.get_absolute_url()).content.decode()

    post(first.cancel_url())

    second.refresh_from_db()
    assert second.status == "registered"
    assert mail.outbox[-1].subject.startswith("Освободилось место")
    assert mail.outbox[-1].to == ["second@example.ru"]


def test_after_the_deadline_the_form_is_gone_and_posts_are_refused(
    post, client, upcoming, register_url, form_data
):
    upcoming.registration_deadline = timezone.now() - datetime.timedelta(minutes=1)
    upcoming.save()

    page = client.get(upcoming.get_absolute_url()).content.decode()
    response = post(register_url, form_data())

    assert "Регистрация закрыта." in page and 'name="last_name"' not in page
    assert response.status_code == 409
    assert "Регистрация закрыта." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_seminar_without_registration_has_no_form(post, client, demo_seminar):
    page = client.get(demo_seminar.get_absolute_url()).content.decode()
    url = f"/seminars/2021/{demo_seminar.slug}/registration/"

    assert "Регистрация" not in page
    assert client.get(url).status_code == 404
    assert post(url, {}).status_code == 404


def test_the_cancel_link_asks_first_then_cancels_and_deletes_the_personal_data(
    post, client, register_url, form_data
):
    post(register_url, form_data())
    registration = Registration.objects.get()
    url = registration.cancel_url()

    asked = client.get(url)
    registration.refresh_from_db()
    assert registration.status == "registered"
    assert "Отменить регистрацию" in asked.content.decode()

    done = post(url)

    registration.refresh_from_db()
    assert "Регистрация на «" in done.content.decode()
    assert registration.status == "cancelled"
    assert (registration.last_name, registration.first_name, registration.email) == ("", "", "")
    assert (registration.position, registration.phone) == ("", "")
    assert registration.purged_at is not None
    assert client.get(url).status_code == 404
    # The address may register again.
    assert post(register_url, form_data()).status_code == 302


def test_a_forged_cancel_link_is_not_found(post, client, register_url, form_data):
    post(register_url, form_data())
    url = Registration.objects.get().cancel_url()

    assert client.get(url[:-3] + "xyz/").status_code == 404
    assert post(url.replace("/cancel/", "/cancel/A")).status_code == 404
    assert Registration.objects.get().status == "registered"


def test_the_consent_text_is_one_click_away(client, register_url):
    page = client.get("/registration/consent/").content.decode()

    assert "152-ФЗ" in page
    assert "12 месяцев после семинара" in page
    assert CONSENT_VERSION in page


def test_the_upcoming_seminar_is_announced_on_home_calendars_organiser_and_region(client, upcoming):
    organizer, region = upcoming.organizer, upcoming.organizer.region
    pages = {
        "home": "/",
        "calendar": "/calendar/upcoming.ics",
        "organizer calendar": f"/calendar/organizers/{organizer.slug}.ics",
        "region calendar": f"/calendar/regions/{region.slug}.ics",
        "organizer": organizer.get_absolute_url(),
        "region": region.get_absolute_url(),
    }

    missing = [
        name
        for name, url in pages.items()
        if upcoming.title[:30] not in client.get(url).content.decode().replace("\r\n ", "")
    ]

    assert missing == []
    assert upcoming.start_date > timezone.localdate() + datetime.timedelta(days=25)
