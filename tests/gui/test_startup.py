"""Start-up: the window paints, then lists the visits, then loads the rest of the notebook."""

import os
import subprocess
import sys
from pathlib import Path


def test_the_app_lists_visits_before_loading_the_storage_layer(services, database_path: Path, tmp_path: Path) -> None:
    services.notebook.create_visit(title="Listed first")
    services.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDNOTES_TRACE_STARTUP": "1",
           "FIELDNOTES_QUIT_AFTER_START": "1", "FIELDNOTES_DATA_DIR": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    run = subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database_path)], env=env,
                         capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 0, run.stderr
    milestones = [line.split()[1] for line in run.stderr.splitlines() if line.startswith("startup ")]
    assert milestones == ["window-shown", "first-paint", "list-filled", "database-open", "ready"]
