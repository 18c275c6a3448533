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
        row_id = row_key(row)
        if row_id in seen:
            where = ["content", "measures", index]
            raise RulebookFileError(_path(where), _line(node, where), f"row {'/'.join(row_id)} appears twice", "问责方式行重复")
        seen.add(row_id)
        if row["sanctions"] and "sanction" not in row["measures"]:
            where = ["content", "measures", index, "sanctions"]
            raise RulebookFileError(
                _path(where),
                _line(node, where),
                "sanction kinds given but 'sanction' is not an allowed measure",
                "列出了处分种类，但问责方式中没有“处分”",
            )
    _check_figures(data, node)
    return data


def _check_figures(data: Mapping[str, Any], node: yaml.Node | None) -> None:
    """No limit or influence period twice; a sanction kind only on the measure 'sanction'."""
    codes: set[str] = set()
    for index, row in enumerate(data["content"].get("deadlines", [])):
        if row["code"] in codes:
            where = ["content", "deadlines", index]
            raise RulebookFileError(_path(where), _line(node, where), f"limit {row['code']} appears twice", "期限重复")
        codes.add(row["code"])
    keys: set[tuple[str, str]] = set()
    for index, row in enumerate(data["content"].get("influence_periods", [])):
        key = (row["measure"], row.get("sanction_kind", ""))
        where = ["content", "influence_periods", index]
        if key in keys:
            raise RulebookFileError(
                _path(where), _line(node, where), f"influence period {'/'.join(k for k in key if k)} appears twice", "影响期重复"
            )
        keys.add(key)
        if key[1] and key[0] != "sanction":
            raise RulebookFileError(
                _path(where),
                _line(node, where),
                "a sanction kind is given for a measure other than 'sanction'",
                "只有“处分”可以写处分种类",
            )
        if row.get("months") and row.get("permanent"):
            raise RulebookFileError(
                _path(where), _line(node, where), "both months and permanent are given", "同时写了月数和“永久”"
            )


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
    severity, grade), each time limit (code), each influence period (measure, sanction kind) and
    ``veto`` as a whole are taken from the nearest rulebook that states them. Each article, limit
    and period keeps the title of the rulebook it comes from (``source_title``)."""
    articles: dict[str, Any] = {}
    rows: dict[tuple[str, str, str], Any] = {}
    veto: Any = None
    notes: list[str] = []
    obligations: list[Any] | None = None
    limits: dict[str, Any] = {}
    periods: dict[tuple[str, str], Any] = {}
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
        for row in content.get("deadlines", []):
            limits[row["code"]] = {**row, "source_title": book["title"]}
        for row in content.get("influence_periods", []):
            periods[(row["measure"], row.get("sanction_kind", ""))] = {**row, "source_title": book["title"]}
    merged: dict[str, Any] = {
        "articles": dict(sorted(articles.items())),
        "measures": [rows[key] for key in sorted(rows)],
        "veto": veto or {"floor_months": None, "cite": ""},
    }
    if notes:
        merged["measures_note"] = "\n".join(notes)
    if obligations is not None:
        merged["obligations"] = obligations
    # Only when stated: the digest of a content without them stays what it was before issue 13
    # gave rulebooks their own limits (stored assessments name it).
    if limits:
        merged["deadlines"] = [limits[code] for code in sorted(limits)]
    if periods:
        merged["influence_periods"] = [periods[key] for key in sorted(periods)]
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


# --- what the engine needs of an effective content ------------------------------------------------

# The circumstances of accident responsibility: 第二十六条第（五）项 (对发生生产安全事故负有领导责任)
# and 第（六）项 (“打非治违”不力 … 连续发生 … 事故). Only they take 从重: 第二十九条 aggravates
# "党政领导干部对发生的生产安全事故负有领导责任" (平罗县 2021). The engine holds the same set
# (``cases.rules.engine.ACCIDENT_RESPONSIBILITY``); ``rulebooks/tests`` ties the two.
ACCIDENT_CIRCUMSTANCES = frozenset({"26.5", "26.6"})
SEVERITIES = ("standard", "heavier", "lighter", "reduced")
GRADES = ("", "general", "larger", "major", "especially_major")
SEVERITIES_FOR = {True: ("standard", "heavier", "lighter", "reduced"), False: ("standard", "lighter", "reduced")}


def missing_rows(content: Mapping[str, Any]) -> list[str]:
    """Which (circumstance, severity) rows an effective content lacks for the circumstances its
    article map has: an empty list means the engine can answer every finding. Rows for one
    accident grade do not count: the engine falls back to the row for any grade."""
    have = {(r["circumstance"], r["severity"]) for r in content.get("measures", []) if not r.get("grade")}
    articles = content.get("articles", {})
    return [
        f"{c}/{s}"
        for c in CIRCUMSTANCES
        if c in articles
        for s in SEVERITIES_FOR[c in ACCIDENT_CIRCUMSTANCES]
        if (c, s) not in have
    ]


# --- files: the canonical form, writing and finding lines ---------------------------------------

# How an empty meta field is written: the strings as "", the references and the end date as null.
# The bundled files follow this, so their digests (taken at the seed migration) are reproduced.
_EMPTY_AS_STRING = ("issuer", "document_number", "note")
_EMPTY_AS_NULL = ("jurisdiction", "valid_to", "parent")


def normalized_meta(data: Mapping[str, Any]) -> dict[str, Any]:
    """The meta of a file or a stored row in one form, so that "" and null (or a missing key) mean
    the same: what ``digest`` is taken over, and what a diff compares."""
    meta: dict[str, Any] = {}
    for key in META_FIELDS:
        value = data.get(key)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if key in _EMPTY_AS_STRING:
            value = value or ""
        elif key in _EMPTY_AS_NULL:
            value = value or None
        meta[key] = value
    return meta


def file_digest(data: Mapping[str, Any]) -> str:
    """The digest a file loads with (``digest`` over the normalized meta and the content)."""
    return digest(normalized_meta(data), data["content"])


def dump(obj: Mapping[str, Any], fmt: str = "yaml") -> str:
    """A file's object as text: YAML (keys in the file's order, Chinese unescaped) or JSON."""
    if fmt == "json":
        return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    if fmt != "yaml":
        raise ValueError(f"unknown format {fmt!r}")
    text: str = yaml.safe_dump(dict(obj), allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False)
    return text


def line_of(text: str, path: str) -> int | None:
    """The line (1-based) of a JSON path such as ``$.content.measures[3]`` in a file's text, or of
    the nearest part of it that exists. Keys may contain dots (``$.content.articles.26.1``): at
    each mapping the longest key that fits is taken."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    rest = path.removeprefix("$")
    line: int = node.start_mark.line + 1
    while rest:
        child: yaml.Node | None = None
        at: yaml.Node | None = None  # what the line is read from: a key's own line, an item's
        if rest.startswith("[") and "]" in rest and isinstance(node, yaml.SequenceNode):
            index, _, rest = rest[1:].partition("]")
            if index.isdigit() and int(index) < len(node.value):
                child = at = node.value[int(index)]
        elif rest.startswith(".") and isinstance(node, yaml.MappingNode):
            rest = rest[1:]
            fits = [
                (key, value)
                for key, value in node.value
                if isinstance(key.value, str)
                and (rest == key.value or rest.startswith(key.value + ".") or rest.startswith(key.value + "["))
            ]
            if fits:
                at, child = max(fits, key=lambda kv: len(kv[0].value))
                rest = rest[len(at.value) :]
        if child is None or at is None:
            break
        node = child
        line = at.start_mark.line + 1
    return line


