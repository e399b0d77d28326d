"""The 89 federal subjects of Russia (Constitution, art. 65) with their federal districts."""

from django.db import migrations

from core.text import sort_key

# (code, name, slug, kind, federal district)
REGIONS = [
    ("01", "Республика Адыгея", "respublika-adygeia", "republic", "southern"),
    ("02", "Республика Башкортостан", "respublika-bashkortostan", "republic", "volga"),
    ("03", "Республика Бурятия", "respublika-buriatiia", "republic", "far-eastern"),
    ("04", "Республика Алтай", "respublika-altai", "republic", "siberian"),
    ("05", "Республика Дагестан", "respublika-dagestan", "republic", "north-caucasian"),
    ("06", "Республика Ингушетия", "respublika-ingushetiia", "republic", "north-caucasian"),
    ("07", "Кабардино-Балкарская Республика", "kabardino-balkarskaia-respublika", "republic", "north-caucasian"),
    ("08", "Республика Калмыкия", "respublika-kalmykiia", "republic", "southern"),
    ("09", "Карачаево-Черкесская Республика", "karachaevo-cherkesskaia-respublika", "republic", "north-caucasian"),
    ("10", "Республика Карелия", "respublika-kareliia", "republic", "northwestern"),
    ("11", "Республика Коми", "respublika-komi", "republic", "northwestern"),
    ("12", "Республика Марий Эл", "respublika-marii-el", "republic", "volga"),
    ("13", "Республика Мордовия", "respublika-mordoviia", "republic", "volga"),
    ("14", "Республика Саха (Якутия)", "respublika-sakha-iakutiia", "republic", "far-eastern"),
    ("15", "Республика Северная Осетия — Алания", "respublika-severnaia-osetiia-alaniia", "republic", "north-caucasian"),
    ("16", "Республика Татарстан", "respublika-tatarstan", "republic", "volga"),
    ("17", "Республика Тыва", "respublika-tyva", "republic", "siberian"),
    ("18", "Удмуртская Республика", "udmurtskaia-respublika", "republic", "volga"),
    ("19", "Республика Хакасия", "respublika-khakasiia", "republic", "siberian"),
    ("20", "Чеченская Республика", "chechenskaia-respublika", "republic", "north-caucasian"),
    ("21", "Чувашская Республика — Чувашия", "chuvashskaia-respublika-chuvashiia", "republic", "volga"),
    ("22", "Алтайский край", "altaiskii-krai", "krai", "siberian"),
    ("23", "Краснодарский край", "krasnodarskii-krai", "krai", "southern"),
    ("24", "Красноярский край", "krasnoiarskii-krai", "krai", "siberian"),
    ("25", "Приморский край", "primorskii-krai", "krai", "far-eastern"),
    ("26", "Ставропольский край", "stavropolskii-krai", "krai", "north-caucasian"),
    ("27", "Хабаровский край", "khabarovskii-krai", "krai", "far-eastern"),
    ("28", "Амурская область", "amurskaia-oblast", "oblast", "far-eastern"),
    ("29", "Архангельская область", "arkhangelskaia-oblast", "oblast", "northwestern"),
    ("30", "Астраханская область", "astrakhanskaia-oblast", "oblast", "southern"),
    ("31", "Белгородская область", "belgorodskaia-oblast", "oblast", "central"),
    ("32", "Брянская область", "brianskaia-oblast", "oblast", "central"),
    ("33", "Владимирская область", "vladimirskaia-oblast", "oblast", "central"),
    ("34", "Волгоградская область", "volgogradskaia-oblast", "oblast", "southern"),
    ("35", "Вологодская область", "vologodskaia-oblast", "oblast", "northwestern"),
    ("36", "Воронежская область", "voronezhskaia-oblast", "oblast", "central"),
    ("37", "Ивановская область", "ivanovskaia-oblast", "oblast", "central"),
    ("38", "Иркутская область", "irkutskaia-oblast", "oblast", "siberian"),
    ("39", "Калининградская область", "kaliningradskaia-oblast", "oblast", "northwestern"),
    ("40", "Калужская область", "kaluzhskaia-oblast", "oblast", "central"),
    ("41", "Камчатский край", "kamchatskii-krai", "krai", "far-eastern"),
    ("42", "Кемеровская область — Кузбасс", "kemerovskaia-oblast-kuzbass", "oblast", "siberian"),
    ("43", "Кировская область", "kirovskaia-oblast", "oblast", "volga"),
    ("44", "Костромская область", "kostromskaia-oblast", "oblast", "central"),
    ("45", "Курганская область", "kurganskaia-oblast", "oblast", "ural"),
    ("46", "Курская область", "kurskaia-oblast", "oblast", "central"),
    ("47", "Ленинградская область", "leningradskaia-oblast", "oblast", "northwestern"),
    ("48", "Липецкая область", "lipetskaia-oblast", "oblast", "central"),
    ("49", "Магаданская область", "magadanskaia-oblast", "oblast", "far-eastern"),
    ("50", "Московская область", "moskovskaia-oblast", "oblast", "central"),
    ("51", "Мурманская область", "murmanskaia-oblast", "oblast", "northwestern"),
    ("52", "Нижегородская область", "nizhegorodskaia-oblast", "oblast", "volga"),
    ("53", "Новгородская область", "novgorodskaia-oblast", "oblast", "northwestern"),
    ("54", "Новосибирская область", "novosibirskaia-oblast", "oblast", "siberian"),
    ("55", "Омская область", "omskaia-oblast", "oblast", "siberian"),
    ("56", "Оренбургская область", "orenburgskaia-oblast", "oblast", "volga"),
    ("57", "Орловская область", "orlovskaia-oblast", "oblast", "central"),
    ("58", "Пензенская область", "penzenskaia-oblast", "oblast", "volga"),
    ("59", "Пермский край", "permskii-krai", "krai", "volga"),
    ("60", "Псковская область", "pskovskaia-oblast", "oblast", "northwestern"),
    ("61", "Ростовская область", "rostovskaia-oblast", "oblast", "southern"),
    ("62", "Рязанская область", "riazanskaia-oblast", "oblast", "central"),
    ("63", "Самарская область", "samarskaia-oblast", "oblast", "volga"),
    ("64", "Саратовская область", "saratovskaia-oblast", "oblast", "volga"),
    ("65", "Сахалинская область", "sakhalinskaia-oblast", "oblast", "far-eastern"),
    ("66", "Свердловская область", "sverdlovskaia-oblast", "oblast", "ural"),
    ("67", "Смоленская область", "smolenskaia-oblast", "oblast", "central"),
    ("68", "Тамбовская область", "tambovskaia-oblast", "oblast", "central"),
    ("69", "Тверская область", "tverskaia-oblast", "oblast", "central"),
    ("70", "Томская область", "tomskaia-oblast", "oblast", "siberian"),
    ("71", "Тульская область", "tulskaia-oblast", "oblast", "central"),
    ("72", "Тюменская область", "tiumenskaia-oblast", "oblast", "ural"),
    ("73", "Ульяновская область", "ulianovskaia-oblast", "oblast", "volga"),
    ("74", "Челябинская область", "cheliabinskaia-oblast", "oblast", "ural"),
    ("75", "Забайкальский край", "zabaikalskii-krai", "krai", "far-eastern"),
    ("76", "Ярославская область", "iaroslavskaia-oblast", "oblast", "central"),
    ("77", "Москва", "moskva", "federal_city", "central"),
    ("78", "Санкт-Петербург", "sankt-peterburg", "federal_city", "northwestern"),
    ("79", "Еврейская автономная область", "evreiskaia-avtonomnaia-oblast", "autonomous_oblast", "far-eastern"),
    ("83", "Ненецкий автономный округ", "nenetskii-avtonomnyi-okrug", "autonomous_okrug", "northwestern"),
    ("86", "Ханты-Мансийский автономный округ — Югра", "khanty-mansiiskii-avtonomnyi-okrug-iugra", "autonomous_okrug", "ural"),
    ("87", "Чукотский автономный округ", "chukotskii-avtonomnyi-okrug", "autonomous_okrug", "far-eastern"),
    ("89", "Ямало-Ненецкий автономный округ", "iamalo-nenetskii-avtonomnyi-okrug", "autonomous_okrug", "ural"),
    ("90", "Запорожская область", "zaporozhskaia-oblast", "oblast", "southern"),
    ("91", "Республика Крым", "respublika-krym", "republic", "southern"),
    ("92", "Севастополь", "sevastopol", "federal_city", "southern"),
    ("93", "Донецкая Народная Республика", "donetskaia-narodnaia-respublika", "republic", "southern"),
    ("94", "Луганская Народная Республика", "luganskaia-narodnaia-respublika", "republic", "southern"),
    ("95", "Херсонская область", "khersonskaia-oblast", "oblast", "southern"),
]


def load_regions(apps, schema_editor):
    Region = apps.get_model("libraries", "Region")
    for code, name, slug, kind, district in REGIONS:
        Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "slug": slug,
                "kind": kind,
                "federal_district": district,
                "sort_key": sort_key(name),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("libraries", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
