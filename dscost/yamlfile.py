"""Safe YAML loading and Pydantic validation with one-line errors.

Shared by the layer-spec reader and the budget-file loader.  Everything that
can go wrong with a user's YAML file becomes an :class:`InputError` whose
message is one line naming the file (and, when known, ``LINE:COL``, 1-based):

* files larger than :data:`MAX_BYTES` are refused before reading;
* syntax errors: ``FILE:LINE:COL: <problem>``;
* nesting deeper than :data:`MAX_DEPTH` (the C composer would overflow the stack);
* alias bombs ("billion laughs"): more than :data:`MAX_ALIAS_NODES` nodes
  added by alias expansion, and recursive aliases, are refused before any
  Python object is built;
* duplicate mapping keys (PyYAML would silently keep the last one);
* numbers only as written in decimal: YAML 1.1's base-60, octal, hex and binary integers
  (``10:00`` = 600) are read as text, which validation then refuses or reads as written;
* an empty document.

:func:`validate` runs a Pydantic model and turns a ``ValidationError`` into
``FILE:LINE:COL: layers[3] (conv1): channels: Input should be greater than 0``;
several errors are all shown (up to :data:`MAX_ERRORS`), still on one line, joined by
``" | "``.  Unknown keys and layer types get a "did you mean" (difflib).

``yaml`` and ``pydantic`` are imported inside the functions: importing this
module stays cheap.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dscost.errors import InputError

MAX_BYTES = 5 * 1024 * 1024
# A number as written in decimal (YAML 1.2's core schema, and underscores): PyYAML resolves YAML
# 1.1's base 60 (10:00 = 600), octal (0700 = 448), hex and binary integers too, which nobody
# writing a budget or a layer size means; those stay text
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*|(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+|\.(?:inf|Inf|INF|nan|NaN|NAN))\Z")
MAX_DEPTH = 100
MAX_ALIAS_NODES = 10_000

# Root nodes of recently loaded documents, so that errors found later (during
# validation or shape propagation) can point at a line.  id(data) -> (data, node);
# holding ``data`` keeps its id from being reused.
_DOCS: dict[int, tuple[Any, Any]] = {}
_DOCS_KEEP = 16


def _mark(mark: Any) -> str:
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _yaml_error(path: str, err: Exception) -> InputError:
    import yaml

    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "invalid YAML"
        if err.context and err.problem and err.context_mark is not None and err.problem_mark is not None:
            problem = f"{problem} ({err.context} at line {err.context_mark.line + 1})"
        return InputError(f"{path}{_mark(mark)}: {_one_line(problem)}")
    if isinstance(err, yaml.reader.ReaderError):
        return InputError(f"{path}: not valid UTF-8/UTF-16 text ({_one_line(err.reason)} at byte {err.position})")
    return InputError(f"{path}: invalid YAML: {_one_line(str(err))}")


def _loader_classes():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_depth(path: str, text: str, max_mappings: int | None = None, too_many: str = "mappings") -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, whichever PyYAML is installed.

    The depth is counted on the event stream (libyaml's parser is iterative; its
    composer is not).  libyaml 0.2.6 (in PyYAML 6.0.4's wheels) has a nesting limit
    of its own (1000) that its scanner can hit while looking ahead, before dscost's
    count reaches the event at depth ``MAX_DEPTH + 1``; the pure-Python parser has
    none, so such a file is walked again with it to find that event.
    """
    import yaml

    try:
        _walk_depth(path, text, _loader_classes(), max_mappings, too_many)
    except yaml.MarkedYAMLError as err:
        if "nesting depth" not in str(err.problem):
            raise
        _walk_depth(path, text, yaml.SafeLoader, max_mappings, too_many)
        raise  # the parser's own limit is below dscost's: report it as it is


