"""List the tests whose every assertion is about an HTTP status code and nothing a user would see.

    python scripts/solo_stato.py [tests/]        # one line per test, then the count

A test counts when it has at least one assertion (`assert …` or `self.assert…(…)`) and each of
them only compares `.status_code` with constants (`assert r.status_code == 200`,
`assert r.status_code in (301, 302)`, `self.assertEqual(r.status_code, 403)`). Assertions made
inside helpers the test calls are not seen: such a test is listed if its own asserts are bare.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path


def _costante(nodo: ast.expr) -> bool:
    if isinstance(nodo, ast.Constant):
        return True
    if isinstance(nodo, (ast.Tuple, ast.List, ast.Set)):
        return all(_costante(e) for e in nodo.elts)
    if isinstance(nodo, ast.Call) and isinstance(nodo.func, ast.Name) and nodo.func.id == "range":
        return all(_costante(a) for a in nodo.args)
    return isinstance(nodo, ast.Attribute) and isinstance(nodo.value, ast.Name) \
        and nodo.value.id in {"HTTPStatus", "status"}


def _stato(nodo: ast.expr) -> bool:
    return isinstance(nodo, ast.Attribute) and nodo.attr in {"status_code", "status"}


def _solo_stato(espr: ast.expr) -> bool:
    """True if `espr` is a comparison of status codes with constants (or an and/or of them)."""
    if isinstance(espr, ast.BoolOp):
        return all(_solo_stato(v) for v in espr.values)
    if isinstance(espr, ast.Compare):
        operandi = [espr.left, *espr.comparators]
        return any(_stato(o) for o in operandi) and all(_stato(o) or _costante(o) for o in operandi)
    return False


def _asserzioni(funzione: ast.FunctionDef) -> Iterator[ast.expr | None]:
    """Each assertion of the test as the expression it checks (None: not about a status code)."""
    for nodo in ast.walk(funzione):
        if isinstance(nodo, ast.Assert):
            yield nodo.test
        elif isinstance(nodo, ast.Call) and isinstance(nodo.func, ast.Attribute) \
                and nodo.func.attr.startswith("assert") and isinstance(nodo.func.value, ast.Name) \
                and nodo.func.value.id == "self":
            if nodo.func.attr in {"assertEqual", "assertIn"} and len(nodo.args) >= 2:
                yield ast.Compare(left=nodo.args[0], ops=[ast.Eq()], comparators=[nodo.args[1]])
            else:
                yield None


def solo_stato(percorso: Path) -> Iterator[str]:
    albero = ast.parse(percorso.read_text(), str(percorso))
    for nodo in ast.walk(albero):
        if isinstance(nodo, (ast.FunctionDef, ast.AsyncFunctionDef)) and nodo.name.startswith("test"):
            asserzioni = list(_asserzioni(nodo))
            if asserzioni and all(a is not None and _solo_stato(a) for a in asserzioni):
                yield f"{percorso}:{nodo.lineno}:{nodo.name}"


def main(radici: list[str]) -> int:
    trovati = [t for r in radici or ["tests"] for p in sorted(Path(r).rglob("test_*.py")) for t in solo_stato(p)]
    print("\n".join(trovati))
    print(f"{len(trovati)} tests assert only a status code")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
