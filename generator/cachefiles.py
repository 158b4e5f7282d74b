"""The files riji keeps in .riji-cache/: pickles written atomically (a crash leaves the old file or
the new one, never half of one), and read as missing when damaged. Losing one only costs time."""
from __future__ import annotations

import os
import pickle
from pathlib import Path


def stamp(st: os.stat_result) -> tuple:
    """Which file this is and whether it changed since: (device, inode, size, modification time)."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def save(path: Path, value) -> bool:
    """Pickle `value` to `path` atomically; False if the folder cannot be written (a read-only site)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two builds at once never share one
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
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
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - any damage to a cache file just means starting afresh
        return None
