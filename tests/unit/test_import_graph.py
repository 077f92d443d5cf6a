"""The modules of fieldnotes import each other without circles, and only the entry point sees the window."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "fieldnotes"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}


def _is_type_checking_block(node: ast.stmt) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.Module, module: str, is_package: bool, known: set[str], in_functions: bool,
             for_type_checkers: bool) -> set[str]:
    """The fieldnotes modules that `module` imports: at module level, with `in_functions` also
    inside functions, and with `for_type_checkers` also those under `if TYPE_CHECKING:` (which
    never run, so they cannot make an import fail, but still tie the modules together)."""
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if _is_type_checking_block(node) and not for_type_checkers:
                visit(getattr(node, "orelse", []))
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    found.add(submodule if submodule in known else source)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if in_functions:
                    visit(node.body)
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, field, None)
                if isinstance(children, list):
                    visit([child for child in children if isinstance(child, ast.stmt | ast.ExceptHandler)])

    visit(tree.body)
    return {name for name in found if name in known and name != module}


def import_graph(in_functions: bool = False, for_type_checkers: bool = False) -> dict[str, set[str]]:
    """Each fieldnotes module and the fieldnotes modules it imports (see `_imports` for the options)."""
    modules = _modules()
    known = set(modules)
    return {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py", known,
                       in_functions, for_type_checkers)
        for name, path in modules.items()
    }


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import one another in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = lowest[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                lowest[node] = min(lowest[node], lowest[target])
            elif target in on_stack:
                lowest[node] = min(lowest[node], index[target])
        if lowest[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def test_the_checker_sees_a_circle() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_relative_and_from_imports() -> None:
    graph = import_graph()
    assert "fieldnotes.services.changes" in graph["fieldnotes.services.notebook"]
    assert "fieldnotes.services.sync.folder" in graph["fieldnotes.services.sync.engine"]  # from package import module


def test_modules_import_each_other_without_circles() -> None:
    assert find_cycles(import_graph()) == []


def test_imports_inside_functions_make_no_circles_either() -> None:
    assert find_cycles(import_graph(in_functions=True)) == []


def test_only_the_entry_point_imports_the_main_window() -> None:
    """Commands reach the window through the `Frame` protocol, not its class, not even for type checkers."""
    graph = import_graph(in_functions=True, for_type_checkers=True)
    importers = {name for name, imported in graph.items() if "fieldnotes.ui.main_window" in imported}
    assert importers <= {"fieldnotes.app"}
