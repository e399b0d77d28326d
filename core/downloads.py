"""Heavy downloads — the whole archive as ZIP and JSON, the statistics workbook — are files.

A request never builds one: it serves the file the background worker (`core.tasks.build_download`)
wrote into `EXPORTS_ROOT` (a private folder, not under MEDIA_ROOT, which nginx serves as it is).
A file built before the archive's last change is still served while the worker builds it again,
once per change however many requests ask (the same `generation()` that keeps the page cache
fresh); before the first build the answer is a Russian «готовится» page, 503 with Retry-After.
Query parameters a download does not take change nothing: `?r=<random>` is the same file.
"""

import os
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse
from django.shortcuts import render

from core.cache import RECOUNT_SECONDS, generation

RETRY_AFTER_SECONDS = 30


def _paths(name):
    folder = settings.EXPORTS_ROOT
    return folder / name, folder / f"{name}.generation"


def built_generation(name):
    """The archive generation the stored file was built from, or None if there is none."""
    path, stamp = _paths(name)
    try:
        return stamp.read_text().strip() if path.exists() else None
    except FileNotFoundError:
        return None


def store(name, content, built_from):
    """Writes the file whole, then its stamp: a reader sees the old file or the new, never half."""
    path, stamp = _paths(name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for target, data in ((path, content), (stamp, built_from.encode())):
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)


def serve(request, name, builder, args=(), *, content_type, filename=None):
    """The stored file `name`, asking the worker for a new one when the archive has changed.

    `builder` is the dotted path of a function of `args` (JSON values) returning bytes or text.
    """
    current = generation()
    built = built_generation(name)
    if built != current and cache.add(f"download:{current}:{name}", True, RECOUNT_SECONDS):
        from core.tasks import build_download

        build_download.enqueue(name, builder, list(args))
        built = built_generation(name)  # a worker that runs at once (tests) has built it
    if built is None:
        response = render(request, "download_preparing.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    path, _ = _paths(name)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=filename or name,
        content_type=content_type,
    )
