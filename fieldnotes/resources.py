"""Where the files in `resources/` are, from a source tree or from an installed wheel."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Path of a file under `resources/` (wheels carry it as `fieldnotes/_resources`)."""
    for root in (_PACKAGE / "_resources", _PACKAGE.parent / "resources"):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"resource {'/'.join(parts)} is missing from this installation")
