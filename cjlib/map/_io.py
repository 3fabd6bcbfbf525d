"""Reading and writing journey-map files (YAML or JSON, chosen by the file suffix).

YAML is parsed with PyYAML's safe loader (a subclass that also refuses duplicate keys, which
plain YAML silently resolves by keeping the last one). Syntax errors name the line and column.

Map files are treated as untrusted input: before anything is built, the file's size, nesting
depth and number of values are checked against the limits below, and YAML anchors and aliases
(``&name`` / ``*name``) are refused, so an "alias bomb" (billion laughs) fails in milliseconds
instead of expanding into gigabytes. docs/limits.md explains each limit.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

from cjlib.errors import DataError, MapValidationError, Problem
from cjlib.map._codec import join_path
from cjlib.map._model import JourneyMap

__all__ = ["MapSyntaxError", "read_map", "write_map"]

_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}

#: Largest map file read, in bytes (a 30-touchpoint map is about 20 kB).
MAX_MAP_BYTES = 10 * 1024 * 1024
#: Deepest nesting of mappings/lists (the format itself needs 8 levels).
MAX_MAP_DEPTH = 64
#: Most values (scalars, mappings, lists) in one map file.
MAX_MAP_NODES = 500_000


class MapSyntaxError(MapValidationError):
    """A map file is not well-formed YAML or JSON.

    Attributes
    ----------
    filename : str
    line, column : int or None
        1-based position of the error, when the parser reports one.
    """

    title = "malformed journey-map file"

    def __init__(self, filename: str, message: str, line: int | None, column: int | None) -> None:
        self.filename = filename
        self.line = line
        self.column = column
        where = filename if line is None else f"{filename}, line {line}"
        if line is not None and column is not None:
            where = f"{where}, column {column}"
        super().__init__([Problem(where, message)])


def _format_of(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(
            f"path: cannot tell the map format from the suffix {path.suffix or '(none)'!r} of "
            f"{str(path)!r}; allowed suffixes: {', '.join(_FORMATS)}"
        )
    return fmt


@functools.cache
def _yaml_loader() -> type:
    import yaml

    # libyaml's parser when PyYAML was built with it (about 10x faster), else the pure-Python one
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictSafeLoader(base):  # type: ignore[misc, valid-type]
        """The safe loader, refusing duplicate keys in a mapping."""

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r} (first at line {seen[key].line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return base.construct_mapping(loader, node, deep=deep)

    StrictSafeLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    return StrictSafeLoader


@functools.cache
def _yaml_dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):
        """The safe dumper; strings holding NEL (U+0085) are written double-quoted.

        With ``allow_unicode`` PyYAML writes NEL raw in plain and single-quoted scalars, where
        the reader folds it into a space; double quotes escape it as ``\\N``.
        """

    def represent_str(dumper: Any, value: str) -> Any:
        style = '"' if "\x85" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    return Dumper


def _check_yaml_events(text: str, filename: str) -> None:
    """Refuse anchors, aliases, too deep nesting and too many values, before composing."""
    import yaml

    depth = nodes = 0
    for event in yaml.parse(text, Loader=_yaml_loader()):
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            kind, sign = ("alias", "*") if isinstance(event, yaml.AliasEvent) else ("anchor", "&")
            raise _syntax_at(
                filename,
                event.start_mark,
                f"YAML {kind} {sign}{event.anchor} is not allowed in a map file; anchors (&name) "
                "and aliases (*name) are refused so a file cannot expand into a huge map: "
                "write each value out in full",
            )
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_MAP_NODES:
                raise _syntax_at(
                    filename,
                    event.start_mark,
                    f"the file has more than {MAX_MAP_NODES:,} values (the limit "
                    "cjlib.map._io.MAX_MAP_NODES; see docs/limits.md)",
                )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_MAP_DEPTH:
                raise _syntax_at(
                    filename,
                    event.start_mark,
                    f"nesting deeper than {MAX_MAP_DEPTH} levels of mappings/lists (got "
                    f"{depth}; the limit cjlib.map._io.MAX_MAP_DEPTH, see docs/limits.md)",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _syntax_at(filename: str, mark: Any, message: str) -> MapSyntaxError:
    if mark is None:
        return MapSyntaxError(filename, message, None, None)
    return MapSyntaxError(filename, message, mark.line + 1, mark.column + 1)


def _parse_yaml(text: str, filename: str) -> tuple[Any, dict[str, int]]:
    """Return the document and the line (1-based) of every field path in it."""
    import yaml

    loader = _yaml_loader()(text)
    try:
        _check_yaml_events(text, filename)
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        if exc.context and exc.context_mark is not None and mark is not exc.context_mark:
            message = f"{message} (the construct began at line {exc.context_mark.line + 1})"
        line = None if mark is None else mark.line + 1
        column = None if mark is None else mark.column + 1
        raise MapSyntaxError(filename, message or str(exc), line, column) from None
    except yaml.YAMLError as exc:
        raise MapSyntaxError(filename, str(exc), None, None) from None
    finally:
        loader.dispose()
    return data, _line_index(node)


def _line_index(root: Any) -> dict[str, int]:
    import yaml

    lines: dict[str, int] = {}
    stack = [("", root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = join_path(path, key_node.value)
                lines[child] = key_node.start_mark.line + 1
                stack.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = f"{path}[{i}]"
                lines[child] = item.start_mark.line + 1
                stack.append((child, item))
    return lines


def _line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of ``path``, else of its closest enclosing field that the file has."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def _with_lines(err: MapValidationError, lines: dict[str, int], filename: str) -> Exception:
    problems = []
    for problem in err.problems:
        line = _line_of(problem.path, lines)
        message = problem.message if line is None else f"{problem.message} (line {line})"
        problems.append(Problem(problem.path, message, problem.value))
    return MapValidationError(problems, title=f"invalid journey map in {filename}")


_JSON_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}\n]')


def _check_json_depth(text: str, filename: str) -> None:
    """Refuse nesting deeper than MAX_MAP_DEPTH before ``json`` recurses into it."""
    depth, line, line_start = 0, 1, 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token == "\n":
            line, line_start = line + 1, match.end()
        elif token in "[{":
            depth += 1
            if depth > MAX_MAP_DEPTH:
                raise MapSyntaxError(
                    filename,
                    f"nesting deeper than {MAX_MAP_DEPTH} levels of objects/arrays (the limit "
                    "cjlib.map._io.MAX_MAP_DEPTH, see docs/limits.md)",
                    line,
                    match.start() - line_start + 1,
                )
        elif token in "]}":
            depth -= 1


def _parse_json(text: str, filename: str) -> Any:
    _check_json_depth(text, filename)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MapSyntaxError(filename, exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise MapSyntaxError(filename, "nesting too deep for the JSON parser", None, None) from None


def read_map(path: str | os.PathLike[str]) -> JourneyMap:
    """Read and validate a journey map from a ``.yaml``/``.yml`` or ``.json`` file.

    Parameters
    ----------
    path : str or path-like
        The file; its suffix chooses the format.

    Returns
    -------
    JourneyMap

    Raises
    ------
    MapSyntaxError
        The file is not well-formed YAML/JSON (the message names line and column).
    cjlib.MapValidationError
        The content is not a valid map; ``.problems`` lists every problem (for YAML files
        each message ends with the line of the field, or of its closest enclosing field).
    cjlib.DataError
        The suffix is not one of ``.yaml``, ``.yml``, ``.json``.
    FileNotFoundError
        The file does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjlib.map import JourneyMap, Persona, Stage, Touchpoint, read_map, write_map
    >>> jm = JourneyMap(id="demo", name="Demo", personas=(Persona("p", "P"),),
    ...                 stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "T"),)),))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.yaml"
    >>> _ = write_map(jm, path)
    >>> read_map(path) == jm
    True
    """
    file = Path(path)
    fmt = _format_of(file)
    size = file.stat().st_size
    if size > MAX_MAP_BYTES:
        raise MapSyntaxError(
            str(file),
            f"the file is {size:,} bytes; map files are limited to {MAX_MAP_BYTES:,} bytes "
            "(cjlib.map._io.MAX_MAP_BYTES, see docs/limits.md)",
            None,
            None,
        )
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = file.read_bytes()[: exc.start].count(b"\n") + 1
        raise MapSyntaxError(
            str(file),
            f"byte {exc.object[exc.start : exc.start + 1]!r} at offset {exc.start} is not "
            "UTF-8; map files must be UTF-8 text",
            line,
            None,
        ) from None
    lines: dict[str, int] = {}
    if fmt == "yaml":
        data, lines = _parse_yaml(text, str(file))
    else:
        data = _parse_json(text, str(file))
    if data is None:
        raise MapValidationError([Problem(str(file), "the file is empty")])
    try:
        return JourneyMap.from_dict(data)
    except MapValidationError as err:
        raise _with_lines(err, lines, str(file)) from None


def write_map(
    journey_map: JourneyMap, path: str | os.PathLike[str], *, validate: bool = True
) -> Path:
    """Write ``journey_map`` to a ``.yaml``/``.yml`` or ``.json`` file (UTF-8).

    Fields still at their default value are left out, so files stay short and readable;
    :func:`read_map` gives back an equal map.

    Parameters
    ----------
    journey_map : JourneyMap
        The map to write.
    path : str or path-like
        Destination; its suffix chooses the format. Parent directories must exist.
    validate : bool, default True
        Refuse to write an invalid map (raising :class:`cjlib.MapValidationError`), so every
        written file can be read back.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjlib.map import JourneyMap, Persona, Stage, Touchpoint, write_map
    >>> jm = JourneyMap(id="demo", name="Demo", personas=(Persona("p", "P"),),
    ...                 stages=(Stage("s", "S", touchpoints=(Touchpoint("t", "T"),)),))
    >>> write_map(jm, pathlib.Path(tempfile.mkdtemp()) / "demo.json").suffix
    '.json'
    """
    if not isinstance(journey_map, JourneyMap):
        raise DataError(f"journey_map: expected a JourneyMap, got {type(journey_map).__name__}")
    file = Path(path)
    fmt = _format_of(file)
    if validate:
        journey_map.validate()
    data = journey_map.to_dict(include_defaults=False)
    if fmt == "yaml":
        import yaml

        text = yaml.dump(
            data,
            Dumper=_yaml_dumper(),
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
        )
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    file.write_text(text, encoding="utf-8")
    return file
