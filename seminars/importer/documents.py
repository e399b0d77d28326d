"""Read an uploaded document (.docx, .txt, .md) or pasted text into plain paragraphs."""

import io
import re
import zipfile
from pathlib import PurePath

from charset_normalizer import from_bytes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A .docx is a zip: a 1.5 MB file can unpack to gigabytes. The text of a 300-page report is a few
# megabytes of XML and pictures are stored as they are, so 100 MB unpacked is generous.
DEFAULT_MAX_DOCX_UNPACKED_BYTES = 100 * 1024 * 1024
CHUNK = 1024 * 1024
TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}

# Magic bytes of formats people rename to .docx by mistake.
SIGNATURES = {
    b"%PDF": "PDF",
    b"\x89PNG": "изображение PNG",
    b"\xff\xd8\xff": "изображение JPEG",
    b"GIF8": "изображение GIF",
    b"II*\x00": "изображение TIFF",
    b"MM\x00*": "изображение TIFF",
    b"{\\rtf": "RTF",
    b"\xd0\xcf\x11\xe0": "документ Word старого формата (.doc)",
}


class DocumentError(Exception):
    """A document we cannot read; the message is shown to the user as is."""


def _setting(name, default):
    try:
        return getattr(settings, name, default)
    except ImproperlyConfigured:  # the parser also runs outside a configured project
        return default


def max_upload_bytes():
    return _setting("IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _size(size):
    """«3 МБ», «1,5 МБ», «40 КБ»."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} КБ"
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",") + " МБ"


def read_upload(upload):
    """Paragraphs of a Django UploadedFile (or any object with .name, .size and .read())."""
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise DocumentError(
            f"Файл слишком большой: {_size(size)}, допускается не больше {_size(limit)}."
        )
    return read_document(upload.name, upload.read(limit + 1))


def read_document(name, data):
    """Paragraphs of a document given its file name and content."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise DocumentError(
            f"Файл слишком большой: {_size(len(data))}, допускается не больше {_size(limit)}."
        )
    if not data.strip():
        raise DocumentError("Файл пуст.")
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".docx" or data.startswith(b"PK\x03\x04"):
        paragraphs = read_docx(data)
    elif suffix in TEXT_EXTENSIONS or not suffix:
        # Plain text exported from a chat or a wiki often carries markdown bold too.
        paragraphs = read_text(decode_text(data))
    else:
        raise DocumentError(
            f"Формат «{suffix}» не поддерживается. Загрузите .docx, .txt или .md "
            "или вставьте текст."
        )
    if not any(p.strip() for p in paragraphs):
        raise DocumentError("В документе нет текста.")
    return paragraphs


def _sniff(data):
    for magic, what in SIGNATURES.items():
        if data.startswith(magic):
            return what
    return None


