"""Safe uploads: one path for every image (logos, photos) and one for talk materials.

Images are decoded by Pillow and written anew: only JPEG, PNG and WebP, within byte and pixel
limits, so a decompression bomb, an SVG or an HTML page renamed `.jpg`, or HTML appended after a
valid PNG never reaches the media folder; EXIF, GPS and other metadata are dropped, and smaller
renditions are made for the pages. Materials are recognised by their content, not by their
extension, and get a clean name with the extension of what they really are.
"""

import io
import warnings
import zipfile
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from PIL import Image, ImageOps, UnidentifiedImageError
from slugify import slugify

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
IMAGE_MAX_SIDE = 2000
# name → width in pixels; each image gets a WebP rendition of each width (never upscaled).
RENDITIONS = {"small": 160, "medium": 480}


def safe_name(name, extension, default="file"):
    """A short Latin file name: «Доклад Ёлкиной (итог).PDF» → «doklad-elkinoi-itog.pdf»."""
    stem = slugify(PurePath(str(name)).stem, max_length=80, word_boundary=True) or default
    return f"{stem}.{extension}"


def _megabytes(size):
    return f"{size / 1024 / 1024:.0f} МБ"


def reencode_image(upload, name=None):
    """Check an uploaded image and return it re-encoded, without metadata, as a ContentFile."""
    if upload.size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            f"Файл слишком большой: не больше {_megabytes(settings.MAX_IMAGE_UPLOAD_BYTES)}.",
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(IMAGE_FORMATS))
            if image.width * image.height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    f"Изображение слишком большое: {image.width}×{image.height} точек. "
                    "Уменьшите его и загрузите снова.",
                    code="too_many_pixels",
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            "Изображение слишком большое. Уменьшите его и загрузите снова.",
            code="too_many_pixels",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError(
            "Это не изображение JPEG, PNG или WebP (или файл повреждён). "
            "Сохраните картинку в одном из этих форматов и загрузите снова.",
            code="not_an_image",
        ) from error

    kind = image.format
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF tag asked for
    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    if kind == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    elif image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
        image = image.convert("RGBA")
    output = io.BytesIO()
    _save_clean(image, output, kind)
    name = safe_name(name or upload.name, IMAGE_FORMATS[kind], default="image")
    content = ContentFile(output.getvalue(), name=name)
    content.reencoded = True
    return content


def _save_clean(image, output, kind):
    # Pillow copies some metadata (ICC, XMP, PNG text) from `info` when saving: keep only what
    # the pixels need.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    options = {
        "JPEG": {"quality": 85, "optimize": True, "progressive": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 85, "method": 4},
    }[kind]
    image.save(output, format=kind, **options)


def forget_missing_files(instance, keep=()):
    """Empties the file fields of `instance` whose file is no longer stored; returns their labels.

    Files are not versioned: a replaced, cleared or deleted file leaves the disk once the change
    is committed (django-cleanup; a withdrawn consent must take the photo with it, 152-ФЗ). A
    version in the history keeps only the file's former name, so a record restored from it
    comes back without that file. `keep`: fields just uploaded, not yet stored.
    """
    forgotten = []
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.FileField) or field.name in keep:
            continue
        file = getattr(instance, field.attname)
        if file.name and not file.storage.exists(file.name):
            setattr(instance, field.attname, "")
            forgotten.append(field.verbose_name)
    return forgotten


def rendition_name(name, size):
    path = PurePath(name)
    return str(path.parent / "renditions" / f"{path.stem}-{RENDITIONS[size]}.webp")


class SafeImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Every way in (admin form, import, shell) passes here before the file is stored.
        if not getattr(content, "reencoded", False):
            content = reencode_image(content, name)
        super().save(content.name, content, save)
        self._save_renditions(content)

    def delete(self, save=True):
        if self.name:
            for size in RENDITIONS:
                self.storage.delete(rendition_name(self.name, size))
        super().delete(save)

    def _save_renditions(self, content):
        content.seek(0)
        with Image.open(content) as image:
            image.load()
            for size, width in RENDITIONS.items():
                rendition = image.copy()
                rendition.thumbnail((width, width * 4))
                output = io.BytesIO()
                _save_clean(rendition, output, "WEBP")
                name = rendition_name(self.name, size)
                self.storage.delete(name)
                self.storage.save(name, ContentFile(output.getvalue()))

    @property
    def renditions(self):
        """URLs of the smaller copies: `{{ person.photo.renditions.medium }}`."""
        return {size: self.storage.url(rendition_name(self.name, size)) for size in RENDITIONS}


class SafeImageFormField(forms.ImageField):
    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)  # Django's own image check is ours now
        if upload is None:
            return None
        return reencode_image(upload)


class SafeImageField(models.ImageField):
    attr_class = SafeImageFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})


# Materials: what the content is → (extension, Content-Type).
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "doc": "application/msword",
    "ppt": "application/vnd.ms-powerpoint",
    "xls": "application/vnd.ms-excel",
}
_OOXML_FOLDERS = {"word/": "docx", "ppt/": "pptx", "xl/": "xlsx"}
_OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


def document_kind(upload):
    """The extension of what the file really is, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_OLE2_SIGNATURE):
        # Old Word/PowerPoint/Excel share one container: trust the extension among those three.
        extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
        return extension if extension in {"doc", "ppt", "xls"} else None
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    for extension in ("odt", "odp", "ods"):
                        if mimetype == DOCUMENT_TYPES[extension]:
                            return extension
                if "[Content_Types].xml" in names:
                    for folder, extension in _OOXML_FOLDERS.items():
                        if any(name.startswith(folder) for name in names):
                            return extension
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
    return None


def check_document(upload, name=None):
    """Check uploaded materials and return them under a clean name with the true extension."""
    if upload.size > settings.MAX_MATERIALS_UPLOAD_BYTES:
        raise ValidationError(
            f"Файл слишком большой: не больше {_megabytes(settings.MAX_MATERIALS_UPLOAD_BYTES)}.",
            code="too_big",
        )
    upload.name = name or upload.name
    kind = document_kind(upload)
    if kind is None:
        raise ValidationError(
            "Материалы принимаются только в форматах PDF, DOCX, PPTX, XLSX, ODT, ODP, ODS, DOC, "
            "PPT или XLS. Этот файл не похож ни на один из них, какое бы расширение у него ни было.",
            code="not_a_document",
        )
    upload.name = safe_name(upload.name, kind, default="materialy")
    upload.checked = True
    return upload


class SafeDocumentFieldFile(models.fields.files.FieldFile):
    def save(self, name, content, save=True):
        if not getattr(content, "checked", False):
            content = check_document(content, name)
        super().save(content.name, content, save)

    @property
    def content_type(self):
        return DOCUMENT_TYPES.get(
            PurePath(self.name).suffix.lower().lstrip("."), "application/octet-stream"
        )


class SafeDocumentFormField(forms.FileField):
    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return check_document(upload)


class SafeDocumentField(models.FileField):
    attr_class = SafeDocumentFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeDocumentFormField, **kwargs})
