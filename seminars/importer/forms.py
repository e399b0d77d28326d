"""Forms of the admin page «Импорт резолюции»: upload or paste, then review every field."""

from django import forms
from django.core import signing

from libraries.models import Region
from seminars.models import ResolutionItem, Seminar

from . import gazetteer
from .documents import DocumentError, read_text, read_upload
from .match import LibraryIndex, person_candidates
from .parse import Link, ParsedDocument, Place, parse_paragraphs
from .parse import ResolutionItem as ParsedItem

NEW = "new"
NEW_LABEL = "создать новую запись"
SIGNING_SALT = "seminars.importer.review"


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
        data["document"] = document
        return data


def sign(document):
    return signing.dumps(document.to_dict(), salt=SIGNING_SALT, compress=True)


def unsign(value):
    try:
        return ParsedDocument.from_dict(signing.loads(value, salt=SIGNING_SALT))
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        raise forms.ValidationError("Данные формы повреждены. Загрузите документ заново.") from None


def _region_choices():
    return [("", "—")] + [(r.name, r.name) for r in Region.objects.order_by("sort_key")]


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
        regions = _region_choices()
        s = document.seminar
        f = self.fields
        f["title"] = _text("Название", s.title, required=True, max_length=500)
        f["kind"] = forms.ChoiceField(label="Вид", choices=Seminar.Kind, initial=s.kind or "other")
        f["scope"] = forms.ChoiceField(
            label="Уровень", choices=Seminar.Scope, initial=s.scope or "regional"
        )
        f["format"] = forms.ChoiceField(
            label="Формат", choices=Seminar.Format, initial=s.format or "offline"
        )
        f["date"] = forms.DateField(label="Дата начала", initial=s.date)
        f["end_date"] = forms.DateField(label="Дата окончания", initial=s.end_date, required=False)
        f["organizer"] = _text("Организатор", s.organizer, required=True, max_length=300)
        f["organizer_match"] = self._library_choice(index, s.organizer, s.organizer_id)
        f["organizer_region"] = forms.ChoiceField(
            label="Регион организатора", choices=regions, initial=s.organizer_region, required=False
        )
        f["organizer_department"] = _text(
            "Отдел организатора", s.organizer_department, max_length=200
        )
        f["goal"] = _text("Цель", s.goal, rows=2)
        f["description"] = _text("Описание", s.description, rows=6)
        f["places"] = _text(
            "Участники: места",
            _places_text(s.places),
            rows=4,
        )
        f["places"].help_text = "По одному на строку: «Хабаровск — Хабаровский край»."
        self.talk_rows = []
        for i, talk in enumerate(document.talks):
            p = f"talk-{i}-"
            f[p + "title"] = _text(f"Доклад {i + 1}", talk.title, required=True, max_length=500)
            f[p + "delete"] = forms.BooleanField(label="не импортировать", required=False)
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
                speakers.append(q)
            self.talk_rows.append((p, speakers))
        r = document.resolution
        f["preamble"] = _text("Вступление резолюции", r.preamble, rows=3)
        self.item_rows = []
        for k, item in enumerate(r.items):
            p = f"item-{k}-"
            f[p + "section"] = forms.ChoiceField(
                label="Раздел", choices=ResolutionItem.Section, initial=item.section
            )
            f[p + "text"] = _text(f"Пункт {k + 1}", item.text, required=True, rows=3)
            f[p + "delete"] = forms.BooleanField(label="не импортировать", required=False)
            self.item_rows.append(p)
        f["closing"] = _text("Заключение резолюции", r.closing, rows=3)
        self.link_rows = []
        for k, link in enumerate(document.links):
            p = f"link-{k}-"
            f[p + "title"] = _text("Подпись ссылки", link.title, max_length=300)
            f[p + "url"] = forms.URLField(
                label="Адрес", initial=link.url, required=False, assume_scheme="https"
            )
            self.link_rows.append(p)

    @staticmethod
    def _person_choice(speaker):
        people = person_candidates(speaker)
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

    def sections(self):
        """Bound fields grouped the way the document reads, for the template."""
        seminar = [
            self[name]
            for name in (
                "title",
                "kind",
                "scope",
                "format",
                "date",
                "end_date",
                "organizer",
                "organizer_match",
                "organizer_region",
                "organizer_department",
                "goal",
                "description",
                "places",
            )
        ]
        talks = [
            {
                "title": self[p + "title"],
                "delete": self[p + "delete"],
                "speakers": [
                    [
                        self[q + name]
                        for name in (
                            "last_name",
                            "first_name",
                            "patronymic",
                            "person",
                            "position",
                            "department",
                            "institution",
                            "library",
                            "region",
                        )
                    ]
                    for q in speakers
                ],
            }
            for p, speakers in self.talk_rows
        ]
        items = [
            [self[p + "section"], self[p + "text"], self[p + "delete"]] for p in self.item_rows
        ]
        links = [[self[p + "title"], self[p + "url"]] for p in self.link_rows]
        return {
            "seminar": seminar,
            "talks": talks,
            "preamble": self["preamble"],
            "items": items,
            "closing": self["closing"],
            "links": links,
        }

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("end_date") and data["end_date"] < data["date"]:
            self.add_error("end_date", "Дата окончания не может быть раньше даты начала.")
        kept = [p for p, _ in self.talk_rows if not data.get(p + "delete")]
        if not kept:
            raise forms.ValidationError("Оставьте хотя бы один доклад.")
        return data

    def reviewed_document(self):
        """The parsed document with the editor's corrections and choices applied."""
        data = self.cleaned_data
        doc = self.parsed
        s = doc.seminar
        for name in ("title", "kind", "scope", "format", "organizer", "organizer_department"):
            setattr(s, name, data[name])
        s.goal, s.description = data["goal"], data["description"]
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
                ):
                    setattr(sp, name, data[q + name].strip())
                sp.region = data[q + "region"] or None
                sp.person_id = _chosen(data[q + "person"])
                sp.institution_id = _chosen(data[q + "library"])
            talks.append(talk)
        doc.talks = talks
        doc.resolution.preamble = data["preamble"]
        doc.resolution.closing = data["closing"]
        doc.resolution.items = [
            ParsedItem(data[p + "section"], data[p + "text"])
            for p in self.item_rows
            if not data[p + "delete"]
        ]
        doc.links = [
            Link(data[p + "url"], data[p + "title"]) for p in self.link_rows if data[p + "url"]
        ]
        return doc


def _chosen(value):
    return int(value) if value and value != NEW else None
