"""A debrief linked to its ride-along, and the next step with its funnel stage and date."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.terms import TermList
from fieldnotes.services.reports import write_visit_report
from tests.unit.report_support import contains, pdf_text


@pytest.fixture
def ride_along_and_debrief(services) -> tuple[str, str]:
    notebook = services.notebook
    account, _ = notebook.create_account("Brasserie Saint-Eloi")
    ride, _ = notebook.create_visit(account.id, kind="ride_along", title="Ride-along with Anna",
                                    visited_on="2026-03-04T10:30")
    debrief, _ = notebook.create_visit(account.id, kind="debrief", title="Debrief with Anna",
                                       visited_on="2026-03-04T15:00")
    notebook.update_visit(debrief.id, debrief_of=ride.id)
    return ride.id, debrief.id


def test_a_debrief_and_its_ride_along_each_name_the_other(services, ride_along_and_debrief) -> None:
    ride_id, debrief_id = ride_along_and_debrief
    of_debrief = services.notebook.linked_visits(debrief_id)
    assert of_debrief.debrief_of is not None and of_debrief.debrief_of.id == ride_id
    assert of_debrief.debrief_of.label == "Ride-along with Anna, 2026-03-04"
    assert of_debrief.debriefed_in == ()
    of_ride = services.notebook.linked_visits(ride_id)
    assert of_ride.debrief_of is None
    assert [link.label for link in of_ride.debriefed_in] == ["Debrief with Anna, 2026-03-04"]


def test_a_debrief_whose_ride_along_was_deleted_links_to_nothing(services, ride_along_and_debrief) -> None:
    ride_id, debrief_id = ride_along_and_debrief
    services.notebook.delete_visit(ride_id)
    assert services.notebook.linked_visits(debrief_id).debrief_of is None
    assert services.notebook.visit(debrief_id).debrief_of == ride_id  # kept: a sync may bring it back


def test_a_visit_cannot_debrief_itself_or_a_visit_that_is_not_there(services, ride_along_and_debrief) -> None:
    _ride_id, debrief_id = ride_along_and_debrief
    with pytest.raises(ValidationError):
        services.notebook.update_visit(debrief_id, debrief_of=debrief_id)
    with pytest.raises(Exception, match="no visit"):
        services.notebook.update_visit(debrief_id, debrief_of="00000000-0000-4000-8000-000000000000")


def test_the_picker_offers_the_accounts_recent_ride_alongs_first(services, ride_along_and_debrief) -> None:
    ride_id, debrief_id = ride_along_and_debrief
    notebook = services.notebook
    other, _ = notebook.create_account("Stadtwerke Lueneburg")
    newer_elsewhere, _ = notebook.create_visit(other.id, kind="ride_along", title="Elsewhere",
                                               visited_on="2026-05-01")
    older_here, _ = notebook.create_visit(notebook.visit(ride_id).account_id, kind="ride_along", title="Earlier",
                                          visited_on="2025-11-01")
    notebook.create_visit(other.id, kind="customer_visit", title="Not a ride-along", visited_on="2026-06-01")
    offered = [link.id for link in notebook.debrief_candidates(debrief_id)]
    assert offered == [ride_id, older_here.id, newer_elsewhere.id]
    assert [link.account_name for link in notebook.debrief_candidates(debrief_id)][:1] == ["Brasserie Saint-Eloi"]


def test_a_deleted_visit_put_back_keeps_its_links_and_next_step(services, ride_along_and_debrief) -> None:
    _ride_id, debrief_id = ride_along_and_debrief
    services.notebook.update_visit(debrief_id, next_step_stage="Proposal", next_step_due="2026-12-10")
    snapshot, _ = services.notebook.delete_visit(debrief_id)
    services.notebook.restore_visit(snapshot)
    restored = services.notebook.visit(debrief_id)
    assert (restored.debrief_of, restored.next_step_stage, restored.next_step_due) == (
        snapshot.debrief_of, "Proposal", "2026-12-10")


def test_the_report_shows_the_link_and_the_next_steps_stage_and_date(services, ride_along_and_debrief,
                                                                     tmp_path: Path) -> None:
    ride_id, debrief_id = ride_along_and_debrief
    services.terms.add(TermList.STAGE, "Proposal")
    services.notebook.update_visit(debrief_id, next_step="Send the offer for the filling line",
                                   next_step_stage="proposal", next_step_due="2026-12-10")
    text = pdf_text(write_visit_report(services, debrief_id, tmp_path / "debrief.pdf"))
    assert contains(text, "Debrief of: Ride-along with Anna, 2026-03-04")
    # The stage as the team's list names it, whatever its spelling on the visit.
    assert contains(text, "Send the offer for the filling line (stage: Proposal, by 10 December 2026)")
    text = pdf_text(write_visit_report(services, ride_id, tmp_path / "ride.pdf"))
    assert contains(text, "Debriefed in: Debrief with Anna, 2026-03-04")


def test_a_stage_and_date_without_words_still_make_a_next_step_in_the_report(services, tmp_path: Path) -> None:
    visit, _ = services.notebook.create_visit(title="Quick call")
    services.notebook.update_visit(visit.id, next_step_stage="Negotiation")
    text = pdf_text(write_visit_report(services, visit.id, tmp_path / "call.pdf"))
    assert contains(text, "Stage: Negotiation")
