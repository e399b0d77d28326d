"""People's names and their workplaces as resolutions and programmes write them."""

import re
from dataclasses import dataclass

UP = "А-ЯЁ"
LOW = "а-яё"
SURNAME = rf"(?:[{UP}][{LOW}]+(?:-[{UP}][{LOW}]+)?|[{UP}]{{2,}}(?:-[{UP}]{{2,}})?(?=\s+[{UP}]\.))"
WORD = rf"[{UP}][{LOW}]+"
INITIAL = rf"[{UP}]\."
# What may follow a name: punctuation, a bracket, a dash, «и», the end.
AFTER_NAME = r"(?=\s*(?:[,;:(]|[—–-]\s|\s-\s|\.(?:\s|$)|\s+и\s|$))"

FULL_NAME_RX = re.compile(rf"({SURNAME})\s+({WORD})\s+({SURNAME}){AFTER_NAME}")
SURNAME_INITIALS_RX = re.compile(rf"({SURNAME})\s+({INITIAL})\s?({INITIAL})?(?![{LOW}{UP}])")
INITIALS_SURNAME_RX = re.compile(rf"({INITIAL})\s?(?:({INITIAL})\s?)?({SURNAME}){AFTER_NAME}")
TWO_WORDS_RX = re.compile(rf"({SURNAME})\s+({SURNAME}){AFTER_NAME}")
PATRONYMIC_RX = re.compile(rf"[{UP}][{LOW}]+(?:вич|вна|ич|ична|инична)")


def _words(text):
    return frozenset(text.split())


FIRST_NAMES = _words(
    """
    Александра Алевтина Алёна Алена Алина Алиса Алла Анастасия Ангелина Анжелика Анна Антонина
    Валентина Валерия Варвара Вера Вероника Виктория Галина Дарья Диана Евгения Екатерина Елена
    Елизавета Жанна Зинаида Зоя Инна Ирина Карина Кира Клавдия Кристина Ксения Лариса Лидия Лилия
    Любовь Людмила Маргарита Марина Мария Надежда Наталья Наталия Нина Оксана Олеся Ольга Полина
    Раиса Регина Светлана Снежана Софья София Таисия Тамара Татьяна Ульяна Эльвира Юлия Яна
    Александр Алексей Анатолий Андрей Антон Аркадий Артём Артем Борис Вадим Валентин Валерий
    Василий Виктор Виталий Владимир Владислав Вячеслав Геннадий Георгий Григорий Денис Дмитрий
    Евгений Егор Иван Игорь Илья Кирилл Константин Леонид Максим Михаил Никита Николай Олег Павел
    Пётр Петр Роман Руслан Сергей Станислав Степан Тимур Фёдор Федор Юрий Ярослав
    """
)

LEGAL_FORMS = _words(
    """
    КГБУ КГБУК КГАУ КГАУК КГКУ КГКУК ГБУ ГБУК ГАУ ГАУК ГКУ ГКУК ГУ ГУК ГОБУК ОГБУК ОГАУК ОГУК
    МБУ МБУК МАУ МАУК МКУ МКУК МУ МУК БУ БУК АУ АУК КУ КУК ФГБУ ФГБУК ФГУК ФГБОУ ГБОУ МБОУ МАОУ
    МКОУ ГАПОУ ГБПОУ МБУДО ГБУДО ГАОУ АНО НКО
    """
)
LEGAL_FORM_RX = re.compile(r"[ФГКОМБАНРС]{1,5}У(?:К|КИ|ДО)?")


def is_legal_form(word):
    """КГБУ, МБУК, КГБНУК…: the legal form of a state or municipal institution."""
    return word in LEGAL_FORMS or bool(LEGAL_FORM_RX.fullmatch(word))


