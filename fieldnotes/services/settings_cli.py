"""The `fieldnotes settings` command: the team's settings kept in the notebook.

    fieldnotes settings                         every setting with its value
    fieldnotes settings team-name               one setting's value
    fieldnotes settings team-name "Northwind field marketing"
    fieldnotes settings logo branding/logo.png  a PNG or JPEG file
    fieldnotes settings logo ""                 an empty value clears a setting
"""

from __future__ import annotations

import argparse
import sys

from fieldnotes.services.team_settings import NOTEBOOK_SETTINGS


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments on its sub-parser."""
    described = "; ".join(f"{name}: {setting.description}" for name, setting in NOTEBOOK_SETTINGS.items())
    parser.description = f"Show or change the settings kept in the notebook ({described})."
    parser.add_argument("name", nargs="?", choices=list(NOTEBOOK_SETTINGS), metavar="NAME",
                        help=f"the setting: {', '.join(NOTEBOOK_SETTINGS)} (all of them when left out)")
    parser.add_argument("value", nargs="?", metavar="VALUE",
                        help="its new value; an empty value (\"\") clears it; shows the value when left out")


def run(args: argparse.Namespace) -> int:
    """Print or change the settings the arguments name; returns the exit code."""
    from fieldnotes.cli import _open_services

    services = _open_services(args)
    try:
        if args.name is None:
            for name, setting in NOTEBOOK_SETTINGS.items():
                sys.stdout.write(f"{name}\t{services.team.get(setting)}\n")
            return 0
        setting = NOTEBOOK_SETTINGS[args.name]
        if args.value is None:
            sys.stdout.write(services.team.get(setting) + "\n")
            return 0
        stored = services.team.set(setting, args.value)
    finally:
        services.close()
    sys.stdout.write(f"{args.name} set to {stored}\n" if stored else f"{args.name} cleared\n")
    return 0


COMMANDS = {
    "settings": ("show or change the team's name and logo, printed on every report", (configure_parser, run)),
}
