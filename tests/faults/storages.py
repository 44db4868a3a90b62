"""Storages that fail as real ones do, for the fault tests (``STORAGES`` override)."""

from __future__ import annotations

import errno
import os

from django.core.files.storage import FileSystemStorage


class FullDiskStorage(FileSystemStorage):
    """A disk that fills up halfway through each file: like the real FileSystemStorage,
    the part already written stays on disk, then the write fails with ENOSPC."""

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        content.seek(0)
        data = content.read()
        with open(path, "wb") as partial:
            partial.write(data[: max(1, len(data) // 2)])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


class FillsAfterOneFileStorage(FullDiskStorage):
    """A disk with room for one more file: the next ones fail as on a full disk."""

    room = 1

    def _save(self, name, content):
        if FillsAfterOneFileStorage.room > 0:
            FillsAfterOneFileStorage.room -= 1
            return FileSystemStorage._save(self, name, content)
        return super()._save(name, content)
