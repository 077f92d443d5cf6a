"""Use cases over the storage layer, free of Qt: shared by the app, the command line and tests."""
