"""Times what visitors type — common, rare and missing words, surnames, names — in the search and
in each text box of the talk list, inside this process: the worst cases the fixed pages of
`bench/run.py` do not reach.

    .venv/bin/python bench/sweep.py --size 1m
    .venv/bin/python bench/sweep.py --size 1m --words "ёлкина" "детская библиотека"

Same setup as `bench/pages.py` (an archive `bench/run.py` built, production settings, page cache
off); after one request that counts the figures, the median of `--repeat` requests. Lines
over `--slow` ms are marked.
"""

import argparse
import statistics
from urllib.parse import urlencode

from pages import production_client, timed

# A word in a third of the talks, surnames at both ends of the alphabet, a first name, a word no
# record has, two words, a number.
WORDS = [
    "чтения",
    "ёлкина",
    "яковлева",
    "ирина",
    "маяк",
    "детская библиотека",
    "квест подростки",
    "2015",
]
PAGES = [
    ("search", "/search/", "q"),
    ("talks: text", "/talks/", "q"),
    ("talks: library", "/talks/", "library"),
    ("talks: speaker", "/talks/", "speaker"),
    ("talks: seminar", "/talks/", "seminar"),
    ("libraries: name", "/libraries/", "q"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1m", choices=["10k", "100k", "1m"])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slow", type=float, default=30.0)
    parser.add_argument("--words", nargs="+", default=WORDS)
    args = parser.parse_args()
    client = production_client(args.size, args.postgres)

    for word in args.words:
        for name, path, field in PAGES:
            url = f"{path}?{urlencode({field: word})}"
            status = client.get(url).status_code
            median = statistics.median(timed(client, url, args.repeat))
            mark = "!" if median > args.slow or status >= 500 else " "
            print(f"{mark} {median:7.1f} ms  {status}  {name:16} {word}")


if __name__ == "__main__":
    main()
