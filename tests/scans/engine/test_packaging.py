"""The engine installed on its own (pre-commit, `pip install .`) carries every data file it loads."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ENGINE = ROOT / "scans" / "engine"


def test_the_wheel_holds_every_data_file_of_the_engine(tmp_path):
    wheel_command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    build = subprocess.run(
        [*wheel_command, "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    [wheel] = tmp_path.glob("bastion-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    data_files = {
        path.relative_to(ROOT).as_posix()
        for path in ENGINE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert data_files, "the engine has no data files?"
    assert data_files <= shipped, sorted(data_files - shipped)
    assert "scans/engine/cli.py" in shipped
