"""Evidence documents: which files are kept (by extension and content), their size, serving them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from fame.readiness.models import Answer, EvidenceDocument
from fame.readiness.rounds.uploads import UploadRefused, checked_upload
from tests.conftest import signed_in_client
from tests.factories import UserFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Protocol.pdf", PDF, "application/pdf"),
        ("board.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("photo.jpg", JPEG, "image/jpeg"),
        (
            "notes.txt",
            "Minutes of the board, 3 May – agreed.".encode(),
            "text/plain; charset=utf-8",
        ),
        (
            "plan.docx",
            zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "figures.xlsx",
            xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "policy.odt",
            zipped(
                {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"}
            ),
            "application/vnd.oasis.opendocument.text",
        ),
    ],
)
def test_files_of_the_allowed_kinds_are_kept(name, content, content_type):
    shown, kind = checked_upload(upload(name, content))
    assert shown == name
    assert kind.content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("run.exe", b"MZ\x90\x00", "must be a PDF, DOCX, XLSX, ODT, PNG, JPEG or TXT file"),
        ("page.html", b"<script>alert(1)</script>", "must be a PDF"),
        ("no-extension", PDF, "must be a PDF"),
        ("report.pdf", b"MZ\x90\x00 a program", "is not a real PDF"),
        ("photo.png", JPEG, "is not a real PNG image"),
        ("plan.docx", zipped({"xl/workbook.xml": b"<x/>"}), "is not a real Word document"),
        ("plan.docx", PDF, "is not a real Word document"),
        ("policy.odt", zipped({"mimetype": b"application/zip"}), "is not a real OpenDocument text"),
        ("notes.txt", b"\x00\x01\x02binary", "is not a real text file"),
        ("notes.txt", b"\xff\xfe\xfa", "is not a real text file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_other_files_are_refused_by_name_or_content(name, content, why):
    with pytest.raises(UploadRefused, match=why):
        checked_upload(upload(name, content))


def test_a_file_over_the_limit_is_refused(settings):
    settings.FAME_READINESS_MAX_UPLOAD = 2048
    checked_upload(upload("small.pdf", PDF + b" " * (2048 - len(PDF))))
    with pytest.raises(UploadRefused, match="must be 2 KB or smaller"):
        checked_upload(upload("large.pdf", PDF + b" " * 2048))


def test_the_limit_is_five_megabytes_unless_set():
    from django.conf import settings

    from fame.readiness.rounds.uploads import upload_limit

    assert settings.FAME_READINESS_MAX_UPLOAD == 5 * 1024 * 1024
    assert upload_limit() == "5 MB"


# Through the block's page


@pytest.fixture
def answerer(respondents, monkeypatch):
    from fame.readiness import facts

    monkeypatch.setattr(facts, "live_facts", lambda keys: [], raising=False)
    return respondents[1]


def block_url(round_):
    return reverse("readiness:answer_block", args=[round_.pk, "governance"])


@pytest.mark.django_db
def test_an_uploaded_document_is_evidence_and_is_kept_in_the_data_folder(
    readiness_round, answerer, data_dir
):
    response = signed_in_client(answerer).post(
        block_url(readiness_round),
        {"GV-P-1-score": "3", "GV-P-1-upload": upload("Terms of reference.pdf", PDF)},
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.name == "Terms of reference.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    stored = data_dir / "readiness-evidence" / document.file.name
    assert stored.read_bytes() == PDF
    assert "Terms" not in document.file.name  # stored under a name of FAME's choosing
    assert document.answer.score == 3


@pytest.mark.django_db
def test_a_refused_upload_saves_nothing_from_the_page(readiness_round, answerer):
    response = signed_in_client(answerer).post(
        block_url(readiness_round),
        {
            "GV-P-1-score": "2",
            "GV-P-1-upload": upload("report.pdf", b"MZ not a pdf"),
            "GV-T-1-score": "0",
        },
    )
    text = response.content.decode()
    assert "GV-P-1: The selected file is not a real PDF" in text
    assert "choose any files to upload again" in text
    assert Answer.objects.count() == 0
    assert EvidenceDocument.objects.count() == 0


@pytest.mark.django_db
def test_an_oversized_upload_is_refused(readiness_round, answerer, settings):
    settings.FAME_READINESS_MAX_UPLOAD = 1024
    response = signed_in_client(answerer).post(
        block_url(readiness_round),
        {"GV-P-1-score": "2", "GV-P-1-upload": upload("big.pdf", PDF + b" " * 2000)},
    )
    assert "The selected file must be 1 KB or smaller" in response.content.decode()
    assert EvidenceDocument.objects.count() == 0


@pytest.fixture
def kept_document(readiness_round, answerer):
    signed_in_client(answerer).post(
        block_url(readiness_round),
        {"GV-P-1-score": "3", "GV-P-1-upload": upload("Terms of reference.pdf", PDF)},
    )
    return EvidenceDocument.objects.get()


@pytest.mark.django_db
def test_a_document_is_served_as_a_download_to_those_who_see_the_round(
    readiness_round, kept_document, partnership_officer
):
    url = reverse("readiness:document", args=[readiness_round.pk, kept_document.pk])
    response = signed_in_client(partnership_officer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Terms%20of%20reference.pdf" in response["Content-Disposition"] or (
        "Terms of reference.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_stranger_cannot_download_a_document(readiness_round, kept_document, school):
    stranger = UserFactory(username="stan", organisation=school)
    url = reverse("readiness:document", args=[readiness_round.pk, kept_document.pk])
    assert signed_in_client(stranger).get(url).status_code == 404


@pytest.mark.django_db
def test_a_document_is_not_found_through_another_round(
    readiness_round, kept_document, partnership_officer, bank_version
):
    from fame.readiness.models import Round

    other = Round.objects.create(
        partnership="Elsewhere",
        title="Other",
        bank_version=bank_version,
        opened_by=partnership_officer,
    )
    url = reverse("readiness:document", args=[other.pk, kept_document.pk])
    assert signed_in_client(partnership_officer).get(url).status_code == 404


@pytest.mark.django_db
def test_removing_the_only_evidence_of_a_score_is_refused(readiness_round, answerer, kept_document):
    response = signed_in_client(answerer).post(
        block_url(readiness_round), {"GV-P-1-score": "3", "GV-P-1-remove": [str(kept_document.pk)]}
    )
    assert "GV-P-1 is scored 3: give evidence for it" in response.content.decode()
    assert EvidenceDocument.objects.filter(pk=kept_document.pk).exists()


@pytest.mark.django_db
def test_removing_a_document_deletes_it_and_its_file(
    readiness_round, answerer, kept_document, data_dir, django_capture_on_commit_callbacks
):
    stored = data_dir / "readiness-evidence" / kept_document.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_client(answerer).post(
            block_url(readiness_round),
            {
                "GV-P-1-score": "3",
                "GV-P-1-evidence_text": "The board's minutes.",
                "GV-P-1-remove": [str(kept_document.pk)],
            },
        )
    assert response.status_code == 302
    assert EvidenceDocument.objects.count() == 0
    assert not stored.exists()
