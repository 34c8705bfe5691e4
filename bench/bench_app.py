"""The app's load test in its full form; writes docs/benchmarks-app-load.md.

Runs ``tests/integration/test_app_load.py`` with ``ROADMAP_LOAD=full``: 200 concurrent
path/topic requests, 20 concurrent chats with the bundled model, server memory across
5,000 requests (each a new session). The short form of the same tests runs in ``make test``.

Run: ``.venv/bin/python bench/bench_app.py``
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks-app-load.md"


def main() -> int:
    report = Path(tempfile.mkstemp(prefix="app-load-", suffix=".jsonl")[1])
    env = {**os.environ, "ROADMAP_LOAD": "full", "ROADMAP_LOAD_REPORT": str(report), "HF_HUB_OFFLINE": "1"}
    started = time.monotonic()
    code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                            "tests/integration/test_app_load.py"], cwd=ROOT, env=env)
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = ["# App load benchmark (full form)", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"generated {time.strftime('%Y-%m-%d %H:%M')} by `bench/bench_app.py` in {time.monotonic() - started:.0f} s "
             f"(pytest exit code {code}). Load = the machine's 1-minute load average when the figure was taken.", "",
             "| Test | Figures | Load |", "| --- | --- | --- |"]
    for row in rows:
        figures = ", ".join(f"{k} {v}" for k, v in row.items() if k not in {"test", "at", "load"})
        lines.append(f"| {row['test']} | {figures} | {row['load']:.1f} |")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(OUT.read_text(encoding="utf-8"))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
