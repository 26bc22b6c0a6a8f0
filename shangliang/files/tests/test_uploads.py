import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shangliang.files.tests.builders import docx_file, exe_file, pdf_file, png_file
from shangliang.files.uploads import IMAGE, validate_upload

OLE = bytes.fromhex("D0CF11E0A1B11AE1")


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        (png_file("照片.PNG"), "image"),
        (pdf_file(), "pdf"),
        (docx_file(), "word"),
        (docx_file("台账.xlsx", part="xl/workbook.xml"), "spreadsheet"),
        (SimpleUploadedFile("旧制度.doc", OLE + b"\0" * 100), "word"),
    ],
)
def test_accepted_files(file, kind):
    assert validate_upload(file) == kind


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            exe_file(),
            "文件类型不支持：只接受图片、PDF、Word 文档或 Excel 表格（doc、docx、gif、jpeg、jpg、pdf、png、webp、xlsx）。",
        ),
        (
            SimpleUploadedFile("无扩展名", b"%PDF-1.4"),
            "文件类型不支持：只接受图片、PDF、Word 文档或 Excel 表格（doc、docx、gif、jpeg、jpg、pdf、png、webp、xlsx）。",
        ),
        (SimpleUploadedFile("照片.jpg", b"not an image at all"), "图片已损坏或不是有效图片。"),
        (png_file("照片.jpg"), "图片已损坏或不是有效图片。"),
        (SimpleUploadedFile("制度.pdf", b"MZ\x90\x00"), "文件已损坏或不是有效的 PDF 文件。"),
        (SimpleUploadedFile("职责.docx", b"PK\x03\x04broken"), "文件已损坏或不是有效的Word 文档。"),
        (docx_file("职责.docx", part="xl/workbook.xml"), "文件已损坏或不是有效的Word 文档。"),
        (SimpleUploadedFile("旧制度.doc", b"{\\rtf1"), "文件已损坏或不是有效的 Word 文档。"),
    ],
)
def test_refused_files(file, message):
    with pytest.raises(ValidationError) as exc:
        validate_upload(file)

    assert exc.value.messages == [message]


def test_size_limit_comes_from_the_setting(settings):
    settings.SHANGLIANG_MAX_UPLOAD_MB = 2
    file = SimpleUploadedFile("大.pdf", b"%PDF-" + b"\0" * (2 * 1024 * 1024))

    with pytest.raises(ValidationError) as exc:
        validate_upload(file)

    assert exc.value.messages == ["文件过大：最大 2 MB。"]


def test_a_decompression_bomb_is_refused(tmp_path):
    # given: a tiny PNG that claims to be 20000 × 20000 pixels
    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(path, format="PNG")
    file = SimpleUploadedFile("炸弹.png", path.read_bytes())

    # when
    with pytest.raises(ValidationError) as exc:
        validate_upload(file, kinds=(IMAGE,))

    # then
    assert exc.value.messages == ["图片尺寸过大，请压缩后再上传。"]


def test_image_only_refuses_a_pdf():
    with pytest.raises(ValidationError) as exc:
        validate_upload(pdf_file(), kinds=(IMAGE,))

    assert exc.value.messages == ["文件类型不支持：只接受图片（gif、jpeg、jpg、png、webp）。"]
