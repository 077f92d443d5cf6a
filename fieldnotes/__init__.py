"""fieldnotes: an offline notebook for B2B field visits."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("fieldnotes")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "fieldnotes"
APP_DISPLAY_NAME = "fieldnotes"
