"""The builder's form state: report definition JSON <-> plain form fields, and the edits
the builder's buttons make (add, remove and move columns, add and remove filters).

The builder keeps an unvalidated *state* (the definition JSON with filter values as
the text the user typed) so a half-built report can be shown and edited; only Run,
Save and Save As validate it, through `openbob.reports.definition.parse`.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import QueryDict

from openbob.reports.fields import BY_KEY, TYPES

State = dict[str, Any]
DEFAULT_TYPE = TYPES[0].key
_SPLIT = re.compile(r"\s*[,\n]\s*")


def blank_state(type_key: str = DEFAULT_TYPE) -> State:
    report_type = BY_KEY.get(type_key, TYPES[0])
    return {
        "type": report_type.key,
        "columns": [f.key for f in report_type.fields[:4]],
        "filters": [],
        "sort": [],
        "group_by": "",
        "sums": [],
    }


def state_from_json(definition: dict[str, Any]) -> State:
    """A saved definition as builder state: list values become the text typed."""
    filters = []
    for item in definition.get("filters", []):
        value = item.get("value")
        text, to = "", ""
        if item.get("op") == "between" and isinstance(value, list):
            text, to = str(value[0]), str(value[1])
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif value is not None:
            text = str(value)
        filters.append(
            {"field": item.get("field", ""), "op": item.get("op", ""), "value": text, "to": to}
        )
    return {
        "type": definition.get("type", DEFAULT_TYPE),
        "columns": list(definition.get("columns", [])),
        "filters": filters,
        "sort": [
            {"field": s.get("field", ""), "desc": bool(s.get("desc"))}
            for s in definition.get("sort", [])
        ],
        "group_by": definition.get("group_by") or "",
        "sums": list(definition.get("sums", [])),
    }


def state_from_post(data: QueryDict) -> State:
    """The builder's fields as state (order of repeated fields kept)."""
    rows = zip(
        data.getlist("filter_field"),
        data.getlist("filter_op"),
        data.getlist("filter_value"),
        data.getlist("filter_to"),
        strict=False,
    )
    return {
        "type": data.get("type", DEFAULT_TYPE),
        "columns": data.getlist("column"),
        "filters": [{"field": f, "op": o, "value": v, "to": t} for f, o, v, t in rows],
        "sort": [
            {"field": field, "desc": direction == "desc"}
            for field, direction in zip(
                data.getlist("sort_field"), data.getlist("sort_dir"), strict=False
            )
            if field
        ],
        "group_by": data.get("group_by", ""),
        "sums": [key for key in data.getlist("sum") if key],
    }


def to_json(state: State) -> dict[str, Any]:
    """The definition JSON the state stands for (for `parse`)."""
    return {
        "type": state["type"],
        "columns": state["columns"],
        "filters": [_filter_json(item) for item in state["filters"]],
        "sort": state["sort"],
        "group_by": state["group_by"] or None,
        "sums": state["sums"],
    }


def _filter_json(item: dict[str, str]) -> dict[str, Any]:
    op, value = item["op"], item["value"].strip()
    if op in ("is_empty", "not_empty"):
        return {"field": item["field"], "op": op}
    if op == "in":
        return {"field": item["field"], "op": op, "value": [v for v in _SPLIT.split(value) if v]}
    if op == "between":
        return {"field": item["field"], "op": op, "value": [value, item["to"].strip()]}
    return {"field": item["field"], "op": op, "value": value}


def apply_edit(state: State, action: str, data: QueryDict) -> State:
    """The state after one builder button (`action` is the button's value)."""
    verb, _, arg = action.partition(":")
    columns: list[str] = state["columns"]
    if verb == "type":
        return blank_state(data.get("new_type", DEFAULT_TYPE))
    if verb == "add_column" and (key := data.get("new_column", "")) and key not in columns:
        columns.append(key)
    elif verb == "remove_column" and arg in columns:
        columns.remove(arg)
    elif verb in ("up", "down") and arg in columns:
        at = columns.index(arg)
        to = at - 1 if verb == "up" else at + 1
        if 0 <= to < len(columns):
            columns[at], columns[to] = columns[to], columns[at]
    elif verb == "add_filter" and (key := data.get("new_filter", "")):
        state["filters"].append({"field": key, "op": "equals", "value": "", "to": ""})
    elif verb == "remove_filter" and arg in _indexes(state["filters"]):
        del state["filters"][int(arg)]
    elif verb == "add_sort" and (key := data.get("new_sort", "")):
        state["sort"].append({"field": key, "desc": False})
    elif verb == "remove_sort" and arg in _indexes(state["sort"]):
        del state["sort"][int(arg)]
    return state


def _indexes(items: list[Any]) -> set[str]:
    """The positions of `items` as the buttons name them ("0", "1", ...)."""
    return {str(n) for n in range(len(items))}