LIBRARY_ABBREVIATIONS = _words(
    """
    ЦБС МЦБС ЦСДБ ЦСПБ МЦБ ЦГБ ЦДБ ЦРБ ЦГДБ ЦМБ МЦРБ МБС РНБ РГБ РГДБ РГБМ НБ ОДБ ОЮБ ГПНТБ
    """
)
# Units inside a library: they belong to the department, not the institution.
DEPARTMENT_ABBREVIATIONS = {"ИБЦ", "ИЦ", "ЦОД", "ЦПИ", "ЦОИ", "ПЦПИ", "ЦОДИ", "ИМО", "НМО", "ОИО"}
DEPARTMENT_RX = re.compile(
    r"(?<![\w-])(?:отдел(?:а|ом|е|у)?|сектор(?:а|ом|е|у)?|отделени(?:е|я|ем|и)|"
    r"центр(?:а|ом|е|у)?|служб(?:а|ы|ой|е)|кафедр(?:а|ы|ой|е)|лаборатори(?:я|и|ей)|"
    + "|".join(sorted(DEPARTMENT_ABBREVIATIONS))
    + r")(?![\w-])"
)
DEPARTMENT_NOMINATIVE = {
    "отдел": "отдел",
    "сектор": "сектор",
    "отделени": "отделение",
    "центр": "центр",
    "служб": "служба",
    "кафедр": "кафедра",
    "лаборатори": "лаборатория",
}
INSTITUTION_NOUN_RX = re.compile(
    r"^(?:библиотек[аиеуй]?|библиотекой|систем[аыеу]?|системой|музе[йяюе]|музеем|"
    r"учреждени[еяю]|учреждением|университет[аеу]?|институт[аеу]?|колледж[аеу]?|академи[яиею]|"
    r"дворец|дворца|дом|дома)$",
    re.IGNORECASE,
)
ABBREVIATIONS = _words("г им ул с п пос д р-н обл св ст пгт мкр")


@dataclass
class Name:
    last_name: str
    first_name: str
    patronymic: str

    def __post_init__(self):
        # «ИВАНОВА И. И.» → «Иванова»
        if self.last_name.isupper():
            self.last_name = "-".join(p.capitalize() for p in self.last_name.split("-"))


def _is_first_name(word):
    return word in FIRST_NAMES


def match_name(text, pos=0):
    """The name written at text[pos:], as (Name, end), or None."""
    m = FULL_NAME_RX.match(text, pos)
    if m:
        a, b, c = m.groups()
        if PATRONYMIC_RX.fullmatch(c) and "-" not in c:
            return Name(a, b, c), m.end()
        if PATRONYMIC_RX.fullmatch(b) and _is_first_name(a):
            return Name(c, a, b), m.end()
    m = SURNAME_INITIALS_RX.match(text, pos)
    if m and not _is_first_name(m.group(1)):
        return Name(m.group(1), m.group(2), m.group(3) or ""), m.end()
    m = INITIALS_SURNAME_RX.match(text, pos)
    if m:
        return Name(m.group(3), m.group(1), m.group(2) or ""), m.end()
    m = TWO_WORDS_RX.match(text, pos)
    if m:
        a, b = m.groups()
        if _is_first_name(b) and not _is_first_name(a):
            return Name(a, b, ""), m.end()
        if _is_first_name(a) and not _is_first_name(b):
            return Name(b, a, ""), m.end()
    return None


# --- quotes ----------------------------------------------------------------------------------


def quote_roles(text):
    """[(index, +1 opening / -1 closing)] for every quote mark, straight ones by context."""
    roles = []
    for i, c in enumerate(text):
        if c in "«„":
            roles.append((i, 1))
        elif c in "»”":
            roles.append((i, -1))
        elif c in '"“':
            prev = text[i - 1] if i else " "
            opening = prev.isspace() or prev in "([«„—–-/:"
            roles.append((i, 1 if opening else -1))
    return roles


def depths(text):
    """Quote depth before each character of text (never below zero)."""
    result = [0] * (len(text) + 1)
    roles = dict(quote_roles(text))
    depth = 0
    for i in range(len(text)):
        result[i] = depth
        depth = max(0, depth + roles.get(i, 0))
    result[len(text)] = depth
    return result


def strip_outer_quotes(text):
    """«Title» → Title, keeping inner quotes and mending unbalanced outer ones."""
    text = text.strip().rstrip(",;:—–- ").strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    roles = quote_roles(text)
    if roles and roles[0] == (0, 1):
        depth = 0
        closed_at = None
        for i, r in roles:
            depth += r
            if depth == 0:
                closed_at = i
                break
        if closed_at == len(text) - 1:
            return text[1:-1].strip()
        if closed_at is None:
            # «Title «Inner» — the outer closing mark merged with the inner one.
            text = text[1:].strip()
    depth = 0
    for i, r in quote_roles(text):
        depth += r
        if depth < 0:
            if i == len(text) - 1:
                # «Inner» rest» — the opening mark merged with the inner one.
                return text[:-1].strip()
            depth = 0
    return text