def _walk_depth(path: str, text: str, loader: Any, max_mappings: int | None, too_many: str) -> None:
    """Depth, and (with ``max_mappings``) the number of mappings -- one per layer of a spec --
    counted on the event stream, before any node or Python object is built."""
    import yaml

    depth = mappings = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"{path}{_mark(event.start_mark)}: nesting deeper than {MAX_DEPTH} levels (dscost's limit)")
            if max_mappings is not None and isinstance(event, yaml.MappingStartEvent):
                mappings += 1
                if mappings > max_mappings:
                    raise InputError(f"{path}{_mark(event.start_mark)}: more than {max_mappings:,} {too_many}")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _check_nodes(path: str, root: Any) -> None:
    """Refuse recursive aliases, alias bombs and duplicate keys, walking the node graph once.

    An alias makes a node reachable from several parents; the expanded size
    (what a consumer walking the constructed data would visit) is computed with
    memoisation, so a billion-laughs document costs only its own size here.
    """
    import yaml

    expanded: dict[int, int] = {}
    unique = 0
    on_stack: set[int] = set()
    # Iterative post-order walk: (node, children_pushed).
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_stack.discard(key)
            size = 1
            for child in _children(node):
                size += expanded[id(child)]
            expanded[key] = size
            if size - unique > MAX_ALIAS_NODES:
                raise InputError(
                    f"{path}{_mark(node.start_mark)}: aliases expand to more than {MAX_ALIAS_NODES:,} extra nodes "
                    "(YAML alias bomb?); write the structure out or use fewer aliases"
                )
            continue
        if key in expanded:
            continue
        if key in on_stack:
            raise InputError(f"{path}{_mark(node.start_mark)}: recursive YAML alias (a node that contains itself)")
        on_stack.add(key)
        unique += 1
        stack.append((node, True))
        if isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS and not node.style and not _DECIMAL.match(node.value):
            node.tag = "tag:yaml.org,2002:str"  # (YAML 1.1's 10:00, 0700, 0x10, 0b101: text, which the schema then refuses or reads as written)
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp" and not node.style:
            node.tag = "tag:yaml.org,2002:str"  # (no file of dscost's holds a date: `name: 2001-12-14` is that text)
        elif isinstance(node, yaml.ScalarNode) and node.tag in _NUMBER_TAGS and len(node.value) > MAX_DIGITS:
            raise InputError(f"{path}{_mark(node.start_mark)}: a number of {len(node.value):,} characters (more than {MAX_DIGITS:,}); no size or limit needs one")
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for k, _v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    ident = (k.tag, k.value)
                    if ident in seen:
                        raise InputError(
                            f"{path}{_mark(k.start_mark)}: duplicate key {k.value!r} "
                            f"(first at line {seen[ident].start_mark.line + 1})"
                        )
                    seen[ident] = k
        for child in _children(node):
            if id(child) in on_stack:
                raise InputError(f"{path}{_mark(child.start_mark)}: recursive YAML alias (a node that contains itself)")
            if id(child) not in expanded:
                stack.append((child, False))


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        out = []
        for k, v in node.value:
            out.append(k)
            out.append(v)
        return out
    return []


MAX_DIGITS = 4000  # (Python converts at most 4,300 digits to an int; no size or limit comes near)


