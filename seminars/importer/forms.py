"""Forms of the admin page «Импорт резолюции»: upload or paste, then review every field."""

import datetime

from django import forms
from django.core import signing

from libraries.models import Region
from seminars.models import ResolutionItem, Seminar

from . import gazetteer
from .documents import DocumentError, read_text, read_upload
from .match import LibraryIndex, PeopleIndex
from .parse import Link, ParsedDocument, Place, parse_paragraphs
from .parse import ResolutionItem as ParsedItem

NEW = "new"
NEW_LABEL = "создать новую запись"
NOT_STATED = ("", "не указано")
DATE_FORMAT = "%d.%m.%Y"
# What the review page says beside a field the parser was unsure of.
UNSURE = {
    "title": "название восстановлено из заглавных букв или из пересказа",
    "last_name": "падеж или род фамилии определён по догадке",
    "place_name": "фамилия совпадает с названием места — это точно человек?",
    "position": "падеж должности определён по догадке",
    "organizer_region": "в документе не назван, определён по регионам докладчиков",
}
SIGNING_SALT = "seminars.importer.review"
# One review page shows every talk for checking; past a few hundred nobody can check it, and the
# page itself grows to tens of megabytes.
MAX_TALKS = 400


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Файл",
        required=False,
        allow_empty_file=True,  # so the reader says «Файл пуст.» in its own words
        help_text="Документ Word (.docx) или текст (.txt, .md).",
    )
    text = forms.CharField(
        label="…или вставьте текст",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if not upload and not text:
            raise forms.ValidationError("Загрузите файл или вставьте текст резолюции.")
        try:
            paragraphs = read_upload(upload) if upload else read_text(text)
        except DocumentError as error:
            raise forms.ValidationError(str(error)) from None
        document = parse_paragraphs(paragraphs)
        if not document.talks:
            raise forms.ValidationError(
                "В документе не найдено ни одного доклада. Проверьте, что это резолюция или "
                "программа с выступлениями, или вставьте текст вручную."
            )
        if len(document.talks) > MAX_TALKS:
            raise forms.ValidationError(
                f"В документе {len(document.talks)} {_talks_word(len(document.talks))} — больше, "
                f"чем можно проверить на одной странице (не больше {MAX_TALKS}). Разделите "
                "документ на части по семинарам и загрузите каждую отдельно."
            )
        data["document"] = document
        return data


def _talks_word(n):
    """«1 доклад», «2 доклада», «5 докладов», «11 докладов»."""
    if n % 10 == 1 and n % 100 != 11:
        return "доклад"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "доклада"
    return "докладов"


def sign(document):
    return signing.dumps(document.to_dict(), salt=SIGNING_SALT, compress=True)


def unsign(value):
    try:
        return ParsedDocument.from_dict(signing.loads(value, salt=SIGNING_SALT))
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        raise forms.ValidationError("Данные формы повреждены. Загрузите документ заново.") from None


def _region_choices():
    return [("", "—")] + [(r.name, r.name) for r in Region.objects.order_by("sort_key")]


def _date(label, value, required=True):
    return forms.DateField(
        label=label,
        initial=datetime.date.fromisoformat(value) if value else None,
        required=required,
        input_formats=[DATE_FORMAT, "%Y-%m-%d"],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"size": 10, "placeholder": "ДД.ММ.ГГГГ"}),
        help_text="ДД.ММ.ГГГГ",
    )


def _leave_out():
    return forms.BooleanField(label="не импортировать", label_suffix="", required=False)


def _choice(label, choices, value):
    return forms.ChoiceField(
        label=label, choices=[NOT_STATED, *choices.choices], initial=value or "", required=False
    )


def _text(label, value, required=False, rows=None, max_length=None):
    widget = (
        forms.Textarea(attrs={"rows": rows, "cols": 90})
        if rows
        else forms.TextInput(attrs={"size": 90})
    )
    return forms.CharField(
        label=label,
        initial=value,
        required=required,
        widget=widget,
        max_length=max_length,
    )


def _places_text(places):
    return "\n".join(
        f"{p.name} — {p.region}" if p.region and p.region != p.name else p.name for p in places
    )


def _parse_places(text):
    places = []
    for line in text.splitlines():
        name, _, region = (part.strip() for part in line.partition(" — "))
        if not name:
            continue
        region = gazetteer.canonical_region(region) if region else gazetteer.region_for(name)
        kind = "region" if region and gazetteer.canonical_region(name) == region else "locality"
        places.append(Place(name, kind, region))
    return places


