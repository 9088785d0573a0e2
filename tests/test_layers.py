"""The packages form layers, and no module imports one above its own (no cycles).

core ``gateway`` (domain, catalogue, records, policy, store) <- ``adapters`` (the
sources) <- ``resolvers`` (the schema) <- ``service`` (app, CLI, HTTP). ``demo``
(demo data, bureau simulator) stands beside them on the core; only the service's
commands, the tests and the benchmarks use it. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gateway.config.loader import PROJECT_ROOT

# What each package may import, besides itself.
ALLOWED = {
    "gateway": set(),
    "adapters": {"gateway"},
    "resolvers": {"gateway", "adapters"},
    "service": {"gateway", "adapters", "resolvers", "demo"},
    "demo": {"gateway"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_module_imports_a_layer_above_its_own(package: str) -> None:
    wrong = {
        str(path.relative_to(PROJECT_ROOT)): sorted(found - ALLOWED[package] - {package})
        for path in (PROJECT_ROOT / package).rglob("*.py")
        if (found := imported_packages(path)) - ALLOWED[package] - {package}
    }
    assert wrong == {}
