"""The README's module map names every module of the package, so it stays the code's map."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_architecture_map_names_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Architecture"):]
    section = section[:section.index("\n## ") if "\n## " in section else len(section)]
    named = set(re.findall(r"[\w/]+\.py|\w+/", section))
    missing = []
    for path in sorted((ROOT / "audiocast").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        relative = path.relative_to(ROOT / "audiocast")
        if relative.name not in {Path(n).name for n in named} and f"{relative.as_posix()}" not in named:
            missing.append(relative.as_posix())
    assert not missing, f"not in the README's module map: {missing}"
    for folder in ("ingest/", "speech/", "engines/", "audio/", "publish/"):
        assert folder in named