class ReviewForm(forms.Form):
    """Every parsed field, editable, with a match-or-new choice for each person and library."""

    document = forms.CharField(widget=forms.HiddenInput)
    create_anyway = forms.BooleanField(
        label="Всё равно создать ещё один семинар",
        required=False,
        help_text="Отметьте, только если это действительно другой семинар.",
    )

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed = document
        self.fields["document"].initial = sign(document)
        index = LibraryIndex()
        self.people = PeopleIndex([sp for talk in document.talks for sp in talk.speakers])
        regions = _region_choices()
        s = document.seminar
        f = self.fields
        self.unsure = {}
        f["title"] = _text("Название", s.title, required=True, max_length=500)
        f["kind"] = _choice("Вид", Seminar.Kind, s.kind)
        f["scope"] = _choice("Уровень", Seminar.Scope, s.scope)
        f["format"] = _choice("Формат", Seminar.Format, s.format)
        f["use_defaults"] = forms.BooleanField(
            label="Записать значения по умолчанию для неуказанных вида, уровня и формата",
            required=False,
            help_text="Вид — семинар, уровень — региональный, формат — очный. Отметьте, только "
            "если это верно: в документе они не названы.",
        )
        f["date"] = _date("Дата начала", s.date)
        f["end_date"] = _date("Дата окончания", s.end_date, required=False)
        f["organizer"] = _text("Организатор", s.organizer, required=True, max_length=300)
        f["organizer_match"] = self._library_choice(index, s.organizer, s.organizer_id)
        f["organizer_locality"] = _text(
            "Населённый пункт организатора", s.organizer_locality, max_length=150
        )
        f["organizer_region"] = forms.ChoiceField(
            label="Регион организатора", choices=regions, initial=s.organizer_region, required=False
        )
        f["organizer_department"] = _text(
            "Отдел организатора", s.organizer_department, max_length=200
        )
        f["participants_count"] = forms.IntegerField(
            label="Число участников",
            initial=s.participants_count,
            required=False,
            min_value=0,
            max_value=100_000,
        )
        f["goal"] = _text("Цель", s.goal, rows=2)
        f["description"] = _text("Описание", s.description, rows=6)
        f["places"] = _text(
            "Участники: места",
            _places_text(s.places),
            rows=4,
        )
        f["places"].help_text = "По одному на строку: «Хабаровск — Хабаровский край»."
        self._mark("title", s.unsure)
        self._mark("organizer_region", s.unsure)
        self.talk_rows = []
        for i, talk in enumerate(document.talks):
            p = f"talk-{i}-"
            f[p + "title"] = _text("Название доклада", talk.title, required=True, max_length=500)
            f[p + "delete"] = _leave_out()
            self._mark(p + "title", talk.unsure, "title")
            speakers = []
            for j, sp in enumerate(talk.speakers):
                q = f"{p}speaker-{j}-"
                f[q + "last_name"] = _text("Фамилия", sp.last_name, required=True, max_length=100)
                f[q + "first_name"] = _text("Имя", sp.first_name, required=True, max_length=100)
                f[q + "patronymic"] = _text("Отчество", sp.patronymic, max_length=100)
                f[q + "position"] = _text("Должность", sp.position, max_length=300)
                f[q + "department"] = _text("Отдел", sp.department, max_length=200)
                f[q + "institution"] = _text("Библиотека", sp.institution, max_length=300)
                f[q + "region"] = forms.ChoiceField(
                    label="Регион", choices=regions, initial=sp.region, required=False
                )
                f[q + "person"] = self._person_choice(sp)
                f[q + "library"] = self._library_choice(index, sp.institution, sp.institution_id)
                f[q + "locality"] = _text(
                    "Населённый пункт библиотеки", sp.locality, max_length=150
                )
                f[
                    q + "locality"
                ].help_text = "Для новой библиотеки: город или село, где она находится."
                self._mark(q + "last_name", sp.unsure, "last_name")
                if gazetteer.find_town(sp.last_name) or gazetteer.canonical_region(sp.last_name):
                    self.unsure[q + "last_name"] = UNSURE["place_name"]
                self._mark(q + "position", sp.unsure, "position")
                speakers.append(q)
            self.talk_rows.append((p, speakers))
        r = document.resolution
        f["resolution_delete"] = _leave_out()
        f["preamble"] = _text("Вступление резолюции", r.preamble, rows=3)
        self.item_rows = []
        for k, item in enumerate(r.items):
            p = f"item-{k}-"
            f[p + "section"] = forms.ChoiceField(
                label="Раздел", choices=ResolutionItem.Section, initial=item.section
            )
            f[p + "text"] = _text("Текст", item.text, required=True, rows=3)
            f[p + "delete"] = _leave_out()
            self.item_rows.append(p)
        f["closing"] = _text("Заключение резолюции", r.closing, rows=3)
        self.link_rows = []
        for k, link in enumerate(document.links):
            p = f"link-{k}-"
            f[p + "title"] = _text("Подпись ссылки", link.title, max_length=300)
            f[p + "url"] = forms.URLField(
                label="Адрес", initial=link.url, required=False, assume_scheme="https"
            )
            f[p + "delete"] = _leave_out()
            self.link_rows.append(p)

    def _mark(self, name, unsure, key=None):
        if (key or name) in unsure:
            self.unsure[name] = UNSURE[key or name]

    def _person_choice(self, speaker):
        people = self.people.candidates(speaker)
        choices = [(str(p.pk), f"{p.full_name} (№{p.pk})") for p in people]
        initial = str(speaker.person_id) if speaker.person_id else NEW
        return forms.ChoiceField(
            label="Человек в базе", choices=[*choices, (NEW, NEW_LABEL)], initial=initial
        )

    @staticmethod
    def _library_choice(index, institution, library_id):
        found, candidates = index.match(institution)
        choices = [(str(lib.pk), f"{lib} (№{lib.pk})") for lib in candidates]
        initial = str(library_id) if library_id else (str(found.pk) if found else NEW)
        return forms.ChoiceField(
            label="Библиотека в базе", choices=[*choices, (NEW, NEW_LABEL)], initial=initial
        )

    def _row(self, name):
        """A bound field with what the parser was unsure of, for the template."""
        return {"field": self[name], "unsure": self.unsure.get(name, "")}

    def sections(self):
        """Bound fields grouped the way the document reads, for the template."""
        seminar = [
            self._row(name)
            for name in (
                "title",
                "kind",
                "scope",
                "format",
                "use_defaults",
                "date",
                "end_date",
                "organizer",
                "organizer_match",
                "organizer_locality",
                "organizer_region",
                "organizer_department",
                "participants_count",
                "goal",
                "description",
                "places",
            )
        ]
        talks = [
            {
                "title": self._row(p + "title"),
                "delete": self[p + "delete"],
                "speakers": [
                    [
                        self._row(q + name)
                        for name in (
                            "last_name",
                            "first_name",
                            "patronymic",
                            "person",
                            "position",
                            "department",
                            "institution",
                            "library",
                            "locality",
                            "region",
                        )
                    ]
                    for q in speakers
                ],
            }
            for p, speakers in self.talk_rows
        ]
        items = [
            {
                "delete": self[p + "delete"],
                "fields": [self._row(p + "section"), self._row(p + "text")],
            }
            for p in self.item_rows
        ]
        links = [
            {
                "delete": self[p + "delete"],
                "fields": [self._row(p + "title"), self._row(p + "url")],
            }
            for p in self.link_rows
        ]
        return {
            "seminar": seminar,
            "talks": talks,
            "resolution_delete": self["resolution_delete"],
            "preamble": self._row("preamble"),
            "items": items,
            "closing": self._row("closing"),
            "links": links,
        }

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("end_date") and data["end_date"] < data["date"]:
            self.add_error("end_date", "Дата окончания не может быть раньше даты начала.")
        kept = [p for p, _ in self.talk_rows if not data.get(p + "delete")]
        if not kept:
            raise forms.ValidationError("Оставьте хотя бы один доклад.")
        if not data.get("use_defaults"):
            for name in ("kind", "scope", "format"):
                if name in data and not data[name]:
                    self.add_error(
                        name,
                        "В документе не указано. Выберите значение или отметьте «Записать "
                        "значения по умолчанию».",
                    )
        return data

    def reviewed_document(self):
        """The parsed document with the editor's corrections and choices applied."""
        data = self.cleaned_data
        doc = self.parsed
        s = doc.seminar
        for name in ("title", "organizer", "organizer_department", "organizer_locality"):
            setattr(s, name, data[name].strip())
        # Left «не указано» only when staff chose the defaults (save.py applies them).
        for name in ("kind", "scope", "format"):
            setattr(s, name, data[name] or None)
        s.goal, s.description = data["goal"], data["description"]
        s.participants_count = data["participants_count"]
        s.date = data["date"].isoformat()
        s.end_date = data["end_date"].isoformat() if data["end_date"] else None
        s.organizer_region = data["organizer_region"] or None
        s.organizer_id = _chosen(data["organizer_match"])
        s.places = _parse_places(data["places"])
        talks = []
        for (p, speakers), talk in zip(self.talk_rows, doc.talks, strict=True):
            if data[p + "delete"]:
                continue
            talk.title = data[p + "title"]
            for q, sp in zip(speakers, talk.speakers, strict=True):
                for name in (
                    "last_name",
                    "first_name",
                    "patronymic",
                    "position",
                    "department",
                    "institution",
                    "locality",
                ):
                    setattr(sp, name, data[q + name].strip())
                sp.region = data[q + "region"] or None
                sp.person_id = _chosen(data[q + "person"])
                sp.institution_id = _chosen(data[q + "library"])
            talks.append(talk)
        doc.talks = talks
        keep_resolution = not data["resolution_delete"]
        doc.resolution.preamble = data["preamble"] if keep_resolution else ""
        doc.resolution.closing = data["closing"] if keep_resolution else ""
        doc.resolution.items = [
            ParsedItem(data[p + "section"], data[p + "text"])
            for p in self.item_rows
            if keep_resolution and not data[p + "delete"]
        ]
        doc.links = [
            Link(data[p + "url"], data[p + "title"])
            for p in self.link_rows
            if data[p + "url"] and not data[p + "delete"]
        ]
        return doc


def _chosen(value):
    return int(value) if value and value != NEW else None
