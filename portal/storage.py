"""Where uploaded files live: on disk under the instance folder, named by their content.

One small interface (save, open, delete, exists) that an S3-compatible store could offer
too; pages reach a file through a view of the portal, which names the file by its key.
"""
import hashlib
import os
import tempfile

from flask import current_app


class LocalStorage:
    def __init__(self, root):
        self.root = root

    def _path(self, key):
        path = os.path.realpath(os.path.join(self.root, key))
        if not path.startswith(os.path.realpath(self.root) + os.sep):
            raise ValueError("a key names a file inside the store")
        return path

    def save(self, data, suffix):
        """Keep the bytes; returns (key, SHA-256). Written whole or not at all."""
        digest = hashlib.sha256(data).hexdigest()
        key = f"{digest[:2]}/{digest}{suffix}"
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.exists(path):
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        return key, digest

    def open(self, key):
        return open(self._path(key), "rb")

    def exists(self, key):
        return os.path.exists(self._path(key))

    def delete(self, key):
        try:
            os.unlink(self._path(key))
        except FileNotFoundError:
            pass


def storage():
    """The portal's file store (``FILES_ROOT``, by default ``instance/files``)."""
    root = current_app.config.get("FILES_ROOT") or os.path.join(current_app.instance_path,
                                                                "files")
    return LocalStorage(root)
