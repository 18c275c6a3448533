"""Rulebook files and content, without the database: parsing (JSON or YAML), validation against
the published JSON Schema with errors naming the path and line, inheritance and digests.

Content keys are Zeren's canonical codes (PRODUCT §1.3: the article numbers of the 平罗县 2021
rules). A rulebook maps each to its own article number (``cite``) and words (``text``); a child
inherits every article and measures row it does not override.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

FORMAT = "zeren-rulebook/1"
SCHEMA_PATH = Path(__file__).with_name("rulebook.schema.json")
DATA_DIR = Path(__file__).with_name("data")
META_FIELDS = (
    "code",
    "title",
    "issuer",
    "document_number",
    "jurisdiction",
    "valid_from",
    "valid_to",
    "parent",
    "verification",
    "note",
)
CIRCUMSTANCES = ("26.1", "26.2", "26.3", "26.4", "26.5", "26.6", "26.7")


class RulebookFileError(ValueError):
    """A rulebook file that cannot be loaded: ``path`` is the JSON path, ``line`` its line (1-based)."""

    def __init__(self, path: str, line: int | None, english: str, chinese: str) -> None:
        self.path = path
        self.line = line
        self.english = english
        self.chinese = chinese
        where = f"{path or '(file)'}" + (f" (line {line})" if line else "")
        super().__init__(f"{where}: {chinese} / {english}")


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def _line(node: yaml.Node | None, path: Iterable[Any]) -> int | None:
    """The line of ``path`` in a composed YAML/JSON document (1-based), or the nearest parent's."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for step in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _path(steps: Iterable[Any]) -> str:
    out = "$"
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out


def parse(text: str) -> dict[str, Any]:
    """Parse and validate a rulebook file (JSON or YAML); raise ``RulebookFileError`` naming the
    path and line of the first problem."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulebookFileError(
            "",
            mark.line + 1 if mark else None,
            f"not valid JSON or YAML: {getattr(exc, 'problem', exc)}",
            "不是有效的 JSON 或 YAML",
        ) from exc
    if not isinstance(data, dict):
        raise RulebookFileError("$", 1, "expected an object at the top", "顶层应为对象")
    # YAML reads unquoted dates as dates; the schema wants ISO strings.
    for name in ("valid_from", "valid_to"):
        if isinstance(data.get(name), dt.date):
            data[name] = data[name].isoformat()
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        error = errors[0]
        raise RulebookFileError(
            _path(error.absolute_path), _line(node, error.absolute_path), error.message, "不符合规则集格式（JSON Schema）"
        )
    for name in ("valid_from", "valid_to"):
        if data.get(name):
            try:
                dt.date.fromisoformat(data[name])
            except ValueError as exc:
                raise RulebookFileError(f"$.{name}", _line(node, [name]), "not a real date", "不是有效日期") from exc
    if data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        raise RulebookFileError("$.valid_to", _line(node, ["valid_to"]), "ends before it starts", "失效日期早于生效日期")
    seen: set[tuple[str, str, str]] = set()
    for index, row in enumerate(data["content"].get("measures", [])):
        key = row_key(row)
        if key in seen:
            where = ["content", "measures", index]
            raise RulebookFileError(_path(where), _line(node, where), f"row {'/'.join(key)} appears twice", "问责方式行重复")
        seen.add(key)
        if row["sanctions"] and "sanction" not in row["measures"]:
            where = ["content", "measures", index, "sanctions"]
            raise RulebookFileError(
                _path(where),
                _line(node, where),
                "sanction kinds given but 'sanction' is not an allowed measure",
                "列出了处分种类，但问责方式中没有“处分”",
            )
    return data


def canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(meta: Mapping[str, Any], content: Mapping[str, Any]) -> str:
    body = canonical({"meta": {k: meta.get(k) for k in META_FIELDS if k != "note"}, "content": content})
    return hashlib.sha256(body.encode()).hexdigest()


def row_key(row: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(row["circumstance"]), str(row["severity"]), str(row.get("grade", "")))


def merge(chain: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The effective content of the last rulebook of ``chain`` (root first; each item has
    ``title`` and ``content``): each key of ``articles``, each measures row (circumstance,
    severity, grade) and ``veto`` as a whole are taken from the nearest rulebook that states
    them. Each article keeps the title of the rulebook it comes from (``source_title``)."""
    articles: dict[str, Any] = {}
    rows: dict[tuple[str, str, str], Any] = {}
    veto: Any = None
    notes: list[str] = []
    obligations: list[Any] | None = None
    for book in chain:
        content = book["content"]
        for code, article in content.get("articles", {}).items():
            articles[code] = {**article, "source_title": book["title"]}
        for row in content.get("measures", []):
            rows[row_key(row)] = row
        if "veto" in content:
            veto = content["veto"]
        if content.get("measures_note"):
            notes.append(content["measures_note"])
        if "obligations" in content:
            obligations = list(content["obligations"])
    merged: dict[str, Any] = {
        "articles": dict(sorted(articles.items())),
        "measures": [rows[key] for key in sorted(rows)],
        "veto": veto or {"floor_months": None, "cite": ""},
    }
    if notes:
        merged["measures_note"] = "\n".join(notes)
    if obligations is not None:
        merged["obligations"] = obligations
    return merged


def export(meta: Mapping[str, Any], content: Mapping[str, Any], version: int | None = None) -> dict[str, Any]:
    """A rulebook as a file's object (the inverse of ``parse``)."""
    out: dict[str, Any] = {"format": FORMAT}
    for key in META_FIELDS:
        value = meta.get(key)
        if value not in (None, "") or key in ("jurisdiction",):
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
    if version is not None:
        out["version"] = version
    out["content"] = content
    return out


def bundled() -> list[dict[str, Any]]:
    """The rulebooks shipped with Zeren (``rulebooks/data``), parsed and validated, parents first."""
    parsed = [parse(path.read_text(encoding="utf-8")) for path in sorted(DATA_DIR.glob("*.yaml"))]
    ordered: list[dict[str, Any]] = []
    codes: set[str] = set()
    while parsed:
        ready = [p for p in parsed if not p.get("parent") or p["parent"] in codes]
        if not ready:
            raise RulebookFileError("$.parent", None, "a parent is missing or the parents form a cycle", "上级规则集缺失或循环")
        for p in ready:
            ordered.append(p)
            codes.add(p["code"])
            parsed.remove(p)
    return ordered
