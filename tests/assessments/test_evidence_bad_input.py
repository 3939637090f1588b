"""Files refused as evidence (DESIGN §7): oversized, empty, mistyped, zip
bombs, hostile names, too many at once, over the assessment's quota. Each is refused with
a message naming the file and why, and nothing is stored: no row, no byte on disk."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.evidence.checks import DocumentRefused, clean_name
from assessments.evidence.services import DocumentsRefused, attach_documents
from assessments.models import Answer, EvidenceDocument
from tests.api.conftest import assert_error, client_for
from tests.evidence_files import (
    CSV_TEXT,
    EXE,
    JPEG,
    LEGACY_DOC,
    PDF,
    docx,
    evidence_root,
    many_parts,
    png,
    stored_files,
    zip_bomb,
)

__all__ = ["evidence_root"]
API = "/api/v1/assessments/{pk}/answers/H-INS-01/documents/"


def attach(assessment, users, *files):
    return attach_documents(
        assessment,
        indicator="H-INS-01",
        files=[SimpleUploadedFile(name, content) for name, content in files],
        by=users["focal_phl"],
    )


def refused(assessment, users, *files) -> dict:
    with pytest.raises(DocumentsRefused) as caught:
        attach(assessment, users, *files)
    return caught.value.details


def assert_nothing_stored(root):
    assert EvidenceDocument.objects.count() == 0
    assert EvidenceDocument.history.count() == 0
    assert Answer.objects.count() == 0
    assert stored_files(root) == []


def test_each_accepted_type_is_read_from_the_content(assessment, users, evidence_root):
    documents = attach(
        assessment,
        users,
        ("a.pdf", PDF),
        ("b.png", png()),
        ("c.jpg", JPEG),
        ("d.docx", docx()),
        ("e.csv", CSV_TEXT),
        ("scan.docx", png()),  # a PNG renamed .docx is stored as a PNG
        ("notes", PDF),  # no extension at all
        ("old.doc", LEGACY_DOC),
    )
    assert [d.content_type for d in documents] == [
        "application/pdf",
        "image/png",
        "image/jpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/csv",
        "image/png",
        "application/pdf",
        "application/msword",
    ]
    assert len(stored_files(evidence_root)) == 8


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("invoice.pdf", EXE, "EXE"),  # a program renamed .pdf
        ("data.csv", b"a,b\n1,\x00\n", "binary data"),  # a NUL byte is not text
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100, "content is ZIP"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_mistyped_or_empty_file_is_refused_by_name(
    assessment, users, evidence_root, name, content, why
):
    details = refused(assessment, users, (name, content))
    assert list(details) == [name]
    assert why in details[name]
    assert_nothing_stored(evidence_root)


def test_one_refused_file_refuses_the_whole_request(assessment, users, evidence_root):
    details = refused(assessment, users, ("good.pdf", PDF), ("bad.pdf", EXE), ("good.png", png()))
    assert list(details) == ["bad.pdf"]
    assert_nothing_stored(evidence_root)


def test_an_oversized_file_is_refused(assessment, users, evidence_root, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    details = refused(assessment, users, ("big.pdf", PDF + b" " * 1000))
    assert "larger than the 1000" in details["big.pdf"]
    assert_nothing_stored(evidence_root)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(assessment, users, evidence_root):
    bomb = zip_bomb(600)  # 600 MB of zeros in well under 1 MB
    assert len(bomb) < 2**20
    details = refused(assessment, users, ("report.docx", bomb))
    assert "unpacks to 600.0\xa0MB" in details["report.docx"]
    assert "zip bomb" in details["report.docx"]
    assert_nothing_stored(evidence_root)


def test_an_office_file_with_macros_is_refused(assessment, users, evidence_root):
    details = refused(assessment, users, ("macro.docx", docx([("word/vbaProject.bin", b"x")])))
    assert "macros" in details["macro.docx"]
    assert_nothing_stored(evidence_root)


def test_a_zip_of_too_many_parts_is_refused(assessment, users, evidence_root, settings):
    settings.EVIDENCE_ZIP_MAX_MEMBERS = 100
    details = refused(assessment, users, ("many.docx", many_parts(200)))
    assert "holds 202 parts" in details["many.docx"]
    assert_nothing_stored(evidence_root)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\decree.pdf", "decree.pdf"),
        ("de\x00cr\x1bee\n.pdf", "decree.pdf"),
        ("invoice\u202egpj.pdf", "invoicegpj.pdf"),  # a right-to-left override
        ("  ..hidden.pdf  ", "hidden.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_a_name_keeps_no_folder_and_no_control_character(given, kept):
    assert clean_name(given) == kept


def test_a_name_with_nothing_left_is_refused(assessment, users, evidence_root):
    with pytest.raises(DocumentRefused):
        clean_name("../\x00\x01/")
    details = refused(assessment, users, ("\x07\x08", PDF))
    assert "no usable character" in next(iter(details.values()))
    assert_nothing_stored(evidence_root)


def test_the_assessments_quota(assessment, users, evidence_root, settings):
    settings.EVIDENCE_MAX_BYTES_PER_ASSESSMENT = 3 * len(PDF)
    attach(assessment, users, ("one.pdf", PDF), ("two.pdf", PDF))
    details = refused(assessment, users, ("three.pdf", PDF), ("four.pdf", PDF))
    assert "more than the" in details["three.pdf"]
    assert "allowed per assessment" in details["four.pdf"]
    assert EvidenceDocument.objects.count() == 2
    assert len(stored_files(evidence_root)) == 2
    attach(assessment, users, ("three.pdf", PDF))  # exactly the quota
    assert EvidenceDocument.objects.count() == 3


# --- Through the API: what the upload handler refuses before the service --------------------


def test_a_thousand_files_at_once_are_refused_with_a_clear_message(
    assessment, users, evidence_root
):
    files = [SimpleUploadedFile(f"f{n}.pdf", PDF) for n in range(1000)]
    response = client_for(users["focal_phl"]).post(
        API.format(pk=assessment.pk), {"files": files}, format="multipart"
    )
    error = assert_error(response, 400, "invalid_documents")
    assert "Too many files" in error["message"]
    assert_nothing_stored(evidence_root)


def test_a_file_past_20_mb_is_refused_while_it_streams(assessment, users, evidence_root):
    big = SimpleUploadedFile("huge.pdf", PDF + b"\x00" * (20 * 2**20))
    response = client_for(users["focal_phl"]).post(
        API.format(pk=assessment.pk), {"files": [big]}, format="multipart"
    )
    error = assert_error(response, 400, "invalid_documents")
    assert "huge.pdf" in error["message"] and "huge.pdf" in error["details"]
    assert_nothing_stored(evidence_root)


def test_a_request_without_files_is_refused(assessment, users, evidence_root):
    response = client_for(users["focal_phl"]).post(
        API.format(pk=assessment.pk), {}, format="multipart"
    )
    error = assert_error(response, 400)
    assert "files" in error["details"]
    assert_nothing_stored(evidence_root)
