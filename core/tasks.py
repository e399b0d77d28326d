"""Work that must not run inside a request, for the background worker (`manage.py db_worker`)."""

from django.utils.module_loading import import_string
from django_tasks import task

from core import downloads
from core.cache import figure_key, generation, store_figure


@task()
def recount(path, args):
    """Counts the figure `path(*args)` (see `core.cache.figure`) again for the current archive."""
    counted_in = generation()
    store_figure(figure_key(path, args), counted_in, import_string(path)(*args))


@task()
def build_download(name, builder, args):
    """Builds the download `name` (see `core.downloads`) for the current archive, unless done."""
    built_from = generation()
    if downloads.built_generation(name) == built_from:
        return
    content = import_string(builder)(*args)
    if isinstance(content, str):
        content = content.encode()
    downloads.store(name, content, built_from)