# --- diff ---------------------------------------------------------------------------------------

DIFF_META_FIELDS = tuple(key for key in META_FIELDS if key != "note")


def row_label(key: tuple[str, str, str]) -> str:
    return "/".join(part for part in key if part)


def _listed(old: list[Any], new: list[Any]) -> tuple[list[Any], list[Any]]:
    return [x for x in new if x not in old], [x for x in old if x not in new]


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed from ``old`` to ``new``: two rulebook files' objects (``parse``,
    ``rulebooks.services.rulebook_file``) or ``None`` for a code not loaded yet (everything is
    added). Pure; JSON-ready. Compares what a version is made of — the meta but the note (it is
    not in the digest) and the content — so ``unchanged`` is true exactly when the two load with
    the same digest:

    - ``meta``: ``[{field, old, new}]``;
    - ``articles``: ``added``/``removed`` ``[{code, cite, text}]``, ``changed``
      ``[{code, fields, old, new}]`` (``fields``: which of cite, text, verification, source);
    - ``measures``: ``added``/``removed`` rows (with ``key``, e.g. ``26.5/heavier/general``),
      ``changed`` ``[{key, circumstance, severity, grade, measures_added, measures_removed,
      sanctions_added, sanctions_removed, reasoning, old, new}]``, and ``reordered`` when the rows
      are the same but in another order;
    - ``veto``, ``measures_note``, ``obligations``, ``deadlines``, ``influence_periods``:
      ``{old, new}`` or ``None``.
    """
    old_meta = normalized_meta(old if old is not None else {})
    new_meta = normalized_meta(new)
    old_content: Mapping[str, Any] = old["content"] if old is not None else {}
    new_content: Mapping[str, Any] = new["content"]

    meta = [{"field": k, "old": old_meta[k], "new": new_meta[k]} for k in DIFF_META_FIELDS if old_meta[k] != new_meta[k]]

    old_articles: Mapping[str, Any] = old_content.get("articles", {})
    new_articles: Mapping[str, Any] = new_content.get("articles", {})
    articles: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    for code in sorted(set(old_articles) | set(new_articles), key=article_order):
        before, after = old_articles.get(code), new_articles.get(code)
        if before is None and after is not None:
            articles["added"].append({"code": code, **after})
        elif after is None and before is not None:
            articles["removed"].append({"code": code, **before})
        elif before is not None and after is not None and before != after:
            fields = [f for f in ("cite", "text", "verification", "source") if before.get(f) != after.get(f)]
            articles["changed"].append({"code": code, "fields": fields, "old": dict(before), "new": dict(after)})

    old_rows = {row_key(r): r for r in old_content.get("measures", [])}
    new_rows = {row_key(r): r for r in new_content.get("measures", [])}
    measures: dict[str, Any] = {"added": [], "removed": [], "changed": [], "reordered": False}
    for key in sorted(set(old_rows) | set(new_rows), key=row_order):
        before, after = old_rows.get(key), new_rows.get(key)
        if before is None and after is not None:
            measures["added"].append({"key": row_label(key), **after})
        elif after is None and before is not None:
            measures["removed"].append({"key": row_label(key), **before})
        elif before is not None and after is not None and before != after:
            m_added, m_removed = _listed(before["measures"], after["measures"])
            s_added, s_removed = _listed(before["sanctions"], after["sanctions"])
            measures["changed"].append(
                {
                    "key": row_label(key),
                    "circumstance": key[0],
                    "severity": key[1],
                    "grade": key[2],
                    "measures_added": m_added,
                    "measures_removed": m_removed,
                    "sanctions_added": s_added,
                    "sanctions_removed": s_removed,
                    "reasoning": before["reasoning"] != after["reasoning"],
                    "old": dict(before),
                    "new": dict(after),
                }
            )
    if not (measures["added"] or measures["removed"] or measures["changed"]) and list(old_rows) != list(new_rows):
        measures["reordered"] = True

    def whole(key: str) -> dict[str, Any] | None:
        before, after = old_content.get(key), new_content.get(key)
        return None if before == after else {"old": before, "new": after}

    out: dict[str, Any] = {
        "meta": meta,
        "articles": articles,
        "measures": measures,
        "veto": whole("veto"),
        "measures_note": whole("measures_note"),
        "obligations": whole("obligations"),
        "deadlines": whole("deadlines"),
        "influence_periods": whole("influence_periods"),
    }
    out["unchanged"] = not (
        meta
        or any(articles.values())
        or measures["added"]
        or measures["removed"]
        or measures["changed"]
        or measures["reordered"]
        or out["veto"]
        or out["measures_note"]
        or out["obligations"]
        or out["deadlines"]
        or out["influence_periods"]
    )
    return out


def article_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def row_order(key: tuple[str, str, str]) -> tuple[tuple[int, ...], int, int]:
    circumstance, severity, grade = key
    return (
        article_order(circumstance),
        GRADES.index(grade) if grade in GRADES else len(GRADES),
        SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES),
    )


def sources(chain: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Where each part of the effective content of ``chain``'s last rulebook comes from (the
    ``code`` of the nearest rulebook that states it, as ``merge`` takes it): ``articles``
    ``{code: rulebook}``, ``measures`` ``{"26.5/heavier/general": rulebook}``, ``veto``."""
    articles: dict[str, str] = {}
    rows: dict[str, str] = {}
    limits: dict[str, str] = {}
    periods: dict[str, str] = {}
    veto = None
    for book in chain:
        content = book["content"]
        for code in content.get("articles", {}):
            articles[code] = book["code"]
        for row in content.get("measures", []):
            rows[row_label(row_key(row))] = book["code"]
        if "veto" in content:
            veto = book["code"]
        for row in content.get("deadlines", []):
            limits[row["code"]] = book["code"]
        for row in content.get("influence_periods", []):
            periods["/".join(k for k in (row["measure"], row.get("sanction_kind", "")) if k)] = book["code"]
    return {"articles": articles, "measures": rows, "veto": veto, "deadlines": limits, "influence_periods": periods}