# --- workplaces ------------------------------------------------------------------------------


def _token_core(token):
    return token.strip("«»„“”\"'(),;:.")


def _institution_start(text):
    """Index where the institution begins in «position [department] institution»."""
    d = depths(text)
    tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
    for k, (start, token) in enumerate(tokens):
        first_letter = start + next((j for j, c in enumerate(token) if c.isalnum()), 0)
        if d[first_letter] or not token[:1].isupper():
            continue
        core = _token_core(token)
        if core in DEPARTMENT_ABBREVIATIONS:
            continue
        if is_legal_form(core) or core in LIBRARY_ABBREVIATIONS:
            return start
        if not core[:1].isupper() or token[0] in '«"':
            continue
        for _, word in tokens[k : k + 5]:
            noun = _token_core(word).split("-")[0]
            if INSTITUTION_NOUN_RX.match(noun):
                return start
            if any(c in word for c in '«»",;:()'):
                break
    return None


FEMININE_GENITIVE = {"библиотеки": "библиотека", "системы": "система", "академии": "академия"}
MASCULINE_GENITIVE = {
    "музея": "музей",
    "университета": "университет",
    "института": "институт",
    "колледжа": "колледж",
    "дворца": "дворец",
    "дома": "дом",
}


def _match_case(word, template):
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


def nominative_institution(name):
    """«Центральной детской библиотеки …» → «Центральная детская библиотека …»."""
    tokens = name.split(" ")
    for k, token in enumerate(tokens):
        parts = token.split("-")
        head = parts[0].lower()
        if head in FEMININE_GENITIVE:
            parts[0] = _match_case(FEMININE_GENITIVE[head], parts[0])
            if len(parts) > 1 and parts[1].lower() == "филиала":
                parts[1] = _match_case("филиал", parts[1])
            adjectives = [re.sub(r"ой$", "ая", re.sub(r"ей$", "яя", t)) for t in tokens[:k]]
        elif head in MASCULINE_GENITIVE:
            parts[0] = _match_case(MASCULINE_GENITIVE[head], parts[0])
            adjectives = [
                re.sub(r"([кгхжшчщ])ого$", r"\1ий", re.sub(r"его$", "ий", t)) for t in tokens[:k]
            ]
            adjectives = [re.sub(r"ого$", "ый", t) for t in adjectives]
        elif INSTITUTION_NOUN_RX.match(head):
            return name
        else:
            continue
        return " ".join([*adjectives, "-".join(parts), *tokens[k + 1 :]])
    return name


def _strip_end(text):
    text = text.strip().strip(",;").strip()
    if text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1].rstrip()
    if text.endswith("."):
        last = text[:-1].split(" ")[-1]
        if not (len(last) == 1 or last in ABBREVIATIONS):
            text = text[:-1].rstrip()
    return text.strip().strip(",;").strip()


def department_of(position):
    """The unit named inside a position: «заведующий отделом «Детство»» → «отдел «Детство»»."""
    d = depths(position)
    for m in DEPARTMENT_RX.finditer(position):
        if d[m.start()]:
            continue
        rest = position[m.start() :]
        end = len(rest)
        rd = depths(rest)
        for i, c in enumerate(rest):
            if c in ",;" and rd[i] == 0:
                end = i
                break
        department = rest[:end].strip()
        word = m.group()
        for stem, nominative in DEPARTMENT_NOMINATIVE.items():
            if word.lower().startswith(stem):
                department = nominative + department[len(word) :]
                break
        return department
    return ""


def split_affiliation(text):
    """«position department institution» → (position, department, institution)."""
    text = _strip_end(text)
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    start = _institution_start(text)
    if start is None:
        position, institution = text, ""
    else:
        position, institution = text[:start], text[start:]
    position = _strip_end(position).strip("(").strip()
    institution = nominative_institution(_strip_end(institution).strip("()").strip())
    return position, department_of(position), institution
