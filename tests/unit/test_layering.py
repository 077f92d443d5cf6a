"""The core (domain, storage, services) and the command line never load Qt; start-up paths stay light."""

import subprocess
import sys

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
