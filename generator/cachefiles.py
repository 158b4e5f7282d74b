"""The files riji keeps in .riji-cache/: pickles written atomically (a crash leaves the old file or
the new one, never half of one), and read as missing when damaged. Losing one only costs time."""
from __future__ import annotations

import os
import pickle
from dataclasses import fields
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


def by_utf8(obj, texts: tuple[str, ...]) -> tuple:
    """A dataclass's `__reduce__` that pickles its fields named in `texts` as their UTF-8, encoded
    here: CPython's pickle makes a non-ASCII string it writes keep a UTF-8 copy of itself for as
    long as it lives, half as much memory again for a diary's Chinese sources and pages."""
    names = [f.name for f in fields(obj)]
    at = tuple(i for i, name in enumerate(names) if name in texts)
    return _rebuilt, (type(obj), tuple(getattr(obj, name).encode("utf-8", "surrogatepass") if i in at
                                       else getattr(obj, name) for i, name in enumerate(names)), at)


def _rebuilt(cls, values: tuple, at: tuple[int, ...]):
    return cls(*(v.decode("utf-8", "surrogatepass") if i in at else v for i, v in enumerate(values)))


def load(path: Path):
    """What `save` wrote, or None when the file is missing or damaged."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - any damage to a cache file just means starting afresh
        return None
