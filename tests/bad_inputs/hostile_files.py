"""Writers of hostile and broken files for the bad-input catalogue (each returns the path)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import yaml

from cjlib.datasets import load_map

HEADER = "customer_id,timestamp,event\n"


def base_map_dict() -> dict:
    """The telco sample map as a plain dict (defaults left out)."""
    return load_map("telco").to_dict(include_defaults=False)


def write_yaml(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def alias_bomb_lines(levels: int = 9, width: int = 9) -> list[str]:
    """A billion-laughs block: ``width ** levels`` strings once expanded."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return lines


def yaml_bomb_in_metadata(folder: Path) -> Path:
    """The telco map with a 9-level alias bomb under ``metadata``."""
    data = base_map_dict()
    data.pop("metadata", None)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    text += "metadata:\n" + "".join(f"  {line}\n" for line in alias_bomb_lines())
    path = folder / "bomb_metadata.yaml"
    path.write_text(text, "utf-8")
    return path


def yaml_bomb_in_actions(folder: Path) -> Path:
    """A map whose only touchpoint's ``actions`` hold a 9-level alias bomb."""
    head = "id: m\nname: M\npersonas: [{id: p, name: P}]\nstages:\n- id: s\n  name: S\n"
    head += "  touchpoints:\n  - id: t\n    name: T\n    actions:\n"
    body = "".join(f"    - {line.split(': ', 1)[1]}\n" for line in alias_bomb_lines())
    path = folder / "bomb_actions.yaml"
    path.write_text(head + body, "utf-8")
    return path


def deep_json(folder: Path, depth: int = 5000) -> Path:
    path = folder / "deep.json"
    path.write_text('{"id": "x", "metadata": ' + "[" * depth + "]" * depth + "}", "utf-8")
    return path


def deep_yaml_block(folder: Path, depth: int = 100) -> Path:
    lines = ["id: x", "metadata:"]
    lines += [" " * (2 * (i + 1)) + f"k{i}:" for i in range(depth)]
    lines[-1] += " 1"
    path = folder / "deep_block.yaml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def huge_sparse(folder: Path, name: str, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk and no time to create."""
    path = folder / name
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def many_values_yaml(folder: Path, n: int) -> Path:
    path = folder / "many_values.yaml"
    path.write_text("id: x\nmetadata: [" + ",".join("1" for _ in range(n)) + "]\n", "utf-8")
    return path


def text_file(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def gzip_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(text)
    return path


def json_file(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path
