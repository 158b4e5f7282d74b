"""The files riji keeps in .riji-cache/: pickles written atomically (a crash leaves the old file or
the new one, never half of one), and read as missing when damaged. Losing one only costs time."""
from __future__ import annotations

import os
import pickle
from pathlib import Path


def stamp(st: os.stat_result) -> tuple:
    """Which file this is and whether it changed since: (device, inode, size, modification time)."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class TextPickler(pickle.Pickler):
    """Pickles a non-ASCII string as its UTF-8, encoded here (a persistent id, which `load` reads
    back): CPython's pickle makes a non-ASCII string it writes keep a UTF-8 copy of itself for as
    long as it lives, half as much memory again for a diary's Chinese sources and pages."""

    def persistent_id(self, obj):
        if type(obj) is str and not obj.isascii():
            return obj.encode("utf-8", "surrogatepass")
        return None


class _TextUnpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        return pid.decode("utf-8", "surrogatepass")


def unpickle(fh):
    """What `TextPickler` wrote to the file `fh`."""
    return _TextUnpickler(fh).load()


def save(path: Path, value, text: bool = True) -> bool:
    """Pickle `value` to `path` atomically; False if the folder cannot be written (a read-only site).
    `text=False` for a table of names, stamps and digests: CPython's own pickler writes it twice as
    fast as `TextPickler`, which Python calls back for every object, and the UTF-8 copy it leaves on
    a non-ASCII name is a few bytes."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two builds at once never share one
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            (TextPickler if text else pickle.Pickler)(fh, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False


def load(path: Path):
    """What `save` wrote, or None when the file is missing or damaged."""
    try:
        with open(path, "rb") as fh:
            return unpickle(fh)
    except Exception:  # noqa: BLE001 - any damage to a cache file just means starting afresh
        return None
