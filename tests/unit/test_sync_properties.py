"""Properties of sync over random edits, deletions, clock skews, sync orders, copied notebooks and planted files.

Each laptop syncs with its own view of a cloud folder; the cloud brings the views together
only now and then, so laptops (and copies of one notebook file, made at any moment,
possibly with the same file numbers as the original) often publish before seeing each
other. Someone with access to the share may plant segments that reuse a laptop's change
numbers with other contents, or that hold values an import would refuse.

A model follows what each laptop has seen (an edit is seen by the laptop that made it, by
its view once that laptop syncs, by every view once the cloud brings them together, and by
every laptop that syncs with a view holding it). Sync compares a notebook with what it
last synced, not keystrokes: edits that leave a field as it was at the notebook's last
sync are no edit (a summary changed and changed back before syncing changes nothing, so a
deletion made elsewhere meanwhile is not crossed by any edit), and the model drops them.
A copied notebook holds its original's unsynced edits as edits of its own, and what it does
next sees the original's edits only through those. The original and the copy may publish
such an edit as the same change (the same values by the same author from the same log):
then it is one change, and whatever saw it from one of them saw it from both.
After the cloud has brought everything together and everyone has synced twice:
- every laptop holds the same data and the same conflicts;
- every edit that no later edit or deletion saw is the visible value or one of its conflict's values;
- a visit is gone exactly when some deletion saw every edit made to it;
- applying the share's files to a new laptop in any order, several times, gives the same data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import shutil
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fieldnotes.domain.errors import NotFoundError
from fieldnotes.domain.versioning import RecordVersion
from fieldnotes.services.sync import folder as share_module
from fieldnotes.storage import segments
from tests.unit.sync_support import Laptop, sync_all

LAPTOPS = 3
VISITS = 2
FIELDS = ("summary", "notes", "next_step")
WORDS = ("alpha", "beta", "gamma", "")
SKEWS_DAYS = (0, 365, -1)  # on time, a year fast, a day slow

ANY_LAPTOP = st.integers(0, LAPTOPS + 1)  # taken modulo the laptops there are, copies included
steps = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), ANY_LAPTOP, st.integers(0, VISITS - 1),
                  st.sampled_from(FIELDS), st.sampled_from(WORDS)),
        st.tuples(st.just("delete"), ANY_LAPTOP, st.integers(0, VISITS - 1)),
        st.tuples(st.just("finding"), ANY_LAPTOP, st.integers(0, VISITS - 1)),
        st.tuples(st.just("sync"), ANY_LAPTOP),
        st.tuples(st.just("cloud"), st.just(0)),
        st.tuples(st.just("copy"), ANY_LAPTOP, st.booleans()),
        st.tuples(st.just("plant"), ANY_LAPTOP, st.sampled_from(("reuse", "invalid"))),
    ),
    max_size=16,
)
MAX_COPIES = 2


@dataclass
class Edit:
    number: int
    laptop: int
    visit: int
    field: str  # a visit field, "finding" or "delete"
    value: str = ""
    knew: frozenset[int] = frozenset()  # edits its laptop had seen when it was made
    # Whether its laptop has yet to compare it with what it last synced (at its next sync):
    # it is then kept if its field differs, and is no edit if not.
    pending: bool = True
    kept: bool = False
    copy_of: int | None = None  # the edit a copied notebook holds again as its own
    # The change its laptop published it in, when it did: whoever published the same
    # change (see `Model.compared`) published this edit too.
    change: tuple[object, ...] | None = None

    @property
    def void(self) -> bool:
        return not self.kept and not self.pending


@dataclass
class Model:
    edits: list[Edit] = field(default_factory=list)
    seen: list[set[int]] = field(default_factory=lambda: [set() for _ in range(LAPTOPS)])
    in_view: list[set[int]] = field(default_factory=lambda: [set() for _ in range(LAPTOPS)])
    # Per laptop, each visit field as the laptop showed it after its last sync.
    synced_values: list[dict[tuple[int, str], str | None]] = field(default_factory=list)
    # Per laptop, which state of its version log it compares its edits with: a copied
    # notebook file starts with its original's.
    logs: list[int] = field(default_factory=lambda: list(range(LAPTOPS)))
    # Per laptop, who last edited each visit on it (the author its rows name).
    editors: list[dict[int, int]] = field(default_factory=lambda: [{} for _ in range(LAPTOPS)])

    def record(self, laptop: int, visit: int, name: str, value: str = "") -> None:
        edit = Edit(len(self.edits), laptop, visit, name, value, frozenset(self.seen[laptop]),
                    kept=name not in FIELDS)  # a deletion or a new finding is always a change
        self.edits.append(edit)
        self.seen[laptop].add(edit.number)
        if name != "delete":
            self.editors[laptop][visit] = laptop

    def compared(self, laptop: int, values: dict[tuple[int, str], str | None]) -> None:
        """The laptop takes its edits as versions, comparing what it shows (`values`) with its last sync.

        It publishes, per visit, the fields that differ as one change, stamped with who
        last edited the visit and made from its log as it is; a finding it still has is
        a change of its own. Two laptops publishing the same change (a copied notebook
        and its original, each publishing the edits the file held when copied) publish
        it once: naming one names the other.
        """
        log = self.logs[laptop]
        for edit in self.edits:
            if edit.laptop == laptop and edit.pending:
                edit.pending = False
                key = (edit.visit, FIELDS[0])
                if edit.field == "finding":
                    if values[key] is not None:  # a finding of a visit deleted here since is not published
                        edit.change = ("finding", edit.number if edit.copy_of is None else edit.copy_of)
                    continue
                if edit.field not in FIELDS:
                    continue  # kept from the start
                key = (edit.visit, edit.field)
                # A visit deleted here since: the deletion saw the edit, which stays in the model.
                if values[key] is None or values[key] != self.synced_values[laptop][key]:
                    edit.kept = True
                if values[key] is not None and edit.kept:
                    changed = frozenset((name, values[(edit.visit, name)]) for name in FIELDS
                                        if values[(edit.visit, name)] != self.synced_values[laptop][(edit.visit, name)])
                    edit.change = ("visit", edit.visit, log, changed, self.editors[laptop].get(edit.visit))

    def live_edits(self) -> list[Edit]:
        """The edits that changed something, in the order they were made."""
        return [edit for edit in self.edits if not edit.void]

    def saw(self, knowing: Edit, edit: Edit) -> bool:
        """Whether `knowing` was made after seeing `edit`, or the same change published by another laptop."""
        if edit.number in knowing.knew:
            return True
        if edit.change is None or knowing.change == edit.change:
            return False  # a change published twice does not supersede itself
        return any(
            other.change == edit.change and other.number in knowing.knew for other in self.edits)

    def synced(self, laptop: int) -> None:
        self.in_view[laptop] |= self.seen[laptop]
        self.seen[laptop] |= self.in_view[laptop]
        self.logs[laptop] = max(self.logs) + 1

    def cloud(self) -> None:
        everything = set().union(*self.in_view)
        for view in self.in_view:
            view |= everything

    def copied(self, original: int, values: dict[tuple[int, str], str | None], told_apart: bool) -> None:
        """The original's notebook file is copied; `told_apart` when opening the copy shows it is one.

        The copy holds the original's edits not synced yet as edits of its own: what the
        original does next (a deletion, say) never saw the copy's, which it publishes.
        Each such edit knew what its original knew, and the copy's own holdings of those:
        the copy publishes them in the order they were made, later ones naming earlier ones.
        What the copy does next sees the original's edits only through its own holdings.
        A copy told apart takes what it holds as versions when it is opened, before
        anything else; one that looks like the original holds them until its first sync,
        merged with what it does meanwhile.
        """
        copy = len(self.seen)
        held = {edit.number for edit in self.edits if edit.laptop == original and edit.pending}
        self.seen.append(self.seen[original] - held)
        self.in_view.append(set())
        self.synced_values.append(dict(self.synced_values[original]))
        self.logs.append(self.logs[original])
        self.editors.append(dict(self.editors[original]))
        held_again: dict[int, int] = {}
        for edit in list(self.edits):
            if edit.number in held:
                # A copy of a copy holds the same edit again: it names the edit first made.
                first = edit.number if edit.copy_of is None else edit.copy_of
                knew = edit.knew | {held_again[number] for number in edit.knew if number in held_again}
                duplicate = dataclasses.replace(edit, number=len(self.edits), laptop=copy, copy_of=first,
                                                knew=frozenset(knew))
                held_again[edit.number] = duplicate.number
                self.edits.append(duplicate)
                self.seen[copy].add(duplicate.number)
        if told_apart:
            self.compared(copy, values)
            self.synced_values[copy] = dict(values)
            self.logs[copy] = max(self.logs) + 1


class Cloud:
    """A cloud folder: each laptop syncs with its own view, and the views meet only at `bring_together`."""

    def __init__(self, root: Path) -> None:
        self.share = root / "share"
        self.share.mkdir()
        self.root = root
        self.views: list[Path] = []

    def view(self, laptop: int) -> Path:
        while len(self.views) <= laptop:
            view = self.root / f"view{len(self.views)}"
            view.mkdir()
            self.views.append(view)
        return self.views[laptop]

    def bring_together(self) -> None:
        """Every file of every view reaches the share and every other view (files are never changed)."""
        for view in self.views:
            _add_missing_files(view, self.share)
        for view in self.views:
            _add_missing_files(self.share, view)


def _add_missing_files(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif not destination.exists():
            shutil.copy2(path, destination)


def _plant(cloud: Cloud, victim: Laptop, how: str, sequence: int) -> None:
    """Write a segment with a valid checksum into the share, as anyone with access could."""
    team = json.loads((cloud.share / "team.json").read_text())["team_id"]
    if how == "reuse":
        # The victim's last published change, with other contents under its identity.
        site = victim.services.database.site_id
        connection = sqlite3.connect(victim.path)
        try:
            row = connection.execute(
                "SELECT s.site, v.counter, v.kind, v.record_id, v.fields, v.hlc, v.author, v.written_at, v.parents"
                " FROM record_version v JOIN sync_site s ON s.number = v.site_number"
                " WHERE s.site = ? AND v.counter <= (SELECT published FROM sync_state)"
                " ORDER BY v.counter DESC LIMIT 1", (site,)
            ).fetchone()
        finally:
            connection.close()
        if row is None:
            return
        genuine = RecordVersion(*row[:4], json.loads(row[4]), *row[5:8], tuple(row[8].split()))
        # Same meaning, other contents: the model's account of edits stays true.
        versions = [genuine._replace(author=f"mallory {sequence}")]
    else:
        site = uuid.uuid4().hex
        versions = [RecordVersion(site, 1, "visit", f"not-a-uuid-{sequence}", {"title": "Planted"}, 1 << 40, "mallory",
                            "2026-11-30T08:00:00.000Z")]
    folder = cloud.share / "sites" / site
    folder.mkdir(parents=True, exist_ok=True)
    first, last = versions[0].counter, versions[-1].counter
    name = f"{first:012d}-{last:012d}-{sequence:08x}.db"
    segments.write_segment(folder / name, team, site, versions, "2026-11-30T08:00:00.000Z")
    digest = share_module.sha256_of(folder / name)
    (folder / name).with_suffix(".sha256").write_text(f"{digest}  {name}\n", encoding="ascii")


def _field_values(laptop: Laptop, visit_ids: list[str]) -> dict[tuple[int, str], str | None]:
    """Each visit field as the laptop shows it (None for a visit it no longer has)."""
    values: dict[tuple[int, str], str | None] = {}
    for index, visit_id in enumerate(visit_ids):
        try:
            visit = laptop.notebook.visit(visit_id)
        except NotFoundError:
            visit = None
        for name in FIELDS:
            values[(index, name)] = None if visit is None else getattr(visit, name)
    return values


def _clock(skews: list[int], current: list[int]):
    def now_text() -> str:
        moment = dt.datetime.now(dt.UTC) + dt.timedelta(days=skews[current[0]])
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return now_text


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# A finding not synced yet goes with a copy of the notebook (told apart when opened), which
# then deletes the visit: both publish the finding, and the copy's deletion saw it, so the
# visit is gone even though other laptops deleted it without seeing the finding.
@example(plan=[('delete', 0, 0), ('edit', 0, 0, 'summary', 'alpha'), ('cloud', 0), ('finding', 1, 0),
               ('copy', 4, False), ('delete', 2, 0), ('copy', 4, True), ('delete', 3, 0)],
         skews=[0, 0, 0], order_seed=688)
# A copy of a copied notebook holds a finding made before both copies: still one finding.
@example(plan=[('edit', 0, 0, 'summary', 'alpha'), ('delete', 0, 1), ('delete', 0, 1), ('delete', 1, 0),
               ('finding', 2, 0), ('edit', 0, 0, 'summary', 'alpha'), ('copy', 2, False), ('copy', 3, False)],
         skews=[0, 0, 0], order_seed=0)
# A copy holds an edit and then a deletion that saw it: its deletion sees its own copy too.
@example(plan=[('edit', 0, 0, 'summary', 'alpha'), ('delete', 0, 0), ('edit', 0, 0, 'summary', 'alpha'),
               ('sync', 4), ('edit', 0, 0, 'summary', 'alpha'), ('edit', 0, 0, 'summary', 'alpha'),
               ('edit', 0, 0, 'summary', 'alpha'), ('copy', 0, False)], skews=[0, 0, 0], order_seed=0)
@example(plan=[('delete', 0, 1), ('finding', 3, 0), ('edit', 2, 0, 'summary', 'gamma'), ('plant', 3, 'reuse'),
               ('delete', 3, 0), ('delete', 1, 1), ('sync', 3), ('plant', 2, 'reuse'), ('finding', 1, 1),
               ('cloud', 0), ('finding', 4, 1)], skews=[-1, 365, 0], order_seed=78)
@given(plan=steps, skews=st.lists(st.sampled_from(SKEWS_DAYS), min_size=LAPTOPS, max_size=LAPTOPS),
       order_seed=st.integers(0, 1000))
# A summary changed and changed back between two syncs, while another laptop deletes the
# visit (or edits the summary): no change of the summary reaches the team.
@example(plan=[("delete", 0, 0), ("edit", 1, 0, "summary", "alpha"), ("edit", 1, 0, "summary", ""),
               ("sync", 0), ("sync", 1)], skews=[0, 0, 0], order_seed=0)
# An edit not synced yet goes with a copy of the notebook, which publishes it even though
# the original then deletes the visit.
@example(plan=[("edit", 0, 1, "summary", "alpha"), ("copy", 0, False), ("delete", 0, 1)], skews=[0, 0, 0],
         order_seed=0)
@example(plan=[("edit", 0, 0, "summary", "beta"), ("edit", 1, 0, "summary", "alpha"),
               ("edit", 1, 0, "summary", ""), ("sync", 0), ("sync", 1)], skews=[0, 0, 0], order_seed=0)
def test_random_edits_deletions_clocks_and_sync_orders_converge_without_losing_a_concurrent_edit(
    template_database: Path, monkeypatch, plan, skews, order_seed
) -> None:
    current = [0]
    clock = _clock(skews, current)
    with monkeypatch.context() as patch, tempfile.TemporaryDirectory() as temporary:
        patch.setattr("fieldnotes.storage.stamp.utc_now_text", clock)
        patch.setattr("fieldnotes.storage.versions._now_text", clock)
        root = Path(temporary)
        cloud = Cloud(root)
        share = cloud.share
        laptops = [Laptop(template_database, root, f"laptop{i}") for i in range(LAPTOPS)]
        try:
            account, _ = laptops[0].notebook.create_account("Base account")
            visit_ids = [laptops[0].notebook.create_visit(account.id, title=f"Visit {i}")[0].id for i in range(VISITS)]
            sync_all(laptops, share)
            for index in range(LAPTOPS):
                _add_missing_files(share, cloud.view(index))
            model = Model(synced_values=[_field_values(laptop, visit_ids) for laptop in laptops])

            def sync(index: int) -> None:
                model.compared(index, _field_values(laptops[index], visit_ids))
                laptops[index].sync_with(cloud.view(index))
                model.synced(index)
                model.synced_values[index] = _field_values(laptops[index], visit_ids)

            for number, step in enumerate(plan):
                kind, laptop_index = step[0], step[1] % len(laptops)
                current[0] = laptop_index % LAPTOPS
                laptop = laptops[laptop_index]
                if kind == "sync":
                    sync(laptop_index)
                    continue
                if kind == "cloud":
                    cloud.bring_together()
                    model.cloud()
                    continue
                if kind == "copy":
                    if len(laptops) < LAPTOPS + MAX_COPIES:
                        laptops.append(Laptop.copy_of(laptop, root, f"copy{len(laptops)}", step[2]))
                        model.copied(laptop_index, _field_values(laptops[-1], visit_ids), told_apart=not step[2])
                        _add_missing_files(cloud.view(laptop_index), cloud.view(len(laptops) - 1))
                    continue
                if kind == "plant":
                    _plant(cloud, laptop, step[2], number)
                    continue
                visit_id = visit_ids[step[2]]
                try:
                    visit = laptop.notebook.visit(visit_id)
                except NotFoundError:
                    continue  # deleted on this laptop: nothing to edit
                if kind == "edit":
                    name, value = step[3], step[4]
                    if getattr(visit, name) == value:
                        continue
                    laptop.notebook.update_visit(visit_id, **{name: value})
                    model.record(laptop_index, step[2], name, value)
                elif kind == "finding":
                    laptop.notebook.add_finding(visit_id, "need", f"need from laptop {laptop_index}")
                    model.record(laptop_index, step[2], "finding")
                else:
                    laptop.notebook.delete_visit(visit_id)
                    model.record(laptop_index, step[2], "delete")
            current[0] = 0
            for _ in range(2):
                cloud.bring_together()
                model.cloud()
                for index in range(len(laptops)):
                    sync(index)
            cloud.bring_together()

            first = laptops[0].data()
            conflict_sets = [{c.id for c in laptop.sync.conflicts()} for laptop in laptops]
            for laptop, conflicts in zip(laptops[1:], conflict_sets[1:], strict=True):
                assert laptop.data() == first
                assert conflicts == conflict_sets[0]
            _check_nothing_lost(laptops[0], model, visit_ids)
            _check_any_order_of_applying(template_database, root, share, first, order_seed)
        finally:
            for laptop in laptops:
                laptop.close()


def _check_nothing_lost(laptop: Laptop, model: Model, visit_ids: list[str]) -> None:
    conflicts = laptop.sync.conflicts()
    for visit_index, visit_id in enumerate(visit_ids):
        edits = [e for e in model.live_edits() if e.visit == visit_index]
        deletions = [e for e in edits if e.field == "delete"]
        changes = [e for e in edits if e.field != "delete"]
        # Every edit of the visit that no deletion saw keeps it alive; otherwise it is gone.
        unseen_by_deletions = [e for e in changes if not any(model.saw(d, e) for d in deletions)]
        try:
            visit = laptop.notebook.visit(visit_id)
        except NotFoundError:
            visit = None
        if deletions and not unseen_by_deletions:
            assert visit is None, f"visit {visit_index} should be deleted: {edits}"
            continue
        assert visit is not None, f"visit {visit_index} lost an edit made while it was deleted: {edits}"
        if deletions:
            assert any(c.record_id == visit_id and c.is_deletion for c in conflicts)
        for name in FIELDS:
            field_edits = [e for e in changes if e.field == name]
            # Superseded: a later edit of the field saw it, or a deletion of the visit did.
            latest = [e for e in field_edits if not any(model.saw(later, e) for later in field_edits + deletions)]
            shown = getattr(visit, name)
            candidates = {
                c.value for conflict in conflicts
                if conflict.record_id == visit_id and conflict.field == name for c in conflict.candidates
            }
            for edit in latest:
                assert edit.value == shown or edit.value in candidates, (name, edit, shown, candidates)
            if len({e.value for e in latest}) > 1:
                assert {e.value for e in latest} <= candidates
        findings = [e for e in changes if e.field == "finding"]
        unseen_findings = {e.number if e.copy_of is None else e.copy_of
                           for e in findings if not any(model.saw(d, e) for d in deletions)}
        assert len(visit.findings) >= len(unseen_findings)  # a copy's finding is the same finding


def _check_any_order_of_applying(template: Path, root: Path, share: Path, expected: dict, seed: int) -> None:
    newcomer = Laptop(template, root, "newcomer")
    try:
        replay = root / "replay"
        replay.mkdir()
        shutil.copyfile(share / "team.json", replay / "team.json")
        files = sorted(share.glob("sites/*/*.db"))
        rng = random.Random(seed)
        rng.shuffle(files)
        for start in range(0, len(files) + 1, 2):
            for segment in files[start : start + 2]:
                target = replay / "sites" / segment.parent.name / segment.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(segment, target)
                shutil.copyfile(segment.with_suffix(".sha256"), target.with_suffix(".sha256"))
            newcomer.sync_with(replay)
        for segment in files[: len(files) // 2]:  # the same files again, as a cloud client might
            shutil.copyfile(segment, replay / "sites" / segment.parent.name / (segment.stem + " (1).db"))
        newcomer.sync_with(replay)
        assert newcomer.data() == expected
    finally:
        newcomer.close()
