"""`python -m fieldnotes` behaves exactly like the `fieldnotes` command."""

from fieldnotes.cli import main

raise SystemExit(main())
