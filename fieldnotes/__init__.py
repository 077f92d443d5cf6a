"""fieldnotes: an offline notebook for B2B field visits."""

APP_NAME = "fieldnotes"
APP_DISPLAY_NAME = "fieldnotes"


def __getattr__(name: str) -> str:
    # The version is read from the installed metadata on first use only: importing
    # importlib.metadata costs tens of milliseconds that start-up should not pay.
    if name == "__version__":
        from importlib import metadata

        try:
            version = metadata.version("fieldnotes")
        except metadata.PackageNotFoundError:  # a source tree that was never installed
            version = "0.0.0+source"
        globals()["__version__"] = version
        return version
    raise AttributeError(f"module 'fieldnotes' has no attribute {name!r}")
