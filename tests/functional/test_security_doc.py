"""docs/security.md states the permission and scope tables the code enforces."""

from __future__ import annotations

import re
from pathlib import Path

from webapp.core.permissions import ROLE_PERMISSIONS, TOKEN_SCOPES, Permission

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def _table(name: str) -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(rf"<!-- {name}:start -->(.*?)<!-- {name}:end -->", text, re.S)
    assert block, f"no {name} table in {DOC}"
    rows = [line.strip().strip("|").split("|") for line in block.group(1).strip().splitlines()]
    return [[cell.strip() for cell in row] for row in rows[2:]]  # skip header and rule


def test_the_role_table_matches_the_code():
    roles = ["liaison", "translator", "admin"]
    stated = {row[0]: dict(zip(roles, row[1:], strict=True)) for row in _table("roles")}
    actual = {
        p.value: {r: "yes" if p in ROLE_PERMISSIONS[r] else "no" for r in roles}
        for p in Permission
        if p != Permission.PUBLIC
    }
    assert stated == actual


def test_the_scope_table_matches_the_code():
    stated = {row[0]: set(row[1].split(", ")) for row in _table("scopes")}
    actual = {scope: {p.value for p in perms} for scope, perms in TOKEN_SCOPES.items()}
    assert stated == actual
