"""The change form of a seminar: every talk, speaker, resolution item and link, at a bounded cost."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from libraries.models import Department
from seminars.models import SeminarLink, Talk, TalkSpeaker, Topic
from tests import factories
from tests.queries import queries

ABSTRACT = "Первая строка.\n    Вторая — с отступом.\n\n  Третья после пустой."


def seminar_with(talks, speakers_per_talk=(2, 3)):
    """A seminar with `talks` talks, each with 2 or 3 speakers from a branch and its department."""
    seminar = factories.seminar()
    factories.resolution(seminar, 3)
    SeminarLink.objects.create(
        seminar=seminar, kind="recording", title="Запись", url="https://x.ru/"
    )
    topic = Topic.objects.create(name="Цифровые ресурсы")
    for number in range(1, talks + 1):
        talk = Talk.objects.create(
            seminar=seminar, order=number, title=f"Доклад {number}", abstract=ABSTRACT
        )
        talk.topics.add(topic)
        branch = factories.library(f"Филиал {number}", parent=seminar.organizer)
        department = Department.objects.create(library=branch, name=f"Отдел {number}")
        for order in range(1, speakers_per_talk[number % 2] + 1):
            TalkSpeaker.objects.create(
                talk=talk,
                person=factories.person(f"Докладчикова{number}-{order}"),
                order=order,
                position="библиотекарь",
                library=branch,
                department=department,
            )
    return seminar


def change_url(seminar):
    return reverse("admin:seminars_seminar_change", args=[seminar.pk])


@pytest.mark.parametrize("talks", [2, 20])
def test_change_form_queries_do_not_grow_with_talks_and_speakers(staff_client, db, talks):
    seminar = seminar_with(talks)
    staff_client.get(change_url(seminar))  # content types are cached from then on

    assert queries(staff_client, change_url(seminar)) == 19


def test_change_form_shows_every_selected_object(staff_client, db):
    seminar = seminar_with(3)

    page = staff_client.get(change_url(seminar)).content.decode()

    for speaker in TalkSpeaker.objects.filter(talk__seminar=seminar):
        for field in ("person", "library", "department"):
            related = getattr(speaker, field)
            assert f'<option value="{related.pk}" selected>{related}</option>' in page
    assert f'<option value="{seminar.organizer.pk}" selected>{seminar.organizer}</option>' in page
    assert page.count(">Цифровые ресурсы</option>") == 3


def test_related_links_keep_their_titles_inside_the_attribute(staff_client, db):
    page = staff_client.get(change_url(seminar_with(1))).content.decode()

    assert 'title="Изменить выбранный объект типа «человек»"' in page
    assert 'title="Добавить ещё один объект типа «библиотека»"' in page
    assert 'title="Просмотреть выбранный объект типа «библиотека»"' in page
    assert 'id="view_id_talks-0-speakers-0-library"' in page
    assert not re.search(r'title="[^"]*"[^\s>/]', page)  # no quote ends a title early


def test_no_delete_link_for_objects_the_row_protects(staff_client, db):
    """Person, library and department are PROTECTed by the speaker row that selects them: deleting
    them from there could only be refused, so the «×» link is not offered."""
    page = staff_client.get(change_url(seminar_with(1))).content.decode()

    assert 'id="change_id_talks-0-speakers-0-department"' in page
    assert "delete-related" not in page
    assert "Удалить выбранный объект" not in page


def test_inline_links_are_in_russian(staff_client, db):
    page = staff_client.get(change_url(seminar_with(2))).content.decode()
    links = re.findall(
        r'class="[^"]*djn-(?:add|remove)-handler[^"]*"[^>]*>\s*([^<]*?)\s*</a>', page
    )

    assert "Удалить" in links
    assert {"Добавить ещё: Доклад", "Добавить ещё: Докладчик", "Добавить ещё: Ссылка"} <= set(links)
    assert "Добавить ещё: Пункт резолюции" in links
    assert not [link for link in links if re.search("[A-Za-z]|еще один", link)]


def test_change_form_keeps_text_as_written_in_short_boxes(staff_client, db):
    page = staff_client.get(change_url(seminar_with(2))).content.decode()

    assert page.count(f">\n{ABSTRACT}</textarea>") == 2
    assert re.search(r'<textarea name="talks-0-abstract" cols="40" rows="4"', page)


def test_saving_the_form_as_shown_changes_nothing(staff_client, db):
    seminar = seminar_with(3)
    before = list(TalkSpeaker.objects.values().order_by("pk"))

    response = staff_client.post(change_url(seminar), form_data(staff_client, seminar))

    assert response.status_code == 302
    assert list(TalkSpeaker.objects.values().order_by("pk")) == before
    assert set(Talk.objects.values_list("abstract", flat=True)) == {ABSTRACT}


def test_a_speakers_library_changes_in_the_nested_inline(staff_client, db):
    seminar = seminar_with(3)
    speaker = TalkSpeaker.objects.get(talk__order=2, order=2)
    other = factories.library("Другая библиотека")
    data = form_data(staff_client, seminar)
    prefix = next(
        name.removesuffix("-id")
        for name, value in data.items()
        if re.fullmatch(r"talks-\d+-speakers-\d+-id", name) and value == str(speaker.pk)
    )
    data[f"{prefix}-library"] = str(other.pk)
    data[f"{prefix}-department"] = ""

    response = staff_client.post(change_url(seminar), data)

    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.library, speaker.department) == (other, None)
    assert speaker.history.latest("history_id").library == other


def test_a_speaker_is_added_to_a_talk_and_a_talk_to_the_seminar(staff_client, db):
    seminar = seminar_with(2)
    person = factories.person("Новикова")
    data = form_data(staff_client, seminar)
    talk = next(k for k, v in data.items() if re.fullmatch(r"talks-\d+-order", k) and v == "1")
    speakers = talk.removesuffix("-order") + "-speakers"
    count = int(data[f"{speakers}-TOTAL_FORMS"])
    data[f"{speakers}-TOTAL_FORMS"] = str(count + 1)
    data |= {
        f"{speakers}-{count}-order": "9",
        f"{speakers}-{count}-person": str(person.pk),
        f"{speakers}-{count}-position": "методист",
    }
    data["talks-TOTAL_FORMS"] = "3"
    data |= {
        "talks-2-order": "3",
        "talks-2-title": "Новый доклад",
        "talks-2-speakers-TOTAL_FORMS": "1",
        "talks-2-speakers-INITIAL_FORMS": "0",
        "talks-2-speakers-0-order": "1",
        "talks-2-speakers-0-person": str(person.pk),
    }

    response = staff_client.post(change_url(seminar), data)

    assert response.status_code == 302
    assert TalkSpeaker.objects.get(talk__order=1, person=person).position == "методист"
    assert seminar.talks.get(order=3).speakers.get().person == person


def test_change_form_with_errors_shows_the_submitted_values(staff_client, db):
    seminar = seminar_with(2)
    other = factories.library("Другая библиотека")
    data = form_data(staff_client, seminar)
    data["talks-0-speakers-0-library"] = str(other.pk)  # the department is of another library
    data["title"] = ""

    response = staff_client.post(change_url(seminar), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{other.pk}" selected>Другая библиотека</option>' in page
    assert "Этот отдел относится к другой библиотеке." in page


class FormFields(HTMLParser):
    """The fields a browser would submit from the change form, as a dict."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit"):
            if attrs.get("type") != "checkbox":
                self.data[name] = attrs.get("value") or ""
            elif "checked" in attrs:
                self.data[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            self.data[name] = [] if "multiple" in attrs else ""
        elif tag == "option" and self._select and "selected" in attrs:
            if isinstance(self.data[self._select], list):
                self.data[self._select].append(attrs["value"])
            else:
                self.data[self._select] = attrs["value"]
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the line break that follows <textarea>.
            self.data[self._textarea] = self.data[self._textarea].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(client, seminar):
    parser = FormFields()
    parser.feed(client.get(change_url(seminar)).content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def test_a_talk_without_a_number_takes_the_next_one(staff_client, db):
    """The admin's script fills «№ в программе» as a talk is added; without it, saving still works."""
    seminar = seminar_with(2)
    person = factories.person("Новикова")
    data = form_data(staff_client, seminar)
    data["talks-TOTAL_FORMS"] = "4"
    for index, title in [(2, "Третий доклад"), (3, "Четвёртый доклад")]:
        data |= {
            f"talks-{index}-order": "",
            f"talks-{index}-title": title,
            f"talks-{index}-speakers-TOTAL_FORMS": "1",
            f"talks-{index}-speakers-INITIAL_FORMS": "0",
            f"talks-{index}-speakers-0-order": "1",
            f"talks-{index}-speakers-0-person": str(person.pk),
        }

    response = staff_client.post(change_url(seminar), data)

    assert response.status_code == 302
    assert list(seminar.talks.order_by("order").values_list("order", "title"))[2:] == [
        (3, "Третий доклад"),
        (4, "Четвёртый доклад"),
    ]


def test_a_talk_deleted_in_the_form_takes_its_speakers_with_it(staff_client, db):
    seminar = seminar_with(2)
    data = form_data(staff_client, seminar)
    title = next(
        k for k, v in data.items() if re.fullmatch(r"talks-\d+-title", k) and v == "Доклад 2"
    )
    talk = seminar.talks.get(title="Доклад 2")

    response = staff_client.post(
        change_url(seminar), data | {title.replace("title", "DELETE"): "on"}
    )

    assert response.status_code == 302
    # Counted without a join: a speaker left behind names a talk that is gone.
    assert not TalkSpeaker.objects.order_by().filter(talk_id=talk.pk).exists()
    assert TalkSpeaker.objects.order_by().count() == 3
