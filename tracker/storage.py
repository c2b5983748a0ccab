"""Where uploaded files live: one small interface, a local-disk implementation by default.

Features store bytes and keep the key the storage hands back; they never build a path from
anything a person sent (a file name, an extension). A key is 32 random hex characters, so
it is also safe as a file name and cannot climb out of the storage's folder. Another backend
(S3, a database table) only has to implement ``Storage`` and be put in
``app.extensions["tracker.storage"]``.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

_KEY = re.compile(r"^[0-9a-f]{32}$")
_EXTENSION = "tracker.storage"


class Storage(Protocol):
    def save(self, data: bytes, content_type: str) -> str:
        """Store the bytes; returns the new key."""

    def open(self, key: str) -> bytes:
        """The stored bytes. Raises KeyError for an unknown or malformed key."""

    def delete(self, key: str) -> None:
        """Forget the key; deleting a key that is not there is not an error."""


class LocalStorage:
    """Files under ``root``, two-level fan-out (``ab/abcdef...``) to keep folders small.

    The content type is not kept: callers that need it store it beside the key.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise KeyError(key)
        return self.root / key[:2] / key

    def save(self, data: bytes, content_type: str) -> str:
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, then rename: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except KeyError:
            return


def get_storage() -> Storage:
    """The app's storage: whatever was installed in app.extensions, else LocalStorage on
    ``UPLOAD_FOLDER``."""
    storage = current_app.extensions.get(_EXTENSION)
    if storage is None:
        storage = LocalStorage(current_app.config["UPLOAD_FOLDER"])
        current_app.extensions[_EXTENSION] = storage
    return storage
