"""Certificates as PDF: HTML and CSS drawn by WeasyPrint (Pango), in PT Serif and PT Sans.

The fonts are embedded from the files of Debian's fonts-paratype (CERTIFICATE_FONTS_DIR), named
in @font-face rules, so a certificate looks the same on every server, whatever else is installed.
"""

import atexit
import os
import tempfile
from functools import cache
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from seminars.templatetags.russian import ru_date

CSS_FILE = Path(__file__).parent / "assets" / "certificate.css"
# (family, weight, style) → the file in fonts-paratype.
FONT_FILES = {
    ("PT Serif", "normal", "normal"): "PTF55F.ttf",
    ("PT Serif", "normal", "italic"): "PTF56F.ttf",
    ("PT Serif", "bold", "normal"): "PTF75F.ttf",
    ("PT Serif", "bold", "italic"): "PTF76F.ttf",
    ("PT Sans", "normal", "normal"): "PTS55F.ttf",
}


# Decoded images (the logo) shared by every certificate a process draws. Keyed by address: a
# replaced logo is a new file with a new name (Django's storage never overwrites).
IMAGES = {}


class FontsMissing(RuntimeError):
    pass


def font_faces():
    folder = Path(settings.CERTIFICATE_FONTS_DIR)
    missing = [name for name in FONT_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise FontsMissing(
            f"Нет шрифтов PT Serif и PT Sans в {folder} ({', '.join(missing)}): "
            "установите пакет fonts-paratype (make install)."
        )
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(folder / name).as_uri()}"); }}'
        for (family, weight, style), name in FONT_FILES.items()
    )


@cache
def stylesheet():
    """The fonts and the stylesheet, parsed once per process: every certificate shares them."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string=font_faces() + CSS_FILE.read_text(), font_config=fonts)
    # Released before the interpreter tears down the libraries it would call while freed.
    atexit.register(stylesheet.cache_clear)
    return css, fonts


def qr_data_uri(url):
    # Error correction M survives a crease or a stamp over a corner of a printed certificate. A
    # PNG at about 300 dpi, drawn as one image, costs the PDF far less than an SVG path of every
    # module; a fixed mask saves segno trying all eight on each certificate.
    # One pixel per module, scaled up in CSS without smoothing (`image-rendering: pixelated`):
    # the PDF carries a 33×33 image whose modules print as sharp squares at any size.
    return segno.make(url, error="m", micro=False, mask=4).png_data_uri(
        scale=1, border=0, dark="#1d2433"
    )


def render(certificate, logo=None, department=""):
    """The PDF of `certificate` as bytes. `logo` is an image field file or None."""
    from weasyprint import HTML

    css, fonts = stylesheet()
    url = certificate.verification_url
    word, _, rest = certificate.heading.partition(" ")
    issued = timezone.localtime(certificate.issued_at) if certificate.issued_at else timezone.now()
    html = render_to_string(
        "certificates/certificate.html",
        {
            "certificate": certificate,
            "heading_word": word,
            "heading_rest": rest,
            "issued_on": ru_date(issued.date()),
            "department": department,
            "logo": Path(logo.path).as_uri() if logo and _exists(logo) else "",
            "qr": qr_data_uri(url),
            "url_display": url.split("://", 1)[-1],
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[css], font_config=fonts, cache=IMAGES
    )


def _exists(field_file):
    try:
        return Path(field_file.path).is_file()
    except (ValueError, NotImplementedError):
        return False


def write(certificate, content):
    """Writes the PDF where the certificate keeps it, whole or not at all (a reader never sees
    half a file)."""
    path = certificate.path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as part:
        part.write(content)
    os.replace(part.name, path)
    return path
