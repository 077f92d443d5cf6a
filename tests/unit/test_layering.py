"""The core (domain, storage, services) and the command line never load Qt."""

import subprocess
import sys


def test_core_packages_do_not_import_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, fieldnotes\n"
        "for pkg in ('fieldnotes.domain', 'fieldnotes.storage', 'fieldnotes.services'):\n"
        "    module = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(module.__path__, pkg + '.'):\n"
        "        if '.migrations' in info.name: continue\n"
        "        importlib.import_module(info.name)\n"
        "import fieldnotes.cli\n"
        "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_only_storage_imports_sqlalchemy_at_module_level() -> None:
    code = (
        "import sys, importlib\n"
        "for name in ('fieldnotes.domain.model', 'fieldnotes.cli', 'fieldnotes.locations'):\n"
        "    importlib.import_module(name)\n"
        "assert 'sqlalchemy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_visit_list_can_be_served_before_sqlalchemy_loads() -> None:
    code = (
        "import sys, importlib\n"
        "for name in ('fieldnotes.services.search', 'fieldnotes.storage.identity', 'fieldnotes.ui.visit_list'):\n"
        "    importlib.import_module(name)\n"
        "assert 'sqlalchemy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
