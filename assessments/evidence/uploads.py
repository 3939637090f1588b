"""Uploads kept bounded: each file streams to a temporary file on disk, never into
memory whole, and stops being written past the per-file limit; past the per-request
number of files the rest of the request is read and dropped."""

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, StopUpload, TemporaryFileUploadHandler


class EvidenceUploadHandler(TemporaryFileUploadHandler):
    """Writes each file to a temporary file. A file past EVIDENCE_MAX_BYTES is skipped and
    noted in `request.evidence_oversized` (its name), a request with more than
    EVIDENCE_MAX_FILES_PER_UPLOAD files sets `request.evidence_too_many` and stops."""

    def __init__(self, request=None):
        super().__init__(request)
        self.files = 0
        self.received = 0
        request.evidence_oversized = []
        request.evidence_too_many = False

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.files += 1
        self.received = 0
        if self.files > settings.EVIDENCE_MAX_FILES_PER_UPLOAD:
            self.request.evidence_too_many = True
            raise StopUpload(connection_reset=False)
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.EVIDENCE_MAX_BYTES:
            self.request.evidence_oversized.append(self.file_name)
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)


def bound_uploads(request) -> None:
    """Read this request's files through EvidenceUploadHandler: called before anything
    reads the body (the CSRF check reads a form's fields)."""
    request.upload_handlers = [EvidenceUploadHandler(request)]
