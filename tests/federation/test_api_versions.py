"""Version skew (ADR 0047): a node one version behind the hub still delivers and answers.

``api_v1/`` holds the OpenAPI documents of the federation APIs as the previous release
declared them. While the declared version (``info.version``) stays the same, every
operation of that release must still be there, take every request that release's peers
send (no field newly required, none dropped, no type changed) and give every answer
field they read. A change that breaks this must bump the version instead.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from fame import apis

BASELINE = Path(__file__).parent / "api_v1"
ROLES = {"hub": apis.hub, "node": apis.node}


def current(role: str) -> dict[str, Any]:
    document = ROLES[role].get_openapi_schema(path_prefix=f"/federation/v1/{role}")
    return json.loads(json.dumps(document))  # as served: status codes as strings


def previous(role: str) -> dict[str, Any]:
    return json.loads((BASELINE / f"{role}.json").read_text(encoding="utf-8"))


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _kind(schema: dict[str, Any]) -> Any:
    if "anyOf" in schema:
        return sorted(str(_kind(part)) for part in schema["anyOf"])
    return schema.get("type", "object" if "properties" in schema else None)


def _compare(
    old: dict[str, Any],
    new: dict[str, Any],
    docs: tuple[dict[str, Any], dict[str, Any]],
    where: str,
    *,
    sent: bool,
    found: list[str],
) -> None:
    """``sent``: a body the old peer sends (request); else one the old peer reads (answer)."""
    old, new = _resolve(old, docs[0]), _resolve(new, docs[1])
    if _kind(old) != _kind(new):
        found.append(f"{where}: type {_kind(old)} became {_kind(new)}")
        return
    if "items" in old and "items" in new:
        _compare(old["items"], new["items"], docs, f"{where}[]", sent=sent, found=found)
    old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name, schema in old_fields.items():
        if name not in new_fields:
            found.append(f"{where}.{name}: removed")
            continue
        _compare(schema, new_fields[name], docs, f"{where}.{name}", sent=sent, found=found)
    if sent:
        for name in sorted(new_required - old_required):
            found.append(f"{where}.{name}: newly required of a previous-version sender")
    else:
        for name in sorted(old_required - new_required):
            found.append(f"{where}.{name}: no longer always answered")


def incompatibilities(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What a peer of the ``old`` document's release would meet that it cannot handle."""
    found: list[str] = []
    docs = (old, new)
    for path, operations in old["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            mine = new["paths"].get(path, {}).get(method)
            if mine is None:
                found.append(f"{where}: removed")
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            new_body = mine.get("requestBody", {}).get("content", {}).get("application/json")
            if body and not new_body:
                found.append(f"{where}: no longer takes a body")
            elif body and new_body:
                _compare(body["schema"], new_body["schema"], docs, where, sent=True, found=found)
            for status, answer in operation.get("responses", {}).items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                new_answer = mine.get("responses", {}).get(status, {})
                new_schema = new_answer.get("content", {}).get("application/json", {})
                if schema is None:
                    continue
                if "schema" not in new_schema:
                    found.append(f"{where} {status}: no longer answered")
                    continue
                _compare(
                    schema, new_schema["schema"], docs, f"{where} {status}", sent=False, found=found
                )
    return found


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_previous_release_of_each_api_is_still_served(role: str) -> None:
    old, new = previous(role), current(role)
    if new["info"]["version"] != old["info"]["version"]:
        pytest.fail(
            f"the {role} API's version changed: keep the previous release's document beside "
            "this one and say in ADR 0047 how the two are served"
        )
    assert incompatibilities(old, new) == []


def test_the_check_finds_incompatible_changes() -> None:
    old = previous("hub")
    new = copy.deepcopy(old)
    schemas = new["components"]["schemas"]
    schemas["Delivery"]["required"] = [*schemas["Delivery"].get("required", []), "new_field"]
    schemas["Delivery"]["properties"]["new_field"] = {"type": "string"}
    answer = next(name for name in schemas if name == "Results")
    dropped = schemas[answer]["required"][0]
    del schemas[answer]["properties"][dropped]
    schemas[answer]["required"].remove(dropped)
    del new["paths"]["/federation/v1/hub/heartbeat"]
    found = incompatibilities(old, new)
    assert any("new_field: newly required" in problem for problem in found), found
    assert any(f".{dropped}: removed" in problem for problem in found), found
    assert "POST /federation/v1/hub/heartbeat: removed" in found


def test_adding_an_optional_field_or_an_operation_is_compatible() -> None:
    old = previous("node")
    new = copy.deepcopy(old)
    new["paths"]["/federation/v1/node/new-thing"] = {"post": {"responses": {}}}
    for schema in new["components"]["schemas"].values():
        schema.setdefault("properties", {})["added"] = {"type": "string"}
    assert incompatibilities(old, new) == []
