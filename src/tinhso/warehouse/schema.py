"""Frictionless Table Schemas for warehouse tables: the Table Schema types and their
DuckDB storage, a schema inferred from what DuckDB read, and the steward's schema as a
pydantic model (`TableSchema`) that `clean` checks. Versions are checked against a schema
in `validation`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import duckdb
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic import Field as PydanticField

# Table Schema type → the DuckDB type a column is stored as.
STORAGE = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "time": "TIME",
    "year": "INTEGER",
    "geojson": "VARCHAR",
    "any": "VARCHAR",
}
TYPES = list(STORAGE)
TYPE_LABELS = {
    "string": gettext_lazy("text"),
    "integer": gettext_lazy("whole number"),
    "number": gettext_lazy("number"),
    "boolean": gettext_lazy("yes/no"),
    "date": gettext_lazy("date"),
    "datetime": gettext_lazy("date and time"),
    "time": gettext_lazy("time"),
    "year": gettext_lazy("year"),
    "geojson": gettext_lazy("geometry (GeoJSON)"),
    "any": gettext_lazy("any"),
}
CONSTRAINTS = ("required", "unique", "minimum", "maximum", "minLength", "maxLength", "pattern")
CONSTRAINT_LABELS = {
    "required": gettext_lazy("Required"),
    "unique": gettext_lazy("Unique"),
    "minimum": gettext_lazy("Min."),
    "maximum": gettext_lazy("Max."),
    "minLength": gettext_lazy("min. length"),
    "maxLength": gettext_lazy("max. length"),
    "pattern": gettext_lazy("Pattern"),
    "enum": gettext_lazy("one of"),
}
# The bound constraints as SQL conditions a cell breaks (numbers checked by `clean`).
BOUNDS = {
    "minimum": "{typed} < {limit}",
    "maximum": "{typed} > {limit}",
    "minLength": "length({text}) < {limit}",
    "maxLength": "length({text}) > {limit}",
}
# Proving a column unique costs a full hash aggregation (1.5 s at 10 million rows, a third
# of reading the file): above this size the key is left for the steward to declare.
KEY_INFERENCE_ROWS = 1_000_000
# Names that usually hold a row's identifier: mã, id, code, số hiệu …
_KEY_NAME = re.compile(r"^(ma|mã|id|code|so_hieu|số hiệu)([ _].*)?$", re.IGNORECASE)


def table_type(duckdb_type: str) -> str:
    """The Table Schema type of a DuckDB column type."""
    kind = duckdb_type.upper()
    if kind in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER"}:
        return "integer"
    if kind in {"DOUBLE", "FLOAT", "REAL"} or kind.startswith("DECIMAL"):
        return "number"
    if kind == "BOOLEAN":
        return "boolean"
    if kind == "DATE":
        return "date"
    if kind.startswith("TIMESTAMP"):
        return "datetime"
    if kind == "TIME":
        return "time"
    if kind == "VARCHAR":
        return "string"
    return "any"


def quoted(name: str) -> str:
    """A column name as an SQL identifier (names come from the file or the schema)."""
    return '"' + name.replace('"', '""') + '"'


def field_types(schema: dict | list) -> dict[str, str]:
    """{column: DuckDB storage type} of a stored version's schema (either shape)."""
    fields = as_table_schema(schema).get("fields", [])
    return {f["name"]: f.get("storage") or STORAGE[f["type"]] for f in fields}


def as_table_schema(schema: dict | list) -> dict[str, Any]:
    """A version's schema as a Table Schema (versions stored before them kept
    [{name, type}] with DuckDB types)."""
    if isinstance(schema, list):
        return {
            "fields": [
                {"name": c["name"], "type": table_type(c["type"]), "storage": c["type"]}
                for c in schema
            ]
        }
    return schema


def documented(schema: dict | list, dictionary: dict | None) -> list[dict[str, Any]]:
    """A version's fields with the titles and descriptions of the steward's data
    dictionary, which names the columns even before a version is checked against it, and
    their type and constraints in words (`type_label`, `constraint_labels`)."""
    described = {f["name"]: f for f in (dictionary or {}).get("fields", [])}
    return [
        {
            **f,
            **{
                k: v
                for k, v in described.get(f["name"], {}).items()
                if k in ("title", "description")
            },
            "type_label": str(TYPE_LABELS.get(f.get("type", ""), f.get("type", ""))),
            "constraint_labels": _in_words(f.get("constraints") or {}),
        }
        for f in as_table_schema(schema)["fields"]
    ]


def _in_words(constraints: dict) -> list[str]:
    """ "Required", "Max.: 500", "one of: a, b" — a field's constraints for its page."""
    words = []
    for key, value in constraints.items():
        if value is False or value is None:
            continue
        label = str(CONSTRAINT_LABELS.get(key, key))
        if value is not True:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            label += f": {shown}"
        words.append(label)
    return words


def infer(con: duckdb.DuckDBPyConnection, table: str, rows: int) -> dict[str, Any]:
    """A Table Schema for `table`: types from DuckDB's reading, `required` where no cell is
    empty, and a primary key when the first identifier-like column is unique (tables up to
    KEY_INFERENCE_ROWS rows)."""
    described = con.execute(f"DESCRIBE {table}").fetchall()
    names = [row[0] for row in described]
    counts = con.execute(
        "SELECT " + ", ".join(f"count({quoted(n)})" for n in names) + f" FROM {table}"  # noqa: S608
    ).fetchone()
    fields = []
    for (name, kind, *_rest), filled in zip(described, counts, strict=True):
        field: dict[str, Any] = {"name": name, "type": table_type(kind), "storage": kind}
        if filled == rows:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    key = next((f for f in fields if _KEY_NAME.match(f["name"]) and f.get("constraints")), None)
    if key is not None and rows <= KEY_INFERENCE_ROWS:
        distinct = con.execute(
            f"SELECT count(DISTINCT {quoted(key['name'])}) FROM {table}"  # noqa: S608
        ).fetchone()[0]
        if distinct == rows:
            key["constraints"]["unique"] = True
            schema["primaryKey"] = [key["name"]]
    return schema