def load_yaml(path: str | Path, max_mappings: int | None = None, too_many: str = "mappings") -> Any:
    """Read one YAML document safely (see the module docstring); InputError on any problem.
    ``max_mappings``: refuse, before building anything, a document with more mappings
    (the message says "more than N <too_many>")."""
    import yaml

    from dscost.files import read_bytes

    shown = str(path)
    raw = read_bytes(path, MAX_BYTES, "YAML file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{shown}: not valid UTF-8 text (byte {err.start})") from None
    if "\x00" in text:
        raise InputError(f"{shown}: contains NUL bytes; not a YAML text file")
    if not text.strip():
        raise InputError(f"{shown}: empty file")
    Loader = _loader_classes()
    try:
        _check_depth(shown, text, max_mappings, too_many)
        loader = Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise InputError(f"{shown}: empty file (no YAML document, only comments)")
            _check_nodes(shown, node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        raise _yaml_error(shown, err) from None
    except RecursionError:
        raise InputError(f"{shown}: nesting too deep") from None
    except (ValueError, OverflowError) as err:  # e.g. a timestamp out of range
        raise InputError(f"{shown}: invalid value: {_one_line(str(err))}") from None
    if data is None:
        raise InputError(f"{shown}: empty document")
    _DOCS[id(data)] = (data, node)
    while len(_DOCS) > _DOCS_KEEP:
        _DOCS.pop(next(iter(_DOCS)))
    return data


# --------------------------------------------------------------------------
# Locations


def _node_at(data: Any, loc: tuple) -> Any:
    """The YAML node (key node for mapping entries) of ``loc`` inside a loaded document, or None."""
    entry = _DOCS.get(id(data))
    if entry is None or entry[0] is not data:
        return None
    import yaml

    node = entry[1]
    best = node
    for i, part in enumerate(loc):
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            best = node
        elif isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    found = (k, v)
            if found is None:
                return best
            best = found[0] if i == len(loc) - 1 else found[1]
            node = found[1]
        else:
            return best
    return best


def where(path: str | Path, data: Any, loc: tuple = ()) -> str:
    """``FILE:LINE:COL`` of ``loc`` (a path of keys and indices) in a document loaded by :func:`load_yaml`;
    ``FILE`` alone when the line is unknown."""
    node = _node_at(data, tuple(loc))
    return f"{path}{_mark(node.start_mark)}" if node is not None else str(path)


def _describe(data: Any, loc: tuple) -> tuple[str, tuple]:
    """Human path ``layers[3] (conv1): channels`` and the data path (tags of unions dropped)."""
    parts: list[str] = []
    real: list[Any] = []
    cur = data
    last = len(loc) - 1
    for i, part in enumerate(loc):
        if isinstance(part, int) and isinstance(cur, list) and 0 <= part < len(cur):
            cur = cur[part]
            label = f"[{part}]"
            if isinstance(cur, dict):
                name = cur.get("name")
                kind = cur.get("type")
                if isinstance(name, str):
                    label += f" ({name})"
                elif isinstance(kind, str):
                    label += f" ({kind})"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
            real.append(part)
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
            parts.append(str(part))
            real.append(part)
        elif i == last and isinstance(part, str) and isinstance(cur, dict):
            parts.append(str(part))  # a missing field
            real.append(part)
        else:
            continue  # a union tag or member name, not part of the document
    return ": ".join(parts), tuple(real)


_MSG_PREFIXES = ("Value error, ", "Assertion failed, ")

# Errors of one validation shown in the one-line message, joined by ERROR_SEPARATOR (the rest are counted).
MAX_ERRORS = 10
ERROR_SEPARATOR = " | "


def close_matches(word: Any, choices: Any) -> list[str]:
    """Up to 3 of ``choices`` close to ``word`` (stdlib difflib), best first."""
    import difflib

    return difflib.get_close_matches(word, [str(c) for c in choices], n=3) if isinstance(word, str) else []


def did_you_mean(matches: list[str]) -> str:
    """``"did you mean 'conv'?"`` (``'a' or 'b'`` for several); "" for none."""
    if not matches:
        return ""
    quoted = [repr(c) for c in matches]
    return f"did you mean {' or '.join([', '.join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)}?"


def _unwrap(tp: Any) -> Any:
    """``tp`` without Annotated and Optional (a union with None)."""
    import typing

    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        args = typing.get_args(tp)
        if typing.get_origin(tp) is typing.Union and type(None) in args and len(args) == 2:
            tp = next(a for a in args if a is not type(None))
            continue
        return tp


def _model_at(root: Any, loc: tuple) -> Any:
    """The pydantic model class validating the mapping at ``loc`` (pydantic's error location,
    union tags included) under the type ``root``; None when it cannot be told."""
    import typing

    from pydantic import BaseModel

    tp = _unwrap(root)
    for part in loc:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if part not in tp.model_fields:
                return None
            tp = _unwrap(tp.model_fields[part].annotation)
        elif typing.get_origin(tp) in (list, tuple) and isinstance(part, int):
            tp = _unwrap(typing.get_args(tp)[0])
        elif typing.get_origin(tp) is typing.Union:  # a member named by its Tag or its class
            for member in typing.get_args(tp):
                tags = [getattr(m, "tag", None) for m in getattr(member, "__metadata__", ())]
                inner = _unwrap(member)
                if part in tags or getattr(inner, "__name__", None) == part:
                    tp = inner
                    break
            else:
                return None
        else:
            return None
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _at(data: Any, loc: tuple) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _message(err: dict, keys: list[str] | None = None) -> str:
    """The problem of one pydantic error; ``keys``: the close matches of an unknown key."""
    msg = err.get("msg", "invalid")
    for prefix in _MSG_PREFIXES:
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    kind = err.get("type")
    value = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "unknown_layer_type":
        # the custom error of dscost.spec's layer discriminator: "unknown layer type; valid types: ..."
        valid = msg.split(";", 1)[1].strip() if ";" in msg else ""
        if isinstance(value, dict) and "type" in value:
            hint = did_you_mean(close_matches(value["type"], valid.split(":", 1)[-1].replace(",", " ").split()))
            return _one_line(f"unknown layer type {value['type']!r}; {hint or valid}")
        if isinstance(value, dict):
            return _one_line(f"a layer needs a `type` (or `layers`, for a group); {valid}")
        return _one_line(f"expected a layer mapping such as {{type: relu}}, got {value!r}")
    if kind == "extra_forbidden":
        return f"unknown key (not allowed here); {did_you_mean(keys)}" if keys else "unknown key (not allowed here)"
    if kind in ("int_type", "int_parsing", "int_from_float", "bool_type", "float_type", "string_type") and not isinstance(value, (dict, list)):
        msg = f"{msg}, got {value!r}"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "literal_error", "enum"):
        msg = f"{msg}, got {value!r}"
    return _one_line(msg)


