"""Opening the user's files: regular files only, and never more than a size limit; globs.

Every file argument of every command (models, specs, budgets, calibration
profiles) goes through :func:`regular_file` before anything reads it, so a
missing file, a directory, a FIFO or a device (``/dev/zero``) is one clear
error instead of a hang or an exhausted memory.  :func:`read_bytes` reads at
most ``limit + 1`` bytes from a descriptor that is checked to be a regular file
after opening (the name cannot be swapped for a FIFO in between).  A Git LFS
pointer in place of the file (a checkout without LFS) is refused by name.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dscost.errors import InputError

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: str | Path, mode: int, what: str) -> InputError:
    if stat.S_ISDIR(mode):
        return InputError(f"{path}: is a directory, not a {what}")
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return InputError(f"{path}: is {kind}, not a regular file; dscost reads only regular files")


def regular_file(path: str | Path, what: str = "file") -> Path:
    """``path`` as a Path when it names a regular file (symlinks followed); InputError otherwise."""
    if not str(path).strip():
        raise InputError(f"an empty file name ({path!r}: an unset shell variable?)")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        broken = f" (a symbolic link to {os.readlink(path)}, which does not exist)" if os.path.islink(path) else ""
        code = str(path)[:-1] if str(path).endswith(":") else ""
        target = f"; to build a PyTorch module from {code}, name what: {code}:FACTORY" if code.endswith(".py") or code and os.path.exists(code) else ""
        raise InputError(f"{path}: no such file{broken}{target}") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(path, st.st_mode, what)
    if st.st_size < LFS_POINTER_MAX:
        _refuse_lfs_pointer(path, what)
    _INPUTS.add((st.st_dev, st.st_ino))
    return Path(path)


# The files this process was given to read, by (device, inode): an output never replaces one.
_INPUTS: set[tuple[int, int]] = set()


def note_input(path: str | Path) -> None:
    """Remember ``path`` (when it is an existing file) as one of the command's inputs."""
    try:
        st = os.stat(path)
    except OSError:
        return
    _INPUTS.add((st.st_dev, st.st_ino))


def refuse_input_as_output(path: str | Path, label: str = "--output") -> None:
    """InputError when ``path`` is a file this process read as an input (the same file under any name)."""
    try:
        st = os.stat(path)
    except OSError:
        return
    if (st.st_dev, st.st_ino) in _INPUTS:
        raise InputError(f"{label} {path}: is one of the command's input files; choose another output file")


def append_text(path: str, text: str, label: str) -> None:
    """Append ``text`` to the regular file ``path`` (created when missing) or a character device
    (``/dev/null``), never blocking on a FIFO; InputError naming ``label`` (an environment
    variable, an option) when it cannot."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o666)
    except OSError as err:
        raise InputError(f"{label} {path}: cannot append to it ({err.strerror or err})") from None
    try:
        st = os.fstat(fd)
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISCHR(st.st_mode)):  # (/dev/null: the summary switched off)
            raise InputError(f"{label} {path}: cannot append to it (not a regular file)")
        if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) in _INPUTS:  # (a model or budget file the command read: never written to)
            raise InputError(f"{label} {path}: is one of the command's input files; it is left as it is")
        data = memoryview(text.encode("utf-8"))
        while data:  # (unbuffered: a failed write is this error, never a second one from a buffer flushed at close)
            data = data[os.write(fd, data) :]
    except OSError as err:
        raise InputError(f"{label} {path}: cannot append to it ({err.strerror or err})") from None
    finally:
        os.close(fd)


def temp_beside(path: str | Path, suffix: str = ".dscost-tmp") -> tuple[int, str]:
    """(descriptor, name) of a new, uniquely named file in ``path``'s folder, to be renamed over
    ``path`` once complete (a reader never sees half a file).  It gets the permissions ``path``
    would get: an existing file's mode, else 0o666 minus the umask (mkstemp's 0o600 would make
    a report that a web server or a teammate cannot read).  OSError as mkstemp raises it."""
    import tempfile

    folder, name = os.path.split(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=folder)
    try:
        os.fchmod(fd, mode)
    except OSError:  # a file system without modes (a FAT stick): its own default
        pass
    return fd, tmp


def read_bytes(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The whole file, refused (InputError naming the limit) when it is larger than ``limit`` bytes."""
    regular_file(path, what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(path, st.st_mode, what)
        if st.st_size > limit:
            raise InputError(f"{path}: file too large ({st.st_size:,} bytes; the limit is {limit:,})")
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # grew after the size check
        raise InputError(f"{path}: file too large (the limit is {limit:,} bytes)")
    return data


# A model kept in Git LFS and checked out without it is a small text file (a pointer) in place of the model.
LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
LFS_POINTER_MAX = 1024  # pointer files are smaller than this (the Git LFS spec), so bigger files are not opened


def _refuse_lfs_pointer(path: str | Path, what: str) -> None:
    """InputError when ``path`` holds a Git LFS pointer instead of the file it stands for."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return  # the reader that opens it next says what is wrong
    try:
        head = os.read(fd, len(LFS_POINTER))
    except OSError:
        return
    finally:
        os.close(fd)
    if head == LFS_POINTER:
        raise InputError(f"{path}: is a Git LFS pointer, not the {what}: run `git lfs pull` (or set `lfs: true` on actions/checkout)")


_GLOB_CHARS = set("*?[")


def glob_files(pattern: Path) -> list[Path]:
    """The files matching ``pattern`` (``*``, ``?``, ``[...]`` within a name, ``**`` across
    folders), found by one ``os.walk`` that does not follow directory symlinks.  As a shell's
    glob, a wildcard does not match a name that starts with a dot.  Every match that is no
    regular file -- a broken symbolic link, a FIFO -- is kept, for the reader to refuse by name:
    a glob never skips a model it names."""
    import re

    parts = pattern.parts
    fixed = next((i for i, p in enumerate(parts) if _GLOB_CHARS & set(p)), len(parts))
    root = Path(*parts[:fixed]) if fixed else Path(".")
    rest = parts[fixed:]
    name = r"(?!\.)[^/]+"  # (a name ** crosses: not a hidden one)
    regex = "/".join((f"(?:{name}/)*" if i < len(rest) - 1 else f"{name}(?:/{name})*") if p == "**" else _translate(p) for i, p in enumerate(rest))
    regex = regex.replace(f"(?:{name}/)*/", f"(?:{name}/)*")
    matcher = re.compile(regex + r"\Z", re.DOTALL)
    seen: set[str] = set()
    out: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            full = Path(folder) / name
            rel = full.relative_to(root).as_posix()
            if matcher.match(rel):
                real = os.path.realpath(full)
                if real not in seen:
                    seen.add(real)
                    out.append(full)
    return sorted(out)


def _translate(part: str) -> str:
    """One path component of a glob as a regex: ``*`` and ``?`` do not cross ``/``, nor match a
    leading dot the pattern does not write."""
    import re

    out, i = [] if part.startswith(".") else [r"(?!\.)"], 0
    while i < len(part):
        c = part[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = part.find("]", i + 2)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = part[i + 1 : j]
                body = "^" + body[1:] if body.startswith("!") else body
                out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)
