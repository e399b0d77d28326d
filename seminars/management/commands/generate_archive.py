"""Builds a large synthetic archive for load tests: `generate_archive --talks 1000000 --seed 1`.

Rows are written in bulk, bypassing `save()`, so this command fills `sort_key` and unique slugs
itself. On PostgreSQL the rows go in through COPY, elsewhere through `bulk_create`. The same seed
gives the same archive, ids included, on both databases.
"""

import datetime
import io
import math
import random
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from slugify import slugify

from core.cache import new_generation
from core.text import sort_key
from libraries.models import Department, Library, Locality, Region
from people.models import Person
from seminars.models import (
    Resolution,
    ResolutionItem,
    Seminar,
    SeminarLink,
    Talk,
    TalkSpeaker,
    Topic,
)

from . import _archive_words as words

FIRST_YEAR, LAST_YEAR = 2001, 2025
SEMINARS_PER_CHUNK = 1000
FIRST_CHUNK = 50
WRITERS = 2
# Weighted: most events are regional seminars and webinars.
KINDS = ["seminar"] * 5 + ["webinar"] * 3 + Seminar.Kind.values
SCOPES = ["regional"] * 4 + Seminar.Scope.values
ARCHIVE_MODELS = [
    Locality, Library, Department, Person, Topic, Seminar, SeminarLink, Talk, TalkSpeaker,
    Resolution, ResolutionItem,
]  # fmt: skip


class Progress:
    """A one-line progress bar on stderr, redrawn at most five times a second."""

    def __init__(self, stream, label, total, enabled=True):
        self.stream, self.label, self.total, self.enabled = stream, label, max(total, 1), enabled
        self.done, self.started, self.drawn = 0, time.monotonic(), 0.0

    def advance(self, count):
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self.drawn > 0.2 or self.done >= self.total):
            self.drawn = now
            share = min(self.done / self.total, 1)
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r{self.label:<12} [{bar:<30}] {share:4.0%} {self.done:>9,}/{self.total:,}"
                f" {now - self.started:6.1f} s",
                style_func=str,
                ending="",
            )
            self.stream.flush()

    def finish(self):
        if self.enabled:
            self.stream.write("", style_func=str)


class Sink:
    """Writes rows (dicts keyed by attname) of one model: COPY on PostgreSQL, else bulk_create."""

    def __init__(self):
        self.copy = connection.vendor == "postgresql"
        self.defaults = {}

    def write(self, model, rows):
        if not rows:
            return
        if not self.copy:
            model._default_manager.bulk_create([model(**row) for row in rows], batch_size=2000)
            return
        fields = self._fields(model, rows[0])
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(row.get(name, default)) for name, default in fields))
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(name) for name, _ in fields)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN",
                buffer,
            )

    def _fields(self, model, sample):
        # Columns without a value get the field's Python default: Django sets no database defaults.
        if model not in self.defaults:
            self.defaults[model] = [
                (field.attname, None if field.null else field.get_default())
                for field in model._meta.concrete_fields
                if not (field.primary_key and field.attname not in sample)
            ]
        return self.defaults[model]


def _copy_value(value):
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class SlugBook:
    """Unique slugs the way `core.text.unique_slug` makes them: «base», «base-2», «base-3»…"""

    def __init__(self, max_length):
        self.max_length, self.used = max_length, defaultdict(int)

    def make(self, text):
        base = slugify(text, max_length=self.max_length - 6, word_boundary=True) or "zapis"
        self.used[base] += 1
        number = self.used[base]
        return base if number == 1 else f"{base}-{number}"


