"""An upload handler that stops keeping a file once it passes the upload limit.

Django's own handlers keep the whole file (in memory, or in a temporary file) before
any form or service sees it. This one comes first in ``FILE_UPLOAD_HANDLERS``
(``motcua/conf/trust.py``): it counts each file's bytes, passes them on while under
the limit and drops them past it, and then hands over an empty stand-in that only
knows the real size, so ``files.check_upload`` refuses it with the usual message. The
web process never holds more than the limit of one file, whatever the client sends.
"""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from .files import stream_limit_bytes


class OversizedUpload(UploadedFile):
    """What is left of a file that passed the limit: its name and its size, no content."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        super().__init__(BytesIO(b""), name, content_type, size, charset, content_type_extra)


class LimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = stream_limit_bytes()
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.over = True
            return None  # the handlers after this one never see the rest
        return raw_data

    def file_complete(self, file_size):
        if not self.over:
            return None  # the next handler builds the file
        return OversizedUpload(
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            self.content_type_extra,
        )
