"""The core (domain, storage, services) and the command line never load Qt; start-up paths stay light;
only storage speaks SQL."""

import ast
import re
import subprocess
import sys
from pathlib import Path

CORE_PACKAGES = ("fieldnotes.domain", "fieldnotes.storage", "fieldnotes.services")


def _assert_imports_leave_out(modules: tuple[str, ...], forbidden: tuple[str, ...], walk: bool = False) -> None:
    """Import `modules` (and with `walk`, every module inside them) in a fresh interpreter,
    then check that no module whose name starts with one of `forbidden` was loaded."""
    code = (
        "import sys, pkgutil, importlib\n"
        f"for name in {modules!r}:\n"
        "    module = importlib.import_module(name)\n"
        f"    if {walk!r} and hasattr(module, '__path__'):\n"
        "        for info in pkgutil.walk_packages(module.__path__, name + '.'):\n"
        "            if '.migrations' not in info.name:\n"
        "                importlib.import_module(info.name)\n"
        f"loaded = [m for m in sys.modules if m.startswith({forbidden!r})]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_core_packages_do_not_import_qt() -> None:
    _assert_imports_leave_out((*CORE_PACKAGES, "fieldnotes.cli"), ("PySide6", "shiboken6"), walk=True)


def test_only_storage_imports_sqlalchemy_at_module_level() -> None:
    _assert_imports_leave_out(("fieldnotes.domain.model", "fieldnotes.cli", "fieldnotes.locations"), ("sqlalchemy",))


def test_the_visit_list_can_be_served_before_sqlalchemy_loads() -> None:
    _assert_imports_leave_out(
        ("fieldnotes.services.search", "fieldnotes.storage.identity", "fieldnotes.ui.visit_list"), ("sqlalchemy",)
    )


# --- storage is the only door to the database ---------------------------------------------

PACKAGE = Path(__file__).resolve().parents[2] / "fieldnotes"
#: Statements in SQL, as a string literal or a piece of an f-string would spell them.
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|"
    r"CREATE\s+(TABLE|INDEX|TRIGGER|VIEW)|DROP\s+(TABLE|INDEX|TRIGGER)|PRAGMA\s|VACUUM\b|BEGIN\s+IMMEDIATE)",
    re.DOTALL,
)
DATABASE_MODULES = ("sqlalchemy", "sqlite3", "alembic")


def _modules_outside_storage() -> list[Path]:
    return [
        path for path in sorted(PACKAGE.rglob("*.py"))
        if "storage" not in path.relative_to(PACKAGE).parts
    ]


def _database_uses(path: Path) -> list[str]:
    """Imports of database libraries and SQL string literals in one module."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    documentation = {  # docstrings may well name a statement; they do not run it
        id(body[0].value)
        for owner in ast.walk(tree)
        if isinstance(owner, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and (body := owner.body) and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [f"line {node.lineno}: imports {name}" for name in names if name.split(".")[0] in DATABASE_MODULES]
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in documentation
                and SQL.search(node.value)):
            found.append(f"line {node.lineno}: SQL {node.value[:40]!r}")
    return found


def test_only_storage_speaks_sql_or_imports_a_database_library() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): uses for path in _modules_outside_storage() if (uses := _database_uses(path))
    }
    assert not offenders, offenders


def test_the_sql_check_recognises_sql() -> None:
    """The check above would pass on anything if its pattern matched nothing."""
    assert SQL.search("SELECT id FROM visit WHERE pk = ?")
    assert SQL.search(" ON CONFLICT(id) DO UPDATE SET x = 1; INSERT OR IGNORE INTO sync_dirty (kind) VALUES (?)")
    assert SQL.search("DELETE FROM finding")
    assert not SQL.search("Select a visit from the list")