class Command(BaseCommand):
    help = "Заполняет пустой архив синтетическими данными для нагрузочных тестов."

    def add_arguments(self, parser):
        parser.add_argument("--talks", type=int, required=True, help="Сколько докладов создать.")
        parser.add_argument("--seed", type=int, default=1, help="Зерно генератора случайных чисел.")

    def handle(self, *args, talks, seed, **options):
        if talks < 1:
            raise CommandError("Число докладов должно быть положительным.")
        if Region.objects.count() == 0:
            raise CommandError("Нет регионов: сначала выполните migrate.")
        busy = [
            model._meta.verbose_name_plural for model in ARCHIVE_MODELS if model.objects.exists()
        ]
        if busy:
            raise CommandError(f"Архив не пуст ({', '.join(busy)}): нужна чистая база.")

        self.rng = random.Random(seed)
        self.sink = Sink()
        self.show_progress = options["verbosity"] > 0
        started = time.monotonic()

        with transaction.atomic():
            self.make_localities(max(2 * 89, talks // 200))
            self.make_libraries(max(3, talks // 50))
            self.make_people(max(3, talks // 5))
            self.make_topics()
        self.make_seminars(max(1, math.ceil(talks / 20)), talks)

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), ARCHIVE_MODELS):
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                # VACUUM also sets the visibility map, without which index-only scans (the deep
                # pages' keys, the speaker probes) visit the table anyway until autovacuum comes
                # by: page 1000 at 100k talks took 160 ms instead of 15. It cannot run inside a
                # transaction (the tests'), where statistics are all there is to refresh.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        # Bulk writes send no signals: drop the cached pages here.
        new_generation()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Создано докладов: {talks:,}, семинаров: {Seminar.objects.count():,}, "
                f"людей: {Person.objects.count():,}, библиотек: {Library.objects.count():,} "
                f"за {time.monotonic() - started:.1f} с."
            )

    def progress(self, label, total):
        return Progress(self.stderr, label, total, self.show_progress)

    # Reference data

    def make_localities(self, count):
        rng = self.rng
        self.regions = regions = list(Region.objects.order_by("id").values_list("id", flat=True))
        kinds = [kind for kind, weight in words.LOCALITY_KINDS for _ in range(weight)]
        slugs, rows, seen = SlugBook(160), [], set()
        for number in range(count):
            region = regions[number % len(regions)]
            for attempt in range(50):
                name = (
                    rng.choice(words.LOCALITY_PREFIXES)
                    + rng.choice(words.LOCALITY_ROOTS)
                    + rng.choice(words.LOCALITY_SUFFIXES)
                ).capitalize()
                if attempt > 40:
                    name = f"{name} {attempt}"
                if (region, name) not in seen:
                    break
            seen.add((region, name))
            rows.append(
                {
                    "id": number + 1,
                    "region_id": region,
                    "name": name,
                    "kind": rng.choice(kinds),
                    "slug": slugs.make(name),
                    "sort_key": sort_key(name),
                }
            )
        self.localities = [(row["id"], row["region_id"], row["name"]) for row in rows]
        self.sink.write(Locality, rows)

    def make_libraries(self, count):
        rng = self.rng
        heads_count = max(1, math.ceil(count * 0.4))
        slugs, names = SlugBook(100), set()
        rows, departments = [], []
        self.library_region = {}
        self.libraries_by_region = defaultdict(list)
        self.departments_of = defaultdict(list)
        branch_numbers = defaultdict(int)
        progress = self.progress("библиотеки", count)
        for number in range(1, count + 1):
            if number <= heads_count:
                parent = None
                locality, region, place = rng.choice(self.localities)
                name = rng.choice(words.HEAD_LIBRARY_PATTERNS).format(
                    place=place, writer=rng.choice(words.WRITERS)
                )
                if name in names:
                    name = f"{name} № {number}"
                names.add(name)
                legal_form = rng.choice(words.LEGAL_FORMS)
                short_name = ""
            else:
                parent = rng.randint(1, heads_count)
                region, locality = self.library_region[parent], rows[parent - 1]["locality_id"]
                branch_numbers[parent] += 1
                name = rng.choice(words.BRANCH_PATTERNS).format(number=branch_numbers[parent])
                legal_form, short_name = "", ""
            rows.append(
                {
                    "id": number,
                    "name": name,
                    "legal_form": legal_form,
                    "short_name": short_name,
                    "slug": slugs.make(
                        name if parent is None else f"{rows[parent - 1]['slug']} {name}"
                    ),
                    "parent_id": parent,
                    "region_id": region,
                    "locality_id": locality,
                    "website": f"https://library{number}.example.ru" if rng.random() < 0.5 else "",
                    "is_published": rng.random() < 0.97,
                    "sort_key": sort_key(name),
                }
            )
            self.library_region[number] = region
            self.libraries_by_region[region].append(number)
            for dept_name, kind in rng.sample(words.DEPARTMENTS, rng.choice([0, 1, 2, 2, 3, 4])):
                departments.append(
                    {
                        "id": len(departments) + 1,
                        "library_id": number,
                        "name": dept_name,
                        "kind": kind,
                        "sort_key": sort_key(dept_name),
                    }
                )
                self.departments_of[number].append(len(departments))
            progress.advance(1)
        self.library_count, self.heads_count = count, heads_count
        self.sink.write(Library, rows)
        self.sink.write(Department, departments)
        progress.finish()

    def make_people(self, count):
        rng = self.rng
        slugs = SlugBook(100)
        progress = self.progress("люди", count)
        rows = []
        for number in range(1, count + 1):
            female = rng.random() < 0.8
            surname = rng.choice(words.SURNAMES)
            father = rng.choice(words.FATHER_NAMES)
            if female:
                last_name = surname + "а"
                first_name = rng.choice(words.FEMALE_NAMES)
                patronymic = _patronymic(father, female=True)
            else:
                last_name, first_name = surname, rng.choice(words.MALE_NAMES)
                patronymic = _patronymic(father, female=False)
            full_name = f"{last_name} {first_name} {patronymic}"
            roll = rng.random()
            consent = "given" if roll < 0.75 else "unknown" if roll < 0.9 else "withdrawn"
            rows.append(
                {
                    "id": number,
                    "last_name": last_name,
                    "first_name": first_name,
                    "patronymic": patronymic,
                    "slug": slugs.make(full_name),
                    "bio": "",
                    "consent": consent,
                    "consent_date": (
                        datetime.date(rng.randint(2015, LAST_YEAR), rng.randint(1, 12), 1)
                        if consent == "given"
                        else None
                    ),
                    "consent_note": "",
                    "sort_key": sort_key(full_name),
                }
            )
            if len(rows) == 20_000:
                self.sink.write(Person, rows)
                progress.advance(len(rows))
                rows = []
        self.sink.write(Person, rows)
        progress.advance(len(rows))
        progress.finish()
        self.people_count = count

    def make_topics(self):
        slugs = SlugBook(160)
        rows = [
            {"id": number, "name": name, "slug": slugs.make(name), "sort_key": sort_key(name)}
            for number, name in enumerate(words.TOPICS, start=1)
        ]
        self.sink.write(Topic, rows)
        self.topic_count = len(rows)

    # Seminars and what belongs to them

    def make_seminars(self, count, talks):
        rng = self.rng
        talks_of = [0] * count
        for _ in range(talks):
            talks_of[rng.randrange(count)] += 1
        self.slugs = SlugBook(100)
        self.ids = defaultdict(int)
        progress = self.progress("доклады", talks)
        days = (datetime.date(LAST_YEAR, 12, 31) - datetime.date(FIRST_YEAR, 1, 1)).days
        # Most of the time goes to PostgreSQL's triggers (a search vector per talk), one core per
        # connection: chunks are written by WRITERS connections while the next one is generated.
        # Inside a transaction (the tests') everything goes through its connection instead.
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        pending = deque()
        with ThreadPoolExecutor(max_workers=WRITERS) as writers:
            # A small first chunk, written and analysed before the others (below).
            starts = [0, *range(FIRST_CHUNK, count, SEMINARS_PER_CHUNK)]
            for chunk_start, chunk_end in zip(starts, [*starts[1:], count], strict=True):
                batch = defaultdict(list)
                for number in range(chunk_start, chunk_end):
                    start = datetime.date(FIRST_YEAR, 1, 1) + datetime.timedelta(
                        rng.randrange(days)
                    )
                    self.make_seminar(batch, number + 1, start, talks_of[number])
                if parallel and chunk_start:
                    future = writers.submit(self.write_chunk, batch, True)
                    pending.append((future, len(batch[Talk])))
                else:
                    self.write_chunk(batch)
                    progress.advance(len(batch[Talk]))
                if not chunk_start and connection.vendor == "postgresql":
                    # Statistics of a first chunk before the triggers plan their lookups for
                    # the rest: guessing from the growing tables alone, the talk's trigger
                    # switched to reading every library for each talk.
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                # At most one chunk waiting per writer: a chunk of 1,000 seminars is ~30 MB.
                while pending and (len(pending) > WRITERS or pending[0][0].done()):
                    future, written = pending.popleft()
                    future.result()
                    progress.advance(written)
            for future, written in pending:
                future.result()
                progress.advance(written)
        progress.finish()

    def write_chunk(self, batch, own_connection=False):
        # Speakers before their talks (foreign keys are checked at commit): the talk's
        # search-vector trigger then finds its speakers when the talk is inserted, where each
        # speaker written after it updated the talk and computed its vector again. So with a
        # seminar's regions and its region keys.
        try:
            with transaction.atomic():
                for model in (
                    Seminar.regions.through, Seminar, Seminar.localities.through, SeminarLink,
                    TalkSpeaker, Talk, Talk.topics.through, Resolution, ResolutionItem,
                ):  # fmt: skip
                    self.sink.write(model, batch[model])
        finally:
            if own_connection:
                connection.close()

    def next_id(self, model):
        self.ids[model] += 1
        return self.ids[model]

    def make_seminar(self, batch, seminar, start, talk_count):
        rng = self.rng
        organizer = rng.randint(1, self.heads_count if rng.random() < 0.8 else self.library_count)
        region = self.library_region[organizer]
        title = " ".join(
            part
            for part in (
                f"{rng.choice(words.TITLE_HEADS)}:",
                rng.choice(words.TITLE_SUBJECTS),
                rng.choice(words.TITLE_OBJECTS),
                rng.choice(words.TITLE_TAILS),
            )
            if part
        )
        departments = self.departments_of[organizer]
        created = datetime.datetime.combine(start, datetime.time(12), tzinfo=datetime.UTC)
        batch[Seminar].append(
            {
                "id": seminar,
                "title": title,
                "slug": self.slugs.make(f"{title} {start.year}"),
                "kind": rng.choice(KINDS),
                "scope": rng.choice(SCOPES),
                "format": rng.choice(Seminar.Format.values),
                "start_date": start,
                "end_date": start + datetime.timedelta(rng.randint(1, 2))
                if rng.random() < 0.15
                else None,
                "organizer_id": organizer,
                "organizer_department_id": rng.choice(departments)
                if departments and rng.random() < 0.5
                else None,
                "goal": f"обсуждение {rng.choice(words.TITLE_OBJECTS)}",
                "description": self.sentences(rng.randint(1, 3)) if rng.random() < 0.5 else "",
                "participants_count": rng.randint(10, 400) if rng.random() < 0.7 else None,
                "is_published": rng.random() < 0.95,
                "created_at": created,
                "updated_at": created,
            }
        )
        row = batch[Seminar][-1]
        row["published_at"] = created if row["is_published"] else None
        other_regions = rng.sample(self.regions, rng.choice([0, 0, 1, 2, 5]))
        for region_id in dict.fromkeys([region, *other_regions]):
            batch[Seminar.regions.through].append({"seminar_id": seminar, "region_id": region_id})
        if rng.random() < 0.3:
            batch[Seminar.localities.through].append(
                {"seminar_id": seminar, "locality_id": rng.randrange(len(self.localities)) + 1}
            )
        if rng.random() < 0.3:
            batch[SeminarLink].append(
                {
                    "id": self.next_id(SeminarLink),
                    "seminar_id": seminar,
                    "kind": "recording",
                    "title": "Запись семинара",
                    "url": f"https://vk.com/video-{seminar}_{rng.randint(1000, 99999)}",
                    "order": 1,
                }
            )
        for order in range(1, talk_count + 1):
            self.make_talk(batch, seminar, order, region)
        if rng.random() < 0.5:
            resolution = self.next_id(Resolution)
            batch[Resolution].append(
                {
                    "id": resolution,
                    "seminar_id": seminar,
                    "preamble": f"Участники семинара отметили актуальность темы «{title}».",
                    "closing": "",
                }
            )
            sections = list(ResolutionItem.Section)
            for order in range(1, rng.randint(3, 7) + 1):
                batch[ResolutionItem].append(
                    {
                        "id": self.next_id(ResolutionItem),
                        "resolution_id": resolution,
                        "section": rng.choice(sections),
                        "order": order,
                        "text": rng.choice(words.RESOLUTION_ITEMS).format(
                            object=rng.choice(words.TALK_OBJECTS)
                        ),
                    }
                )

    def make_talk(self, batch, seminar, order, region):
        rng = self.rng
        talk = self.next_id(Talk)
        place = rng.choice(words.TALK_PLACES)
        title = f"{rng.choice(words.TALK_OPENERS)} {rng.choice(words.TALK_OBJECTS)}"
        batch[Talk].append(
            {
                "id": talk,
                "seminar_id": seminar,
                "order": order,
                "title": f"{title} {place}" if place else title,
                "abstract": self.sentences(rng.randint(1, 3)) if rng.random() < 0.4 else "",
                "recording_url": f"https://rutube.ru/video/{talk:08d}/"
                if rng.random() < 0.3
                else "",
                "materials": "",
            }
        )
        roll = rng.random()
        people = rng.sample(
            range(1, self.people_count + 1), 1 if roll < 0.8 else 2 if roll < 0.95 else 3
        )
        for speaker_order, person in enumerate(people, start=1):
            local = self.libraries_by_region.get(region)
            library = (
                rng.choice(local)
                if local and rng.random() < 0.6
                else rng.randint(1, self.library_count)
            )
            departments = self.departments_of[library]
            batch[TalkSpeaker].append(
                {
                    "id": self.next_id(TalkSpeaker),
                    "talk_id": talk,
                    "person_id": person,
                    "order": speaker_order,
                    "position": rng.choice(words.POSITIONS),
                    "library_id": library,
                    "department_id": rng.choice(departments)
                    if departments and rng.random() < 0.4
                    else None,
                }
            )
        for topic in rng.sample(range(1, self.topic_count + 1), rng.choice([0, 1, 1, 2])):
            batch[Talk.topics.through].append({"talk_id": talk, "topic_id": topic})

    def sentences(self, count):
        rng = self.rng
        result = []
        for _ in range(count):
            sentence = " ".join(rng.choices(words.SENTENCE_WORDS, k=rng.randint(6, 14)))
            result.append(sentence.capitalize() + ".")
        return " ".join(result)


def _patronymic(father, female):
    stem = {"Пётр": "Петр", "Фёдор": "Федор", "Семён": "Семен", "Павел": "Павл", "Лев": "Льв"}.get(
        father, father
    )
    if stem.endswith("ий"):
        return stem[:-2] + ("ьевна" if female else "ьевич")
    if stem.endswith(("ь", "й")):
        return stem[:-1] + ("евна" if female else "евич")
    if stem.endswith("а"):
        return stem[:-1] + ("ична" if female else "ич")
    return stem + ("овна" if female else "ович")
