import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from people.models import Person
from seminars.models import Talk

HTML = b"<html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(kind="PNG", size=(640, 480), mode="RGB", **options):
    output = io.BytesIO()
    Image.new(mode, size, "steelblue" if mode == "RGB" else 1).save(output, kind, **options)
    return output.getvalue()


def jpeg_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90°
    exif[0x8825] = {1: "N", 2: (53.0, 1.0, 7.0), 3: "E", 4: (158.0, 39.0, 0.0)}  # GPSInfo
    return image_bytes("JPEG", size=(600, 300), exif=exif)


def docx_bytes():
    """The same bytes on every call: `writestr` with a name stamps the current time."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, text in (
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", "<document/>"),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2021, 11, 24, 0, 0, 0)), text)
    return output.getvalue()


@pytest.fixture
def person(db):
    return Person.objects.create(last_name="Ёлкина", first_name="Анна")


def stored(field_file):
    with open(field_file.path, "rb") as file:
        return file.read()


def test_png_with_html_appended_is_stored_without_it(person):
    person.photo.save("Фото Ёлкиной.png", ContentFile(image_bytes() + HTML))

    data = stored(person.photo)
    assert HTML not in data
    assert b"<script" not in data
    assert person.photo.name == "people/photos/foto-elkinoi.png"
    with Image.open(person.photo.path) as image:
        assert (image.format, image.size) == ("PNG", (640, 480))


def test_exif_and_gps_are_stripped_and_orientation_applied(person):
    person.photo.save("camera.jpg", ContentFile(jpeg_with_gps()))

    with Image.open(person.photo.path) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert image.size == (300, 600)  # turned upright, as the Orientation tag said
    assert b"Camera maker" not in stored(person.photo)


def test_renditions_are_made_for_the_pages(person, media):
    person.photo.save("big.png", ContentFile(image_bytes(size=(1200, 900))))

    assert person.photo.renditions == {
        "small": "/media/people/photos/renditions/big-160.webp",
        "medium": "/media/people/photos/renditions/big-480.webp",
    }
    sizes = {}
    for name in ("big-160.webp", "big-480.webp"):
        with Image.open(media / "people/photos/renditions" / name) as image:
            sizes[name] = (image.format, image.size)
    assert sizes == {"big-160.webp": ("WEBP", (160, 120)), "big-480.webp": ("WEBP", (480, 360))}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.jpg", SVG),
        ("photo.jpg", HTML),
        ("photo.gif", image_bytes("GIF")),
        ("photo.bmp", image_bytes("BMP")),
        ("photo.png", image_bytes()[:100]),  # cut off
    ],
    ids=["svg-as-jpg", "html-as-jpg", "gif", "bmp", "truncated"],
)
def test_what_is_not_a_jpeg_png_or_webp_is_refused(person, name, content):
    with pytest.raises(ValidationError) as error:
        person.photo.save(name, ContentFile(content))

    assert error.value.messages == [
        "Это не изображение JPEG, PNG или WebP (или файл повреждён). "
        "Сохраните картинку в одном из этих форматов и загрузите снова."
    ]
    assert not Person.objects.get(pk=person.pk).photo


def test_decompression_bomb_is_refused(person):
    bomb = image_bytes(size=(9000, 9000), mode="1")  # 81 megapixels in a few kilobytes
    assert len(bomb) < 50_000

    with pytest.raises(ValidationError) as error:
        person.photo.save("bomb.png", ContentFile(bomb))

    assert error.value.code == "too_many_pixels"
    assert "9000×9000" in error.value.messages[0]


def test_pixel_and_byte_limits_come_from_settings(person, settings):
    settings.MAX_IMAGE_PIXELS = 100_000
    with pytest.raises(ValidationError) as error:
        person.photo.save("wide.png", ContentFile(image_bytes(size=(400, 300))))
    assert error.value.code == "too_many_pixels"

    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        person.photo.save("heavy.jpg", ContentFile(image_bytes("JPEG", size=(300, 300))))
    assert error.value.messages == ["Файл слишком большой: не больше 0 МБ."]


def person_form(**changes):
    return {
        "last_name": "Ёлкина",
        "first_name": "Анна",
        "patronymic": "",
        "consent": Person.Consent.GIVEN,
        "consent_date": "2021-11-24",
        "consent_note": "",
        "bio": "",
        "slug": "",
        "speaker_roles-TOTAL_FORMS": "0",
        "speaker_roles-INITIAL_FORMS": "0",
        "speaker_roles-MIN_NUM_FORMS": "0",
        "speaker_roles-MAX_NUM_FORMS": "0",
    } | changes


def test_admin_refuses_an_svg_renamed_jpg_with_a_clear_message(staff_client):
    response = staff_client.post(
        reverse("admin:people_person_add"),
        person_form(photo=SimpleUploadedFile("photo.jpg", SVG, "image/jpeg")),
    )

    assert response.status_code == 200
    assert "Это не изображение JPEG, PNG или WebP" in response.content.decode()
    assert not Person.objects.exists()


def test_admin_upload_is_reencoded(staff_client, media):
    response = staff_client.post(
        reverse("admin:people_person_add"),
        person_form(photo=SimpleUploadedFile("Моё фото.PNG", image_bytes() + HTML, "image/png")),
    )

    assert response.status_code == 302
    person = Person.objects.get()
    assert person.photo.name == "people/photos/moe-foto.png"
    assert HTML not in stored(person.photo)
    assert (media / "people/photos/renditions/moe-foto-480.webp").exists()


def test_library_logo_goes_the_same_way(demo_seminar):
    library = demo_seminar.organizer

    with pytest.raises(ValidationError):
        library.logo.save("logo.jpg", ContentFile(SVG))
    library.logo.save("logo.webp", ContentFile(image_bytes("WEBP") + HTML))

    assert library.logo.name == "libraries/logos/logo.webp"
    assert HTML not in stored(library.logo)


@pytest.mark.parametrize(
    ("name", "content", "stored_name"),
    [
        ("Доклад (итог).PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "doklad-itog.pdf"),
        ("slides.pdf", docx_bytes(), "slides.docx"),  # named by what it is
        ("old.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512, "old.doc"),
    ],
)
def test_materials_are_recognised_by_content(demo_seminar, name, content, stored_name):
    talk = demo_seminar.talks.first()

    talk.materials.save(name, ContentFile(content, name=name))

    assert talk.materials.name == f"talks/materials/{stored_name}"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("slides.pdf", HTML),
        ("slides.pptx", b"PK\x03\x04" + b"\0" * 100),  # a broken zip
        ("archive.docx", b""),
        ("page.doc", SVG),
        ("program.ppt", b"MZ\x90\x00" + b"\0" * 100),
    ],
)
def test_other_materials_are_refused(demo_seminar, name, content):
    talk = demo_seminar.talks.first()

    with pytest.raises(ValidationError) as error:
        talk.materials.save(name, ContentFile(content, name=name))

    assert error.value.code == "not_a_document"


def test_plain_zip_is_not_a_document(demo_seminar):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("index.html", HTML)

    with pytest.raises(ValidationError):
        demo_seminar.talks.first().materials.save("x.docx", ContentFile(output.getvalue()))


def test_materials_size_limit(demo_seminar, settings):
    settings.MAX_MATERIALS_UPLOAD_BYTES = 10

    with pytest.raises(ValidationError) as error:
        demo_seminar.talks.first().materials.save("a.pdf", ContentFile(b"%PDF-1.7 and more"))

    assert error.value.code == "too_big"


def test_materials_are_served_as_a_download_of_their_true_type(client, demo_seminar):
    talk = demo_seminar.talks.first()
    talk.materials.save("Итоги.pdf", ContentFile(docx_bytes()))

    response = client.get(reverse("seminars:talk_materials", args=[talk.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="itogi.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == docx_bytes()


def test_materials_of_unpublished_seminars_are_not_served(client, demo_seminar):
    talk = demo_seminar.talks.first()
    talk.materials.save("a.pdf", ContentFile(b"%PDF-1.7"))
    type(demo_seminar).objects.update(is_published=False)

    response = client.get(reverse("seminars:talk_materials", args=[talk.pk]))

    assert response.status_code == 404


def test_seminar_page_links_materials_through_the_download(client, demo_seminar):
    talk = demo_seminar.talks.first()
    talk.materials.save("a.pdf", ContentFile(b"%PDF-1.7"))

    page = client.get(demo_seminar.get_absolute_url()).content.decode()

    assert f'href="/talks/{talk.pk}/materials/"' in page
    assert "/media/talks/materials/" not in page
    assert Talk.objects.filter(pk=talk.pk, materials="talks/materials/a.pdf").exists()
