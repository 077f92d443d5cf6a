"""PDF reports of visits: one visit, or a summary across many, built from domain objects.

The builders are Qt-free so the command line, the app and the tests share them. They load
ReportLab when first called, not when this package is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldnotes.services.session import Services
    from fieldnotes.services.team_settings import Branding

__all__ = ["write_prep_sheet", "write_summary_report", "write_visit_report"]


def write_visit_report(
    services: Services,
    visit_id: str,
    target: Path,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    for_customer: bool = False,
    branding: Branding | None = None,
) -> Path:
    """Write the PDF report of one visit to `target` and return the path written.

    Args:
        services: the open notebook's services.
        visit_id: the visit's id.
        target: where to write the PDF; it is replaced in one step once the report is complete.
        progress: called with (units done, units in all) while the report is built.
        cancelled: polled while the report is built; returning True stops the work.
        for_customer: the customer version, which leaves out what is internal (our notes,
            competitors, answers to objections, the buying centre, awareness, follow-ups;
            see `fieldnotes.domain.audience`) and says so in its footer.
        branding: the team's name and logo for the header; read from the notebook when None.

    Raises:
        NotFoundError: there is no visit with this id.
        OperationCancelled: `cancelled` returned True; the target was left untouched.
        ReportFileError: the target cannot be written.
    """
    from fieldnotes.services.reports.visit_report import write_visit_report as write

    return write(services, visit_id, Path(target), progress=progress, cancelled=cancelled,
                 for_customer=for_customer, branding=branding)


def write_summary_report(
    services: Services,
    visit_ids: list[str],
    target: Path,
    title: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    branding: Branding | None = None,
) -> Path:
    """Write a PDF summary of several visits to `target` and return the path written.

    The visits are listed in date order, then added up: the needs that come up most and how
    severe they are, competitors' moves over time, the channels buyers use and prefer, the
    strongest quotes and the follow-ups still open.

    Args:
        services: the open notebook's services.
        visit_ids: the visits to summarise (a selection in the visit list, an account's
            visits, the visits in a period); duplicates are ignored.
        target: where to write the PDF; it is replaced in one step once the report is complete.
        title: the report's title; a title is made up from the visits when None.
        progress: called with (units done, units in all) while the report is built.
        cancelled: polled while the report is built; returning True stops the work.
        branding: the team's name and logo for the header; read from the notebook when None.

    Raises:
        ValidationError: no visits were given.
        NotFoundError: one of the ids names no visit.
        OperationCancelled: `cancelled` returned True; the target was left untouched.
        ReportFileError: the target cannot be written.
    """
    from fieldnotes.services.reports.summary_report import write_summary_report as write

    return write(services, list(visit_ids), Path(target), title=title, progress=progress, cancelled=cancelled,
                 branding=branding)


def write_prep_sheet(
    services: Services,
    account_id: str,
    target: Path,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    branding: Branding | None = None,
) -> Path:
    """Write the prep sheet of an account to `target` and return the path written.

    One page to read before visiting the account: its people with their buying roles,
    follow-up preferences and reference candidates; how its buying centre changed from
    visit to visit; the next step agreed last and the follow-ups still open; the needs
    and objections heard there, by theme; competitors' moves there; and the offerings it
    does not know (noted as such, or never discussed). Long lists are cut and counted.

    Args:
        services: the open notebook's services.
        account_id: the account's id.
        target: where to write the PDF; it is replaced in one step once the sheet is complete.
        progress: called with (units done, units in all) while the sheet is built.
        cancelled: polled while the sheet is built; returning True stops the work.
        branding: the team's name and logo for the header; read from the notebook when None.

    Raises:
        NotFoundError: there is no account with this id.
        OperationCancelled: `cancelled` returned True; the target was left untouched.
        ReportFileError: the target cannot be written.
    """
    from fieldnotes.services.reports.prep_sheet import write_prep_sheet as write

    return write(services, account_id, Path(target), progress=progress, cancelled=cancelled, branding=branding)