class Constraints(BaseModel):
    """A field's constraints, named as Table Schema names them. Blank ones are absent;
    bounds are numbers (whole ones kept whole), the pattern a regular expression."""

    model_config = ConfigDict(extra="ignore")

    required: bool = False
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    minLength: int | None = PydanticField(default=None, ge=0)  # noqa: N815 - Table Schema's name
    maxLength: int | None = PydanticField(default=None, ge=0)  # noqa: N815 - Table Schema's name
    pattern: str | None = None

    @field_validator("minimum", "maximum", "minLength", "maxLength", "pattern", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        return None if value is False or value == "" else value

    @field_validator("required", "unique", mode="before")
    @classmethod
    def _blank_is_false(cls, value: Any) -> Any:
        return False if value is None or value == "" else value

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(str(exc)) from exc
        return value

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in CONSTRAINTS:
            value = getattr(self, key)
            if value is None or value is False:
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            out[key] = value
        return out


class SchemaField(BaseModel):
    """One column: its name, Table Schema type, what it means, and its constraints."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    name: str = PydanticField(min_length=1)
    type: Literal[tuple(STORAGE)] = "string"  # type: ignore[valid-type]
    title: str = ""
    description: str = ""
    format: str = ""
    constraints: Constraints = PydanticField(default_factory=Constraints)

    @field_validator("name", mode="before")
    @classmethod
    def _trimmed(cls, value: Any) -> Any:
        return str(value or "").strip()

    @field_validator("type", mode="before")
    @classmethod
    def _string_by_default(cls, value: Any) -> Any:
        return value or "string"

    @field_validator("constraints", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return value or {}

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        for key in ("title", "description", "format"):
            if getattr(self, key):
                out[key] = getattr(self, key)[:500]
        if constraints := self.constraints.as_dict():
            out["constraints"] = constraints
        return out


class TableSchema(BaseModel):
    """A steward's Table Schema: fields with names of their own, a primary key among them
    (names that are not fields are dropped), empty cells as the missing value."""

    model_config = ConfigDict(extra="ignore")

    fields: list[SchemaField] = PydanticField(min_length=1)
    primaryKey: list[str] = PydanticField(default_factory=list)  # noqa: N815 - Table Schema's name

    @field_validator("fields")
    @classmethod
    def _names_of_their_own(cls, fields: list[SchemaField]) -> list[SchemaField]:
        seen: set[str] = set()
        for field in fields:
            if field.name in seen:
                raise ValueError(_duplicate(field.name))
            seen.add(field.name)
        return fields

    @field_validator("primaryKey", mode="before")
    @classmethod
    def _none_is_no_key(cls, value: Any) -> Any:
        return value or []

    def as_dict(self) -> dict[str, Any]:
        names = {f.name for f in self.fields}
        out: dict[str, Any] = {"fields": [f.as_dict() for f in self.fields], "missingValues": [""]}
        if key := [k for k in self.primaryKey if k in names]:
            out["primaryKey"] = key
        return out


def _duplicate(name: str) -> str:
    return _("Every field needs a name of its own (“%(name)s”).") % {"name": name}


def clean(schema: dict[str, Any]) -> dict[str, Any]:
    """A steward's schema checked and normalised, or ValueError with the reason in the
    steward's language."""
    try:
        return TableSchema.model_validate(schema).as_dict()
    except ValidationError as exc:
        raise ValueError(_reason(exc.errors()[0], schema)) from exc


def _reason(error: dict[str, Any], schema: Any) -> str:
    """One pydantic error as the sentence a steward reads."""
    loc = error["loc"]
    if loc == ("fields",) and error["type"] == "value_error":
        return str(error["ctx"]["error"])  # two fields of one name
    if len(loc) < 2 or loc[0] != "fields":
        return str(_("A schema lists its fields."))
    try:
        given = schema["fields"][loc[1]]
        name = str(given.get("name") or "").strip()
    except (LookupError, TypeError, AttributeError):
        given, name = {}, ""
    what = loc[2] if len(loc) > 2 else ""
    if what == "name" or not name:
        return _duplicate(name)
    if what == "type":
        return _("Field “%(name)s”: unknown type “%(type)s”.") % {
            "name": name,
            "type": given.get("type"),
        }
    key = loc[3] if len(loc) > 3 else "constraints"
    if key == "pattern":
        return _("Field “%(name)s”: the pattern is not a regular expression (%(e)s).") % {
            "name": name,
            "e": error.get("ctx", {}).get("error", ""),
        }
    return _("Field “%(name)s”: %(key)s must be a number.") % {"name": name, "key": key}


def select_typed(schema: dict[str, Any]) -> str:
    """The SELECT list that stores a validated table with the schema's types."""
    return ", ".join(
        f"CAST({quoted(f['name'])} AS {STORAGE[f['type']]}) AS {quoted(f['name'])}"
        for f in schema["fields"]
    )


def with_storage(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each field's DuckDB storage type written in (for readers)."""
    return {
        **schema,
        "fields": [{**f, "storage": STORAGE[f["type"]]} for f in schema["fields"]],
    }
