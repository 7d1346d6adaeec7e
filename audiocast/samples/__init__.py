"""A sample article written for this project, used by `audiocast demo`."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

SAMPLE_NAME = "lighthouse-keepers.md"


def sample_article_path() -> Path:
    """Path of the bundled sample article (a real file, also inside zipped installs)."""
    resource = files(__package__).joinpath(SAMPLE_NAME)
    with as_file(resource) as path:
        return Path(path)
