"""The README's "From Python" example runs as written, on the store scripts/demo.sh makes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, optional, run_cli


def readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### From Python", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs(tmp_path: Path, cli: Path) -> None:
    optional("matplotlib")
    run_cli(cli, tmp_path / "logstore.db", "import", str(REPO / "examples" / "training-run.jsonl"))
    (tmp_path / "example.py").write_text(readme_example(), encoding="utf-8")
    done = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env={**os.environ, "MPLBACKEND": "Agg"}, text=True)
    assert done.returncode == 0, done.stderr
    # every line the example's comments promise
    promised = re.findall(r"^(print\(.*\))\s*# (.*)$", readme_example(), re.M)
    assert len(promised) >= 4
    for line, comment in promised:
        assert comment in done.stdout.splitlines(), (line, comment, done.stdout)
    assert (tmp_path / "loss.png").stat().st_size > 1000
