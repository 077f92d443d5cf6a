"""The sample team's notebook: a few months of visits to try fieldnotes with on first start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes.resources import resource_path
from fieldnotes.services.interchange import ImportSummary, read_document

if TYPE_CHECKING:
    from fieldnotes.services.session import Services

SAMPLE_FILE = "sample-team.json"


def sample_team_path() -> Path:
    """Where the sample team's interchange file is installed."""
    return resource_path("sample", SAMPLE_FILE)


def load_sample_team(services: Services) -> ImportSummary:
    """Import the sample team's accounts and visits into the open notebook.

    The sample's ids are fixed, so loading it again updates the same records instead of
    adding copies.

    Args:
        services: the open notebook's services.

    Returns:
        What was imported, with the change to broadcast.
    """
    path = sample_team_path()
    return services.interchange.import_document(read_document(path), str(path))
