"""A web request commits in one place (`core.transactions.unit_of_work`): no view, API route or
service calls commit() or rollback() itself."""

from __future__ import annotations

import ast
from pathlib import Path

WEBAPP = Path(__file__).resolve().parents[3] / "webapp"

# Who else may end a transaction, and why.
ALLOWED = {
    "core/transactions.py": "the web's unit of work",
    "core/cli.py": "the CLI's unit of work (committed)",
    "core/handlers.py": "an error ends the request's transaction",
    "jobs/queue.py": "claims and leases commit at once, outside any job's work",
    "jobs/worker.py": "a job's work and its DONE commit together",
    "jobs/cli.py": "queue maintenance commands",
    "translation/jobs.py": "a batch applies each job's drafts in its own transaction",
    "backup/cli.py": "export reads one snapshot; import writes all or nothing",
    "ops/readiness.py": "the readiness probe ends its read",
    "mt/evaluation.py": "ends its read before the engines run for minutes (CLI and job alike)",
    "staticsite/cli.py": "the build only reads: it ends its read",
}


def _ending_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text())
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
        and not node.args
    ]


def test_nothing_outside_the_units_of_work_commits_or_rolls_back():
    found = {
        f"{path.relative_to(WEBAPP)}:{line}"
        for path in WEBAPP.rglob("*.py")
        if str(path.relative_to(WEBAPP)) not in ALLOWED
        for line in _ending_calls(path)
    }
    assert found == set(), "use core.transactions.unit_of_work (web) or core.cli.committed (CLI)"


def test_every_allowed_module_still_needs_its_exception():
    for name in ALLOWED:
        assert _ending_calls(WEBAPP / name), f"{name} no longer ends a transaction: drop it"