def decode_text(data):
    """Text of a plain-text file: UTF-8 (with or without BOM), UTF-16 with BOM, or cp1251."""
    what = _sniff(data)
    if what:
        raise DocumentError(f"Это не текстовый файл, а {what}.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        if b"\x00" not in data:
            # Russian Word users save «Обычный текст» as cp1251; try it before guessing.
            text = _plausible_cyrillic(data, "cp1251")
            if text is not None:
                return text
            best = from_bytes(data).best()
            if best is not None and best.encoding:
                text = _plausible_cyrillic(data, best.encoding)
                if text is not None:
                    return text
    raise DocumentError(
        "Не удалось прочитать текст: кодировка не распознана. "
        "Сохраните файл в UTF-8 или Windows-1251."
    )


def _plausible_cyrillic(data, encoding):
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    cyrillic = [c for c in letters if "а" <= c.lower() <= "я" or c in "ёЁ"]
    other = [c for c in letters if not c.isascii() and c not in cyrillic]
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    lower = sum(1 for c in cyrillic if c.islower())
    # Wrongly decoded Cyrillic is mostly capitals, Serbian or Greek letters, or not letters.
    if (
        controls
        or len(cyrillic) < 0.5 * len(letters)
        or lower < 0.6 * len(cyrillic)
        or len(other) > 0.02 * len(letters)
    ):
        return None
    return text


def read_text(text, markdown=True):
    """Paragraphs of plain or markdown text: one per line, blank lines kept as ''."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = []
    for line in text.split("\n"):
        if markdown:
            line = strip_markdown(line)
        lines.append(clean(line))
    return lines


def strip_markdown(line):
    line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
    line = re.sub(r"^\s*>\s?", "", line)
    line = line.replace("**", "").replace("__", "")
    line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", line)
    # [text](url) → text url
    return re.sub(r"\[([^\]]+)\]\((\S+?)\)", r"\1 \2", line)


def clean(line):
    line = line.replace("\xa0", " ").replace("\u200b", "").replace("\t", " ")
    return re.sub(r" {2,}", " ", line).strip()


# --- .docx -----------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data):
    what = _sniff(data)
    if what:
        raise DocumentError(f"Это не документ .docx, а {what}, переименованный в .docx.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError("Файл повреждён или это не документ .docx.")
    package = _unpacked_within_limit(data)
    import docx  # heavy; only .docx needs it

    try:
        document = docx.Document(package)
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise DocumentError("Документ .docx повреждён, его не удалось открыть.") from exc
    numbering = _Numbering(document)
    paragraphs = []
    _read_blocks(document.element.body, numbering, paragraphs)
    return paragraphs


def _read_blocks(parent, numbering, paragraphs):
    for block in parent.iterchildren():
        if block.tag == f"{W}p":
            paragraphs.append(_paragraph_text(block, numbering))
        elif block.tag == f"{W}tbl":
            paragraphs.extend(_table_rows(block, numbering))
            paragraphs.append("")
        elif block.tag == f"{W}sdt":
            # Content controls of form-like templates hold ordinary paragraphs and tables.
            content = block.find(f"{W}sdtContent")
            if content is not None:
                _read_blocks(content, numbering, paragraphs)


def _unpacked_within_limit(data):
    """The package re-stored uncompressed, read in chunks so no part unpacks past the limit.

    python-docx reads each part whole, and zipfile trusts the size an entry declares while it
    inflates: a part that lies about its size could fill the memory before the check fails.
    """
    limit = _setting("IMPORT_MAX_DOCX_UNPACKED_BYTES", DEFAULT_MAX_DOCX_UNPACKED_BYTES)
    refusal = DocumentError(
        f"Документ .docx распаковывается больше чем в {_size(limit)} — так не бывает у "
        "обычного текста. Возможно, файл повреждён или составлен нарочно; сохраните документ "
        "заново или вставьте текст."
    )
    out = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as archive,
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy,
        ):
            if "word/document.xml" not in archive.namelist():
                raise DocumentError("Это архив, но не документ Word (.docx).")
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > limit:
                raise refusal
            total = 0
            for info in infos:
                chunks = []
                with archive.open(info) as part:
                    while chunk := part.read(CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise refusal
                        chunks.append(chunk)
                copy.writestr(info, b"".join(chunks), compress_type=zipfile.ZIP_STORED)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise DocumentError("Документ .docx повреждён, его не удалось открыть.") from exc
    out.seek(0)
    return out


def _paragraph_text(p, numbering):
    parts = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}noBreakHyphen"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    text = clean("".join(parts))
    marker = numbering.marker(p)
    if text and marker:
        text = f"{marker} {text}"
    return text


def _table_rows(tbl, numbering):
    """One paragraph per row, cells joined with « — »; a lone number cell becomes «N.»."""
    rows = []
    for tr in tbl.iter(f"{W}tr"):
        cells = []
        for tc in tr.iterchildren(f"{W}tc"):
            text = " ".join(
                t for t in (_paragraph_text(p, numbering) for p in tc.iter(f"{W}p")) if t
            )
            cells.append(text.strip())
        cells = [c for c in cells if c]
        if not cells:
            continue
        number = None
        if re.fullmatch(r"\d{1,3}\.?", cells[0]) and len(cells) > 1:
            number = cells.pop(0).rstrip(".")
        # Times of a programme («10.00–10.20») carry nothing we store.
        cells = [c for c in cells if not re.fullmatch(r"[\d.:\s–—-]+", c)] or cells
        row = " — ".join(cells)
        rows.append(f"{number}. {row}" if number else row)
    return rows


class _Numbering:
    """Turns Word's automatic list numbering back into «1.» and «-» markers."""

    def __init__(self, document):
        self.formats = {}
        self.counters = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        self.styles = document.styles
        if root is None:
            return
        abstract = {}
        for a in root.iterchildren(f"{W}abstractNum"):
            levels = {}
            for lvl in a.iterchildren(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                levels[lvl.get(f"{W}ilvl")] = fmt.get(f"{W}val") if fmt is not None else None
            abstract[a.get(f"{W}abstractNumId")] = levels
        for num in root.iterchildren(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                self.formats[num.get(f"{W}numId")] = abstract.get(ref.get(f"{W}val"), {})

    def _num_pr(self, p):
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            return None
        num_pr = ppr.find(f"{W}numPr")
        if num_pr is not None:
            return num_pr
        style = ppr.find(f"{W}pStyle")
        if style is None:
            return None
        try:
            style_el = self.styles.element.get_by_id(style.get(f"{W}val"))
        except (KeyError, AttributeError):
            return None
        while style_el is not None:
            style_ppr = style_el.find(f"{W}pPr")
            if style_ppr is not None and style_ppr.find(f"{W}numPr") is not None:
                return style_ppr.find(f"{W}numPr")
            based = style_el.find(f"{W}basedOn")
            style_el = (
                self.styles.element.get_by_id(based.get(f"{W}val")) if based is not None else None
            )
        return None

    def marker(self, p):
        num_pr = self._num_pr(p)
        if num_pr is None:
            return None
        num_id_el = num_pr.find(f"{W}numId")
        ilvl_el = num_pr.find(f"{W}ilvl")
        num_id = num_id_el.get(f"{W}val") if num_id_el is not None else None
        ilvl = ilvl_el.get(f"{W}val") if ilvl_el is not None else "0"
        if num_id in (None, "0"):
            return None
        fmt = self.formats.get(num_id, {}).get(ilvl, "decimal")
        if fmt in ("bullet", "none", None):
            return "-"
        key = (num_id, ilvl)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{self.counters[key]}."
