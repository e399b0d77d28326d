import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement

from seminars.importer.documents import DocumentError, read_document, read_text, read_upload

SAMPLE = "РЕЗОЛЮЦИЯ\nмежрегионального семинара «Ёлки»\n- «Доклад», докладчик Иванова И. И.\n"


def test_utf8_text_with_and_without_bom_reads_the_same():
    plain = read_document("a.txt", SAMPLE.encode("utf-8"))
    with_bom = read_document("a.txt", b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))

    assert plain == with_bom
    assert plain[:3] == [
        "РЕЗОЛЮЦИЯ",
        "межрегионального семинара «Ёлки»",
        "- «Доклад», докладчик Иванова И. И.",
    ]


def test_cp1251_text_is_detected_and_decoded():
    assert read_document("a.txt", SAMPLE.encode("cp1251")) == read_document(
        "a.txt", SAMPLE.encode("utf-8")
    )


def test_utf16_text_with_bom_is_read():
    assert read_document("a.txt", SAMPLE.encode("utf-16"))[0] == "РЕЗОЛЮЦИЯ"


def test_markdown_bold_headings_and_hard_breaks_are_stripped():
    text = "# **РЕЗОЛЮЦИЯ**  \n**КГБУ «Библиотека»**  \nОбычный __текст__\n"

    assert read_document("a.md", text.encode())[:3] == [
        "РЕЗОЛЮЦИЯ",
        "КГБУ «Библиотека»",
        "Обычный текст",
    ]


def test_pasted_text_keeps_blank_lines_as_empty_paragraphs():
    assert read_text("Раз\r\n\r\n**Два**\xa0 три") == ["Раз", "", "Два три"]


def test_docx_reads_paragraphs_lists_and_table_rows_in_order():
    document = docx.Document()
    document.add_paragraph("РЕЗОЛЮЦИЯ")
    document.add_paragraph("Первый пункт", style="List Number")
    document.add_paragraph("Второй пункт", style="List Number")
    document.add_paragraph("Маркер", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for c, text in enumerate(["1", "«Доклад»", "Иванова И. И., директор"]):
        table.cell(0, c).text = text
    for c, text in enumerate(["2", "10.00–10.20", "Без номера"]):
        table.cell(1, c).text = text
    document.add_paragraph("После таблицы")
    buffer = io.BytesIO()
    document.save(buffer)

    paragraphs = read_document("resolution.docx", buffer.getvalue())

    assert [p for p in paragraphs if p] == [
        "РЕЗОЛЮЦИЯ",
        "1. Первый пункт",
        "2. Второй пункт",
        "- Маркер",
        "1. «Доклад» — Иванова И. И., директор",
        "2. Без номера",
        "После таблицы",
    ]


@pytest.mark.parametrize("data", [b"", b"   \n\r\n  "])
def test_empty_file_is_refused(data):
    with pytest.raises(DocumentError, match=r"^Файл пуст\.$"):
        read_document("a.txt", data)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "изображение PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "изображение JPEG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "документ Word старого формата (.doc)"),
    ],
)
def test_other_formats_renamed_to_docx_are_refused(data, what):
    with pytest.raises(DocumentError) as error:
        read_document("resolution.docx", data)

    assert str(error.value) == f"Это не документ .docx, а {what}, переименованный в .docx."


def test_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "привет")

    with pytest.raises(DocumentError, match=r"^Это архив, но не документ Word \(\.docx\)\.$"):
        read_document("resolution.docx", buffer.getvalue())


def test_truncated_docx_is_refused():
    document = docx.Document()
    document.add_paragraph("Текст")
    buffer = io.BytesIO()
    document.save(buffer)

    with pytest.raises(DocumentError, match=r"^Файл повреждён или это не документ \.docx\.$"):
        read_document("resolution.docx", buffer.getvalue()[:300])


def test_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024

    with pytest.raises(DocumentError) as error:
        read_document("a.txt", SAMPLE.encode() * 40_000)

    assert str(error.value) == "Файл слишком большой: 5,5 МБ, допускается не больше 1 МБ."


def test_upload_over_the_size_limit_is_refused_before_reading(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1536 * 1024

    class Upload:
        name = "big.docx"
        size = 3 * 1024 * 1024

        def read(self, size=-1):
            raise AssertionError("must not be read")

    with pytest.raises(DocumentError) as error:
        read_upload(Upload())

    assert str(error.value) == "Файл слишком большой: 3 МБ, допускается не больше 1,5 МБ."


def test_undecodable_text_is_refused():
    garbage = bytes(range(128, 256)) * 20

    with pytest.raises(DocumentError, match=r"^Не удалось прочитать текст: кодировка"):
        read_document("a.txt", garbage)


def test_binary_file_with_a_text_extension_is_refused():
    with pytest.raises(DocumentError, match=r"^Это не текстовый файл, а PDF\.$"):
        read_document("a.txt", b"%PDF-1.4 binary")


def test_unknown_extension_is_refused():
    with pytest.raises(DocumentError, match=r"^Формат «\.odt» не поддерживается"):
        read_document("a.odt", b"something")


def test_docx_paragraphs_inside_content_controls_are_read():
    document = docx.Document()
    document.add_paragraph("До")
    inner = document.add_paragraph("Внутри поля")
    sdt = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    sdt.append(content)
    inner._p.addprevious(sdt)
    content.append(inner._p)
    document.add_paragraph("После")
    buffer = io.BytesIO()
    document.save(buffer)

    assert read_document("a.docx", buffer.getvalue()) == ["До", "Внутри поля", "После"]
