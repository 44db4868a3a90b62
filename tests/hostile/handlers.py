"""An upload handler that records how many bytes of each file reach the handlers after
``LimitedUploadHandler`` (what the web process would keep in memory or on disk)."""

from django.core.files.uploadhandler import FileUploadHandler


class RecordingHandler(FileUploadHandler):
    kept: list[int] = []  # bytes passed on, one entry per file

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        RecordingHandler.kept.append(0)

    def receive_data_chunk(self, raw_data, start):
        RecordingHandler.kept[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None
