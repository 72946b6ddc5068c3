"""Writing files: atomic replace (never half-written), and the one line that says why a write failed.

Every file mockvoice writes (session.json, answer audio, score versions, reports, exports) goes
through `write_atomic` or, for batches, `versions.StagedWrites`, which share `write_target`: a
symlink's target is replaced and the link kept; a device or FIFO is written into, never replaced.
The answer being recorded is the exception: `wavstream` streams it, and words a failed write with
`storage_error` too.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import StorageError

__all__ = ["RECORDINGS_HINT", "storage_error", "write_target", "write_atomic", "check_writable"]

RECORDINGS_HINT = "pass --recordings DIR"
_REASONS = {errno.EISDIR: "it is a folder", errno.ENOTDIR: "not a folder", errno.EEXIST: "not a folder"}


def storage_error(path: str | os.PathLike, exc: OSError, what: str, hint: str) -> StorageError:
    """The one line for a failed write: the path, what could not be done (`what`: "write the report"), why, and
    `hint`, what to do (a full disk adds "free some space or")."""
    reason = _REASONS.get(exc.errno) or exc.strerror or type(exc).__name__
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return StorageError(f"{path}: cannot {what} ({reason}); {'free some space or ' if full else ''}{hint}")


def write_target(path: str | os.PathLike) -> tuple[Path, bool]:
    """Where a write of `path` really goes, and whether it may be replaced by a rename.

    A symlink is followed (its target is replaced, the link kept); an existing device, FIFO or
    socket is never replaced (False: write into it); a folder raises IsADirectoryError. One lstat
    when `path` is a plain file or absent (a batch re-score writes thousands)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return Path(path), True
    real = Path(path)
    if stat.S_ISLNK(mode):
        real = Path(os.path.realpath(path))
        try:
            mode = os.stat(real).st_mode
        except FileNotFoundError:  # a dangling link: create its target
            return real, True
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    return real, stat.S_ISREG(mode)


_UMASK = os.umask(0o022)  # read once (os.umask can only be read by setting it) and put back at once
os.umask(_UMASK)


def write_atomic(path: str | os.PathLike, data: str | bytes, what: str = "write the file", hint: str = RECORDINGS_HINT,
                 mode: int | None = None) -> Path:
    """Write text or bytes to a temp file in the target's folder, fsync, then rename over the target: a reader
    sees the old file or the new one, never half of it. A symlink's target is replaced (the link stays), a
    device or FIFO is written into, never replaced. `mode` sets the file's permissions; by default a replaced file
    keeps its own and a new one gets what `open()` would give it (0666 less the umask), not mkstemp's 0600, so a
    cohort's shared recordings folder stays readable to the group as the rest of it is.
    Any failure leaves no temp file behind and is one StorageError line (`what` and `hint` word it)."""
    blob = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        target, replace = write_target(path)
        if not replace:
            with open(target, "wb") as fh:
                fh.write(blob)
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode is None:
            try:
                mode = stat.S_IMODE(os.stat(target).st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~_UMASK
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        tmp = None
        return target
    except OSError as exc:
        raise storage_error(path, exc, what, hint) from exc
    finally:
        if tmp is not None:
            try:
                Path(tmp).unlink(missing_ok=True)
            except OSError:
                pass  # a disk that went read-only: the cleanup fails too, and must not hide why the write failed



def check_writable(path: str | os.PathLike, what: str, hint: str, folder: bool = False) -> None:
    """Raise the StorageError a write of `path` (a file, or with `folder` a folder to write in) would meet, without
    writing anything, so a long job can check its outputs before it starts. A full disk is caught when nothing at
    all is left; a disk that fills up later still fails at the write itself."""
    try:
        p = Path(path)
        if not folder:
            p, replace = write_target(p)
            if not replace:
                return  # a device or FIFO is written into
            p = p.parent
        p = Path(os.path.realpath(p))
        while not p.exists() and p != p.parent:
            p = p.parent
        if not p.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(p))
        fs = os.statvfs(p)
        for bad, code in ((fs.f_flag & os.ST_RDONLY, errno.EROFS), (not os.access(p, os.W_OK | os.X_OK), errno.EACCES),
                          (fs.f_bavail == 0, errno.ENOSPC)):
            if bad:
                raise OSError(code, os.strerror(code), str(p))
    except OSError as exc:
        raise storage_error(path, exc, what, hint) from exc