def _key_matches(err: dict, model: Any, data: Any, real: tuple) -> list[str]:
    """The keys close to an unknown key: of its mapping's model (found from ``model``), not already set."""
    loc = tuple(err.get("loc", ()))
    cls = _model_at(model, loc[:-1]) if model is not None and loc and err.get("type") == "extra_forbidden" else None
    if cls is None:
        return []
    present = _at(data, real[:-1])
    taken = set(present) if isinstance(present, dict) else set()
    return close_matches(loc[-1], [k for k in cls.model_fields if k not in taken])


def _position(data: Any, real: tuple) -> tuple[int, int]:
    node = _node_at(data, real)
    return (node.start_mark.line, node.start_mark.column) if node is not None else (-1, -1)


def format_validation_error(path: str | Path, data: Any, err: Any, model: Any = None) -> str:
    """One line for a pydantic ``ValidationError`` raised validating ``data`` from ``path``:
    every error (up to :data:`MAX_ERRORS`, in document order) as ``FILE:LINE:COL: where: what``,
    joined by :data:`ERROR_SEPARATOR`.  ``model`` (the type validated) gives unknown keys a
    "did you mean"; the "required field is missing" such a suggestion explains is dropped, and
    the errors of the members of a union at one place are said together (``..., or ...``)."""
    found: list[tuple[tuple, str, tuple, str]] = []  # (pydantic loc, human, real, message)
    suggested: set[tuple] = set()
    for e in err.errors(include_url=False):
        loc = tuple(e.get("loc", ()))
        human, real = _describe(data, loc)
        keys = _key_matches(e, model, data, real)
        if len(keys) == 1:
            suggested.add((*real[:-1], keys[0]))
        found.append((loc, human, real, _message(e, keys) if e.get("type") != "missing" else ""))
    lines: list[tuple[tuple[int, int], str]] = []
    last: tuple = ()
    for loc, human, real, msg in found:
        if not msg:  # "missing": dropped when an unknown key's suggestion explains it
            if real in suggested:
                continue
            msg = "required field is missing"
        if lines and last[1:] == (human, real) and last[0] != loc:  # another member of the same union
            lines[-1] = (lines[-1][0], f"{lines[-1][1]}, or {msg}")
            continue
        head = where(path, data, real)
        lines.append((_position(data, real), f"{head}: {human}: {msg}" if human else f"{head}: {msg}"))
        last = (loc, human, real)
    if not lines:
        return f"{path}: invalid"
    texts = [text for _, text in sorted(lines, key=lambda item: item[0])]
    if len(texts) > MAX_ERRORS:
        texts[MAX_ERRORS:] = [f"(+{len(texts) - MAX_ERRORS} more errors)"]
    return ERROR_SEPARATOR.join(texts)


def validate(path: str | Path, model_cls: Any, data: Any, what: str = "spec") -> Any:
    """``model_cls.model_validate(data)``; a ValidationError becomes one InputError line."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise InputError(f"{where(path, data)}: a {what} must be a YAML mapping (key: value lines), got {type(data).__name__}")
    try:
        return model_cls.model_validate(data)
    except ValidationError as err:
        raise InputError(format_validation_error(path, data, err, model_cls)) from None
