"""A person's name in the dative case, as a certificate writes it: «выдан Ивановой Марии Петровне».

First names and patronymics come from pymorphy3's dictionary of names, with the person's gender.
Surnames follow the rules of Russian grammar rather than pymorphy3's guesses: its dictionary
holds few surnames, and for the rest it guesses from the ending — «Калиновская» as an adjective,
«Тауль» as a first name, «Масенкова» as a place — while the declension of surnames depends only
on the ending and the gender, which the first name and patronymic tell.
"""

from functools import cache, lru_cache

MALE, FEMALE = "masc", "femn"
VOWELS = "аеёиоуыэюя"


@cache
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def gender_of(last_name, first_name, patronymic):
    """MALE, FEMALE or None: from the patronymic, else the first name, else the surname."""
    patronymic = patronymic.strip().lower()
    if patronymic.endswith(("ич", "оглы", "улы", "уулу")):
        return MALE
    if patronymic.endswith(("на", "кызы", "гызы")):
        return FEMALE
    if not _is_initial(first_name):
        genders = {
            parse.tag.gender
            for parse in morph().parse(first_name.strip())
            if "Name" in parse.tag and parse.tag.case == "nomn" and parse.score >= 0.2
        }
        if genders in ({MALE}, {FEMALE}):
            return genders.pop()
    surname = last_name.strip().lower().split("-")[-1]
    if surname.endswith(("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")):
        return FEMALE
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ый")):
        return MALE
    return None


def dative(last_name, first_name, patronymic):
    """«Иванова Мария Петровна» → «Ивановой Марии Петровне»; a name whose gender cannot be told
    (initials and an ambiguous surname: «Ким И. П.») stays as written."""
    gender = gender_of(last_name, first_name, patronymic)
    if gender is None:
        return " ".join(part for part in (last_name, first_name, patronymic) if part)
    parts = [
        "-".join(_surname_dative(part, gender) for part in last_name.split("-")),
        _given_dative(first_name, gender, "Name"),
        _given_dative(patronymic, gender, "Patr"),
    ]
    return " ".join(part for part in parts if part)


def _is_initial(word):
    return len(word.strip().rstrip(".")) <= 1


@lru_cache(maxsize=20_000)
def _given_dative(word, gender, kind):
    word = word.strip()
    if not word or _is_initial(word) or " " in word:
        # «Мамед оглы» and the like keep their form.
        return word
    if "-" in word:
        # «Мария-Антуанетта» → «Марии-Антуанетте»: each part declines.
        return "-".join(_given_dative(part, gender, kind) for part in word.split("-"))
    for parse in morph().parse(word):
        if kind in parse.tag and parse.tag.gender == gender and parse.tag.case == "nomn":
            inflected = parse.inflect({"datv"})
            if inflected:
                return _like(inflected.word, word)
    return _by_ending(word, gender)


@lru_cache(maxsize=20_000)
def _surname_dative(word, gender):
    lower = word.lower()
    if not word or lower.endswith(("ых", "их", "ко", "о", "е", "э", "и", "у", "ю")):
        return word
    if gender == FEMALE:
        if lower.endswith(("ова", "ева", "ёва", "ина", "ына")):
            return word[:-1] + _like("ой", word[-1])
        if lower.endswith("ая"):
            return word[:-2] + _like("ой", word[-1])
        if lower.endswith("яя"):
            return word[:-1] + _like("ей", word[-1])
        if lower[-1] in "ая":
            return _by_ending(word, gender)
        # A woman's surname ending in a consonant or «ь» does not decline: «Тауль», «Шевчук».
        return word
    if lower.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return word + _like("у", word[-1])
    if lower.endswith(("ий", "ый", "ой")) and len(lower) > 4:
        return word[:-2] + _like("ому", word[-1])
    return _by_ending(word, gender)


def _by_ending(word, gender):
    """Nouns' declension by the ending: «Никита» → «Никите», «Мария» → «Марии», «Гоголь» →
    «Гоголю», «Шевчук» → «Шевчуку»."""
    lower = word.lower()
    last = lower[-1]
    if lower.endswith("ия"):
        return word[:-1] + _like("и", word[-1])
    if last in "ая":
        return word[:-1] + _like("е", word[-1])
    if last in "йь":
        if gender == FEMALE:
            return word[:-1] + _like("и", word[-1]) if last == "ь" else word
        return word[:-1] + _like("ю", word[-1])
    if last in VOWELS:
        return word
    return word + _like("у", word[-1]) if gender == MALE else word


def _like(text, model):
    """`text` in the capitals of `model`: «Иванова» gives «Ивановой», «ИВАНОВА» «ИВАНОВОЙ»."""
    if model.isupper() and len(model) > 1:
        return text.upper()
    if model[:1].isupper():
        return text[:1].upper() + text[1:]
    return text
