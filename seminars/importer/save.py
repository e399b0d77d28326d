"""Write a reviewed document as an unpublished seminar, in one transaction: all or nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from core.text import fold, sort_key
from libraries.models import Department, Library, Locality, Region
from people.models import Person
from seminars.models import Resolution, ResolutionItem, Seminar, SeminarLink, Talk, TalkSpeaker

from . import gazetteer
from .match import LibraryIndex, split_institution


class ImportProblem(Exception):
    """The document cannot be imported as it stands; the message is for the user."""


def problems(document):
    """What must be fixed before saving, in Russian, for the form and the command."""
    found = []
    if not document.talks:
        found.append("В документе не найдено ни одного доклада.")
    if not document.seminar.title:
        found.append("Не найдено название семинара.")
    if not document.seminar.date:
        found.append("Не найдена дата проведения.")
    if not document.seminar.organizer and not document.seminar.organizer_id:
        found.append("Не найден организатор.")
    return found


def find_existing(document):
    """The seminar this document was already imported as (same title and start date), or None."""
    if not document.seminar.date or not document.seminar.title:
        return None
    title = sort_key(document.seminar.title)
    for seminar in Seminar.objects.filter(start_date=document.seminar.date):
        if sort_key(seminar.title) == title:
            return seminar
    return None


def _region(name):
    if not name:
        return None
    region = Region.objects.filter(name=name).first()
    if region is None:
        key = sort_key(name)
        region = next((r for r in Region.objects.all() if r.sort_key == key), None)
    return region


LOCALITY_KINDS = [
    ("муниципальный район", Locality.Kind.MUNICIPAL_DISTRICT),
    ("район", Locality.Kind.MUNICIPAL_DISTRICT),
    ("муниципальный округ", Locality.Kind.MUNICIPAL_OKRUG),
    ("городской округ", Locality.Kind.URBAN_OKRUG),
]


def _locality(region, name):
    if region is None or not name:
        return None
    existing = region.localities.filter(sort_key=sort_key(name)).first()
    if existing:
        return existing
    kind = next((k for suffix, k in LOCALITY_KINDS if fold(name).endswith(suffix)), None)
    locality = Locality(region=region, name=name, kind=kind or Locality.Kind.CITY)
    locality.full_clean(exclude=["slug"])
    locality.save()
    return locality


def _saved(obj, exclude=(), constraints=True):
    """Validate (lengths, choices, the models' clean()) and save.

    Rows this module numbers itself (talks, their speakers, resolution items) skip the constraint
    queries: their order numbers are unique by construction and the database still enforces them.
    """
    obj.full_clean(
        exclude=["slug", *exclude], validate_unique=constraints, validate_constraints=constraints
    )
    obj.save()
    return obj


class Writer:
    """Creates records for one document, reusing what it created for earlier talks."""

    def __init__(self):
        self.index = LibraryIndex()
        self.people = {}
        self.created = {"people": 0, "libraries": 0}

    def library(self, library_id, institution, region_name, locality=""):
        if library_id:
            library = Library.objects.filter(pk=library_id).first()
            if library is None:
                raise ImportProblem(f"Библиотека №{library_id} не найдена: её удалили?")
            return library
        parts = split_institution(institution)
        if not parts:
            return None
        region = _region(
            region_name or gazetteer.region_for(institution) or gazetteer.region_for(locality)
        )
        town = gazetteer.find_town(locality or institution)
        town = town or ((locality, None) if locality else None)
        parent = None
        for part in parts:
            found = self.index.find(part, parent)
            if found:
                parent = found[0]
                continue
            library = Library(
                name=part.name,
                legal_form=part.legal_form,
                short_name=part.short_name,
                parent=parent,
                region=region if parent is None else None,
                locality=_locality(region, town[0]) if town and parent is None else None,
            )
            _saved(library, exclude=["logo"])
            self.created["libraries"] += 1
            self.index.add(library)
            parent = library
        return parent

    def person(self, speaker):
        if speaker.person_id:
            person = Person.objects.filter(pk=speaker.person_id).first()
            if person is None:
                raise ImportProblem(
                    f"Запись человека №{speaker.person_id} ({speaker.last_name}) не найдена: "
                    "её удалили?"
                )
            return person
        key = sort_key(f"{speaker.last_name} {speaker.first_name} {speaker.patronymic}")
        if key not in self.people:
            person = Person(
                last_name=speaker.last_name,
                first_name=speaker.first_name,
                patronymic=speaker.patronymic,
            )
            self.people[key] = _saved(person, exclude=["photo"])
            self.created["people"] += 1
        return self.people[key]

    @staticmethod
    def department(library, name):
        if library is None or not name:
            return None
        existing = library.departments.filter(sort_key=sort_key(name)).first()
        if existing:
            return existing
        lowered = fold(name)
        if lowered.startswith("сектор"):
            kind = Department.Kind.SECTOR
        elif lowered.startswith("ибц"):
            kind = Department.Kind.INFO_CENTER
        elif lowered.startswith("центр"):
            kind = Department.Kind.CENTER
        elif lowered.startswith("отдел"):
            kind = Department.Kind.DEPARTMENT
        else:
            kind = Department.Kind.OTHER
        return _saved(Department(library=library, name=name, kind=kind))


@transaction.atomic
def save_document(document):
    """Create the seminar with its talks, speakers, resolution and links; return (seminar, counts).

    Raises ImportProblem or ValidationError; the transaction is then rolled back whole.
    """
    found = problems(document)
    if found:
        raise ImportProblem(" ".join(found))
    s = document.seminar
    writer = Writer()
    organizer = writer.library(
        s.organizer_id, s.organizer, s.organizer_region, s.organizer_locality
    )
    # Kind, scope and format the document does not state arrive empty; the review form lets
    # them through only when staff confirmed the models' defaults.
    seminar = Seminar(
        title=s.title,
        kind=s.kind or Seminar._meta.get_field("kind").get_default(),
        scope=s.scope or Seminar._meta.get_field("scope").get_default(),
        format=s.format or Seminar._meta.get_field("format").get_default(),
        participants_count=s.participants_count,
        start_date=datetime.date.fromisoformat(s.date),
        end_date=datetime.date.fromisoformat(s.end_date) if s.end_date else None,
        organizer=organizer,
        organizer_department=writer.department(organizer, s.organizer_department),
        goal=s.goal,
        description=s.description,
        is_published=False,
    )
    _saved(seminar)
    regions, localities = [], []
    for place in s.places:
        region = _region(place.region)
        if region and region not in regions:
            regions.append(region)
        if place.kind == "locality":
            locality = _locality(region, place.name)
            if locality and locality not in localities:
                localities.append(locality)
    seminar.regions.set(regions)
    seminar.localities.set(localities)

    for order, parsed in enumerate(document.talks, start=1):
        talk = _saved(
            Talk(seminar=seminar, order=order, title=parsed.title),
            exclude=["materials"],
            constraints=False,
        )
        seen = set()
        for speaker in parsed.speakers:
            person = writer.person(speaker)
            if person.pk in seen:
                continue
            seen.add(person.pk)
            library = writer.library(
                speaker.institution_id, speaker.institution, speaker.region, speaker.locality
            )
            _saved(
                TalkSpeaker(
                    talk=talk,
                    person=person,
                    order=len(seen),
                    position=speaker.position,
                    library=library,
                    department=writer.department(library, speaker.department),
                ),
                constraints=False,
            )

    r = document.resolution
    if r.items or r.preamble or r.closing:
        resolution = _saved(Resolution(seminar=seminar, preamble=r.preamble, closing=r.closing))
        for order, item in enumerate(r.items, start=1):
            _saved(
                ResolutionItem(
                    resolution=resolution, order=order, section=item.section, text=item.text
                ),
                constraints=False,
            )
    order = 0
    for link in document.links:
        if not link.url:
            continue
        order += 1
        try:
            _saved(
                SeminarLink(
                    seminar=seminar,
                    title=(link.title or link.url)[:300],
                    url=link.url,
                    order=order,
                    kind=SeminarLink.Kind.MATERIALS,
                )
            )
        except ValidationError as error:
            raise ImportProblem(f"Неверная ссылка {link.url}: {' '.join(error.messages)}") from None
    return seminar, writer.created
