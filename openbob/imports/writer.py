"""Writing household records into the book, in batches, with bulk SQL.

For each batch the writer resolves every record's agent (refusing agents outside the
importing agency's tree), then asks the previous snapshot of the same source and scope
which records are unchanged: same fingerprint, household still in the book with the
same agent. Those only become snapshot entries, which is what makes a weekly re-import
cheap. The others are checked against the columns they go into, matched to the book
(by key in the agency tree, then by the primary member's SSN or name + DOB blind index,
so a household seen in both CalHEERS and HealthSherpa is one household) and written:
household columns with their provenance, this source's members and policies replaced,
a delegation opened when the agent changed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection

from openbob.book import listing
from openbob.book.choices import DelegationStatus
from openbob.book.models import Delegation, Enrollment, Household, Member
from openbob.book.pii import (
    encrypt_dob,
    encrypt_income,
    encrypt_text,
    identity_index,
    people_fingerprint,
    ssn_index,
)
from openbob.imports import bulk
from openbob.imports.agents import AgentDirectory, AgentRefused, ResolvedAgent
from openbob.imports.models import Snapshot, SnapshotEntry
from openbob.imports.records import (
    HouseholdRecord,
    MemberRecord,
    fingerprint,
    fingerprint_with_agent,
)
from openbob.imports.validate import problems
from openbob.sources.errors import RowError

MEMBER_FIELDS = (
    "middle_name",
    "relationship",
    "applying",
    "phone",
    "secondary_phone",
    "text_opt_in",
    "email",
    "written_language",
    "spoken_language",
    "residence_line1",
    "residence_line2",
    "residence_city",
    "residence_state",
    "residence_zip",
    "residence_county",
    "mailing_line1",
    "mailing_line2",
    "mailing_city",
    "mailing_state",
    "mailing_zip",
    "experiencing_homelessness",
)
MEMBER_COLUMNS = (
    "household_id",
    "is_primary",
    "first_name",
    "last_name",
    "dob_encrypted",
    "birth_year",
    "ssn_encrypted",
    "ssn_last4",
    "ssn_index",
    "identity_index",
    *MEMBER_FIELDS,
)
ENROLLMENT_FIELDS = (
    "coverage",
    "policy_id",
    "carrier",
    "plan_name",
    "hios_plan_id",
    "metal_tier",
    "plan_type",
    "gross_premium",
    "aptc",
    "net_premium",
    "effective_date",
    "end_date",
    "status",
    "paid_through_date",
    "binder_status",
    "on_exchange",
    "aor_name",
    "aor_npn",
)
PROVENANCE_COLUMNS = (
    "source",
    "source_import_id",
    "source_as_of",
    "field_sources",
    "created_at",
    "updated_at",
)
HOUSEHOLD_FIELDS = (
    "application_year",
    "program",
    "household_size",
    "primary_name",
    "primary_phone",
    "primary_email",
    "consent_valid_through",
    "notices_pending",
)
ENTRY_COLUMNS = ("snapshot_id", "key", "household_id", "digest", "data")


def _defaults(model: type[Any], names: Sequence[str]) -> dict[str, object]:
    return {name: model._meta.get_field(name).get_default() for name in names}


MEMBER_DEFAULTS = _defaults(Member, MEMBER_FIELDS)
ENROLLMENT_DEFAULTS = _defaults(Enrollment, ENROLLMENT_FIELDS)
HOUSEHOLD_DEFAULTS = _defaults(Household, HOUSEHOLD_FIELDS)


@dataclass(frozen=True, slots=True)
class Known:
    """What the book already holds for a household a record names.

    `owner` is the source that set the household's agent (its `field_sources`).
    """

    id: int
    agent_id: int | None
    agency_id: int | None
    lost: bool
    owner: str | None

    def same_owner(self, agent: ResolvedAgent) -> bool:
        return self.agent_id == agent.user_id and self.agency_id == agent.agency_id


Typed = tuple[HouseholdRecord, list[RowError]]


Placed = tuple[HouseholdRecord, ResolvedAgent]


@dataclass
class BookWriter:
    """Writes one import's records; `errors` collects rows it had to refuse.

    `header` names the file's column for a book field (for errors). `seen` holds the
    keys this snapshot has an entry for, `rejected` the keys refused: under
    `allow_partial` those without an entry keep their previous one. `typer` types
    skimmed records in full, with their rows' value errors, when they must be written.
    """

    agents: AgentDirectory
    subtree_ids: list[int]
    snapshot: Snapshot
    previous: Snapshot | None
    source: str
    run_id: int
    as_of: datetime
    now: datetime
    file_name: str = ""
    header: Callable[[str], str] = str
    typer: Callable[[Sequence[HouseholdRecord]], list[Typed]] | None = None
    errors: list[RowError] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    seen: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)
    rejected_lines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._as_of = bulk.db_datetime(self.as_of)
        self._now = bulk.db_datetime(self.now)
        self._stamp = {
            "source": self.source,
            "import": self.run_id,
            "as_of": self.as_of.isoformat(),
        }
        self._provenance = json.dumps({"source": self.source, "import": self.run_id})
        self._origin = (self.source, self.run_id, self._as_of)
        self._sources_json: dict[tuple[str, ...], str] = {}
        self._memo: dict[int, tuple[str, str]] = {}
        self._tree = set(self.subtree_ids)
        self._copies: dict[str, None] = {}  # unchanged keys, in order, not copied yet

    @cached_property
    def _digests(self) -> dict[str, str]:
        """The previous snapshot's fingerprint of each key whose household is still in the
        book, in the tree: a record with the same fingerprint is unchanged.

        Read whole, by one join, when the first batch arrives: probing the snapshot for
        each batch's keys costs the database several times more, and most keys of a
        weekly file are unchanged. Each key is taken out once its record is placed.
        """
        if self.previous is None:
            return {}
        entry, household = bulk.quoted(SnapshotEntry), bulk.quoted(Household)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.key, e.digest, h.agency_id FROM {entry} e "  # noqa: S608
                f"JOIN {household} h ON h.id = e.household_id "
                "WHERE e.snapshot_id = %s AND h.lost_at IS NULL",
                [self.previous.pk],
            )
            tree = self._tree
            return {key: digest for key, digest, agency in cursor.fetchall() if agency in tree}

    def write(self, records: Sequence[HouseholdRecord]) -> None:
        """Write one batch: resolve agents, skip what is unchanged, store the rest."""
        try:
            self._write(records)
        finally:
            self._memo.clear()  # keyed by object id: valid for this batch only

    def _write(self, records: Sequence[HouseholdRecord]) -> None:
        fresh, repeats = self._split(records)
        digests, changed = self._digests, []
        for record, agent in fresh:
            if digests.pop(record.key, None) == record.digest:
                self._copies[record.key] = None
                self.counts["households_unchanged"] += 1
            else:
                changed.append((record, agent))
        changed = self._valid(self._typed(changed, fresh=True))
        written = self._store(changed, self._prior([r.key for r, _ in changed]))
        self._add_entries([(r.key, pk, r.digest, _entry_data(r)) for r, pk in written])
        if bulk.writes_queued():  # SQLite: the copy costs nothing now, but time at the end
            self._copy_pending()
        for record, _ in self._typed(repeats, fresh=False):
            if record.key in self.rejected:
                self._refuse(record, record.key_field, "another row of this household was refused")
            else:
                self._merge_again(record)

    def _typed(self, placed: list[Placed], *, fresh: bool) -> list[Placed]:
        """`placed` with skimmed records typed; those with a bad value are refused (and,
        `fresh`, left without an entry: `carry_over` keeps last week's)."""
        if self.typer is None or not any(record.skimmed for record, _ in placed):
            return placed
        skimmed = [record for record, _ in placed if record.skimmed]
        typed = {id(old): found for old, found in zip(skimmed, self.typer(skimmed), strict=True)}
        result: list[Placed] = []
        for record, agent in placed:
            if record.skimmed:
                record, errors = typed[id(record)]
                if errors:
                    self._reject(record, errors, fresh=fresh)
                    continue
            result.append((record, agent))
        return result

    # ------------------------------------------------------------------ sorting the batch

    def _split(self, records: Sequence[HouseholdRecord]) -> tuple[list[Placed], list[Placed]]:
        """Records placed with their agent: first sightings of a key, and repeats.

        The agent a record resolves to joins its fingerprint: an agent moved to another
        agency by the roster moves the households of unchanged rows too.
        """
        fresh: list[Placed] = []
        repeats: list[Placed] = []
        for record in records:
            if record.key in self.rejected:
                self._refuse(record, record.key_field, "another row of this household was refused")
                continue
            agent = self._resolve(record)
            if agent is None:
                continue
            record.digest = fingerprint_with_agent(record.digest, agent.user_id, agent.agency_id)
            if record.key in self.seen:
                repeats.append((record, agent))
            else:
                self.seen.add(record.key)
                fresh.append((record, agent))
        return fresh, repeats

    def _resolve(self, record: HouseholdRecord) -> ResolvedAgent | None:
        try:
            return self.agents.resolve(record.agent)
        except AgentRefused as refused:
            self._refuse(record, "agent", str(refused))
            return None

    def _refuse(self, record: HouseholdRecord, book_field: str, reason: str) -> None:
        self.errors.append(
            RowError(self.file_name, record.line, self.header(book_field), reason, None)
        )
        self.rejected.add(record.key)
        self.rejected_lines += record.lines

    def _owns(self, known: Known | None) -> bool:
        """True when this import sets the household's agent.

        A household both CalHEERS and HealthSherpa list keeps the agent of the source
        that placed it, so the two never pass it back and forth every week.
        """
        return known is None or known.lost or known.owner in (None, self.source)

    def _valid(self, placed: list[Placed]) -> list[Placed]:
        """The records whose every value fits its column; the others are refused."""
        valid = []
        for record, agent in placed:
            if self._acceptable(record, fresh=True):
                valid.append((record, agent))
        return valid

    def _acceptable(self, record: HouseholdRecord, *, fresh: bool) -> bool:
        problems = self.problems(record)
        if problems:
            self._reject(record, problems, fresh=fresh)
        return not problems

    def _reject(self, record: HouseholdRecord, errors: list[RowError], *, fresh: bool) -> None:
        """Refuse `record` for `errors`; a `fresh` key is left without an entry, so
        `carry_over` keeps last week's (a repeat's first part keeps its own)."""
        self.errors += errors
        self.rejected.add(record.key)
        self.rejected_lines += record.lines
        if fresh:
            self.seen.discard(record.key)

    def problems(self, record: HouseholdRecord) -> list[RowError]:
        """Every value of `record` its column cannot hold, as row errors."""
        return [
            RowError(self.file_name, record.line, self.header(book_field), reason, None)
            for book_field, reason in problems(record)
        ]

    # ------------------------------------------------------------------ reading the book

    def _prior(self, keys: Sequence[str]) -> dict[str, Known]:
        """The households the previous snapshot holds for `keys`, as they are now."""
        if self.previous is None or not keys:
            return {}
        entry, household = bulk.quoted(SnapshotEntry), bulk.quoted(Household)
        rows = bulk.select_in(
            f"SELECT e.key, {_known_columns('h')} "  # noqa: S608
            f"FROM {entry} e JOIN {household} h ON h.id = e.household_id "
            f"WHERE e.snapshot_id = %s AND e.key",
            keys,
            [self.previous.pk],
        )
        return {key: known for key, *values in rows if self._in_tree(known := Known(*values))}

    def _in_tree(self, known: Known) -> bool:
        """Whether the household is in the importing agency's tree.

        Checked here rather than in SQL: given `agency_id IN (...)`, SQLite walks every
        household of the agency instead of using the key's index (quadratic at scale).
        """
        return known.agency_id in self._tree

    def _known(self, placed: Sequence[Placed], prior: dict[str, Known]) -> dict[str, Known]:
        """Households the records already are: the previous snapshot's, by key in the
        tree, else by person."""
        found: dict[str, Known] = {r.key: prior[r.key] for r, _ in placed if r.key in prior}
        for key_field in {r.key_field for r, _ in placed}:
            keys = [r.key for r, _ in placed if r.key_field == key_field and r.key not in found]
            rows = bulk.select_in(
                f"SELECT h.{key_field}, {_known_columns('h')} "  # noqa: S608
                f"FROM {bulk.quoted(Household)} h WHERE h.{key_field}",
                keys,
            )
            found.update(
                (key, known) for key, *values in rows if self._in_tree(known := Known(*values))
            )
        missing = [r for r, _ in placed if r.key not in found]
        found.update(self._match_people(missing))
        return found

    def _match_people(self, records: Sequence[HouseholdRecord]) -> dict[str, Known]:
        """Households of another source whose primary member is the same person.

        Only households that lack this source's kind of key qualify, and each is
        claimed by one record at most.
        """
        wanted: dict[str, dict[str, str]] = {}
        for record in records:
            primary = _primary(record.details().members)
            for index in _indexes(primary, self._memo) if primary else ():
                if index:
                    wanted.setdefault(record.key_field, {})[index] = record.key
        matches: dict[str, Known] = {}
        claimed: set[int] = set()
        for key_field, by_index in wanted.items():
            for ssn_ix, id_ix, *values in self._people(key_field, list(by_index)):
                key = by_index.get(ssn_ix) or by_index.get(id_ix)
                known = Known(*values)
                fresh = key is not None and key not in matches and known.id not in claimed
                if fresh and self._in_tree(known):
                    matches[str(key)] = known
                    claimed.add(known.id)
        self.counts["households_matched_across_sources"] += len(matches)
        return matches

    def _people(self, key_field: str, indexes: list[str]) -> Iterator[Any]:
        member, household = bulk.quoted(Member), bulk.quoted(Household)
        head = (
            f"SELECT m.ssn_index, m.identity_index, {_known_columns('h')} "  # noqa: S608
            f"FROM {member} m JOIN {household} h ON h.id = m.household_id "
            f"WHERE m.is_primary AND h.{key_field} IS NULL AND m."
        )
        yield from bulk.select_in(f"{head}ssn_index", indexes)
        yield from bulk.select_in(f"{head}identity_index", indexes)

    # ------------------------------------------------------------------ writing

    def _store(
        self, changed: list[Placed], prior: dict[str, Known]
    ) -> list[tuple[HouseholdRecord, int]]:
        """Create or update the changed households; returns each record's household id."""
        if not changed:
            return []
        known = self._known(changed, prior)
        new = [(r, a) for r, a in changed if r.key not in known]
        existing = [(r, a, known[r.key]) for r, a in changed if r.key in known]
        ids = dict(
            zip((r.key for r, _ in new), bulk.allocate_ids(Household, len(new)), strict=True)
        )
        created = dict(ids)
        ids.update((r.key, k.id) for r, _, k in existing)
        people = {r.key: _people_fingerprint(r) for r, _ in changed}
        kept = self._people_kept({k.id: people[r.key] for r, _, k in existing})
        touched = [k.id for _, _, k in existing]
        rewritten = [pk for pk in touched if pk not in kept]
        for model, households in ((Member, rewritten), (Enrollment, touched)):
            bulk.delete_where_in(
                model, "household_id", households, extra=" AND source = %s", params=[self.source]
            )
        # Policies first (the keys to households are checked at commit): each household
        # is then written once, with its list row, never inserted and then updated.
        self._insert_people(
            [(r, ids[r.key], None if ids[r.key] in kept else people[r.key]) for r, _ in changed]
        )
        self._insert_households(new, created)
        self._delegate([(ids[r.key], a, known.get(r.key)) for r, a in changed])
        self._update_households(existing)
        self.counts["households_created"] += len(new)
        self.counts["households_updated"] += len(existing)
        return [(r, ids[r.key]) for r, _ in changed]

    def _household_values(self, record: HouseholdRecord) -> dict[str, object]:
        """The household columns this record states (income encrypted)."""
        values = dict(record.details().household)
        if "income" in values:
            income = values.pop("income")
            values["income_encrypted"] = encrypt_income(
                income if isinstance(income, Decimal) else None
            )
        return values

    def _insert_households(self, new: list[Placed], ids: dict[str, int]) -> None:
        """Insert the new households, with their list row (their policies are written)."""
        stated_columns = (*HOUSEHOLD_FIELDS, "income_encrypted")
        listed = listing.columns({ids[r.key]: a.user_id for r, a in new}) if new else {}
        rows = []
        for record, agent in new:
            values = self._household_values(record)
            merged = {**HOUSEHOLD_DEFAULTS, "income_encrypted": "", **values}
            keys = {"case_number": None, "ffm_app_id": None, record.key_field: record.key}
            rows.append(
                (
                    ids[record.key],
                    agent.agency_id,
                    agent.user_id,
                    *keys.values(),
                    *(merged[c] for c in stated_columns),
                    False,
                    *self._origin,
                    self._field_sources([*values, record.key_field, "agent"]),
                    self._now,
                    self._now,
                    *listed[ids[record.key]].values(),
                )
            )
        columns = ("id", "agency_id", "agent_id", "case_number", "ffm_app_id", *stated_columns)
        every = (*columns, "archived", *PROVENANCE_COLUMNS, *listing.COLUMNS)
        bulk.insert_rows(Household, every, rows)

    def _update_households(
        self, existing: list[tuple[HouseholdRecord, ResolvedAgent, Known]]
    ) -> None:
        """Update the columns each record states; the other source's key and values stay.

        Only the columns whose value differs are set (the income's ciphertext, which
        differs every time, always is): each indexed column set costs index writes even
        when its value is the same, and a changed household mostly changed its policies.
        Every stated field still gets this import's provenance; `field_sources` is merged
        in SQL, so nobody's provenance is read back. The household's list row (its
        current plan, premium and agent's name: `listing.columns`) is set in the same
        update, its policies being written already.
        """
        current = _current_values([known.id for _, _, known in existing])
        listed = listing.columns(
            {known.id: self._agent_after(agent, known) for _, agent, known in existing}
        )
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for record, agent, known in existing:
            values = self._household_values(record)
            if self._owns(known):
                values |= {"agency_id": agent.agency_id, "agent_id": agent.user_id}
            stated = [
                name.replace("agent_id", "agent")
                for name in (record.key_field, *values)
                if name != "agency_id"
            ]
            wanted = {
                record.key_field: record.key,
                **values,
                "archived": False,
                "lost_at": None,
                **listed[known.id],
            }
            held = current[known.id]
            changed = {
                column: value
                for column, value in wanted.items()
                if column == "income_encrypted" or held.get(column, _UNKNOWN) != value
            }
            groups.setdefault(tuple(changed), []).append(
                (
                    *changed.values(),
                    *self._origin,
                    self._now,
                    self._field_sources(stated),
                    known.id,
                )
            )
        fixed = (*PROVENANCE_COLUMNS[:3], "updated_at")
        for columns, rows in groups.items():
            bulk.update_rows(Household, (*columns, *fixed), rows, merged=("field_sources",))

    def _agent_after(self, agent: ResolvedAgent, known: Known) -> int | None:
        """The household's agent once this record is written: the record's, where this
        source owns the household's agent."""
        return agent.user_id if self._owns(known) else known.agent_id

    def _field_sources(self, stated: Sequence[str]) -> str:
        """Provenance of the stated household fields: this source, import and as-of.

        Every household of a file states the same fields, so the JSON is made once.
        """
        key = tuple(stated)
        if key not in self._sources_json:
            names = (name.removesuffix("_encrypted") for name in stated)
            self._sources_json[key] = json.dumps(dict.fromkeys(names, self._stamp))
        return self._sources_json[key]

    def _people_kept(self, wanted: dict[int, str]) -> set[int]:
        """The households (of `wanted`: id -> people fingerprint) whose members from this
        source were all written with the fingerprint they are stated with now.

        A household that changed has mostly changed its policies: writing its members
        again (their PII encrypted anew, their blind indexes rewritten) was a quarter of the
        pages a weekly import wrote, for the same people."""
        stored: dict[int, set[str]] = {}
        sql = (
            f"SELECT household_id, people_fingerprint FROM {bulk.quoted(Member)} "  # noqa: S608
            "WHERE source = %s AND household_id"
        )
        for household_id, people in bulk.select_in(sql, list(wanted), [self.source]):
            stored.setdefault(household_id, set()).add(people)
        return {pk for pk, found in stored.items() if found == {wanted[pk]}}

    def _insert_people(
        self, written: Sequence[tuple[HouseholdRecord, int, str | None]], *, primary: bool = True
    ) -> None:
        """This source's members and policies of each household (PII encrypted): with the
        people fingerprint given, or, given None, policies only (its members are kept)."""
        members = [
            (*_member_row(member, household_id, primary, _indexes(member, self._memo)), people)
            for record, household_id, people in written
            if people is not None
            for member in record.details().members
        ]
        enrollments = [
            _enrollment_row(policy, household_id)
            for record, household_id, _ in written
            for policy in record.details().enrollments
        ]
        tail = (*self._origin, self._provenance, self._now, self._now)
        bulk.insert_rows(
            Member,
            (*MEMBER_COLUMNS, "people_fingerprint", *PROVENANCE_COLUMNS),
            [m + tail for m in members],
        )
        bulk.insert_rows(
            Enrollment,
            ("household_id", *ENROLLMENT_FIELDS, *PROVENANCE_COLUMNS),
            [e + tail for e in enrollments],
        )
        self.counts["members"] += len(members)

    def _delegate(self, changes: Sequence[tuple[int, ResolvedAgent, Known | None]]) -> None:
        """Open a delegation for new households and households whose agent changed."""
        moved = [
            (pk, a, k)
            for pk, a, k in changes
            if k is None or (self._owns(k) and (k.lost or not k.same_owner(a)))
        ]
        ended = [pk for pk, _, k in moved if k is not None]
        for chunk in bulk.chunks(ended):
            Delegation.objects.filter(
                household_id__in=chunk, status=DelegationStatus.ACTIVE
            ).update(status=DelegationStatus.TRANSFERRED, ended_at=self.as_of)
        reason = f"from {self.source} import {self.run_id}"
        bulk.insert_rows(
            Delegation,
            ("household_id", "agency_id", "agent_id", "status", "started_at", "reason", "source"),
            [
                (
                    pk,
                    a.agency_id,
                    a.user_id,
                    DelegationStatus.ACTIVE.value,
                    self._as_of,
                    reason,
                    self.source,
                )
                for pk, a, _ in moved
            ],
        )
        self.counts["delegations_opened"] += len(moved)

    def _add_entries(self, entries: list[tuple[str, int | None, str, str]]) -> None:
        """This snapshot's entries: key, household, fingerprint and tracked values."""
        snapshot = self.snapshot.pk
        bulk.insert_rows(SnapshotEntry, ENTRY_COLUMNS, [(snapshot, *e) for e in entries])

    def _merge_again(self, record: HouseholdRecord) -> None:
        """A key seen earlier in this file: add its people and policies to that household.

        The snapshot entry's fingerprint then covers both parts, so next week the
        household is written again whole rather than half-skipped.
        """
        if not self._acceptable(record, fresh=False):
            return
        if record.key in self._copies:  # its first part was unchanged: copy its entry now
            self._copy_pending()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, household_id, digest FROM {bulk.quoted(SnapshotEntry)} "  # noqa: S608
                "WHERE snapshot_id = %s AND key = %s",
                [self.snapshot.pk, record.key],
            )
            entry_id, household_id, digest = cursor.fetchone()
        bulk.update_rows(
            SnapshotEntry, ("digest",), [(fingerprint((digest, record.digest)), entry_id)]
        )
        # No people fingerprint: its members are no longer the first part's alone.
        self._insert_people([(record, household_id, "")], primary=False)
        listing.refresh([household_id])
        self.counts["records_merged"] += 1

    def carry_over(self) -> None:
        """Copy the previous entries of the unchanged keys, and of refused keys, so that a
        refused row is not 'lost'."""
        self._copies.update(dict.fromkeys(sorted(self.rejected - self.seen)))
        self._copy_pending()

    def _copy_pending(self) -> None:
        """Copy the entries of the keys gathered so far (see `_copy_entries`)."""
        self._copy_entries(list(self._copies))
        self._copies.clear()

    def _copy_entries(self, keys: Sequence[str]) -> None:
        """Repeat the previous snapshot's entries of `keys` in this one, inside the
        database: an unchanged household's values never travel to Python and back.

        One statement for the whole file on PostgreSQL: the server then walks the
        previous snapshot once, where a statement per batch probed its index for every
        key. SQLite probes either way, and copies each batch's on its writing thread
        while the next batch is read."""
        if self.previous is None or not keys:
            return
        entry = bulk.quoted(SnapshotEntry)
        member, params = bulk.one_of(keys)
        bulk.write(
            f"INSERT INTO {entry} ({', '.join(ENTRY_COLUMNS)}) "  # noqa: S608
            f"SELECT %s, key, household_id, digest, data FROM {entry} "
            f"WHERE snapshot_id = %s AND key {member}",
            [self.snapshot.pk, self.previous.pk, *params],
        )


_UNKNOWN = object()
_COMPARED = (
    "case_number",
    "ffm_app_id",
    "agency_id",
    "agent_id",
    *HOUSEHOLD_FIELDS,
    "archived",
    "lost_at",
    *listing.COLUMNS,
)


def _current_values(ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """The compared columns of these households as the book holds them (typed by the ORM,
    so that they compare equal to the values a record states)."""
    found: dict[int, dict[str, object]] = {}
    for chunk in bulk.chunks(ids):
        for pk, *values in Household.objects.filter(pk__in=chunk).values_list("pk", *_COMPARED):
            found[pk] = dict(zip(_COMPARED, values, strict=True))
    return found


def _entry_data(record: HouseholdRecord) -> str:
    return json.dumps(record.state, separators=(",", ":"))


def _known_columns(alias: str) -> str:
    """The columns `Known` is built from, of the household table aliased `alias`."""
    owner = bulk.json_text(f"{alias}.field_sources", "agent", "source")
    return f"{alias}.id, {alias}.agent_id, {alias}.agency_id, {alias}.lost_at IS NOT NULL, {owner}"


def _primary(members: Sequence[MemberRecord]) -> MemberRecord | None:
    return next((m for m in members if m.is_primary), None)


def _people_fingerprint(record: HouseholdRecord) -> str:
    """The keyed fingerprint of the record's members, everything they state."""
    people = [
        (m.first_name, m.last_name, m.dob, m.ssn, m.is_primary, sorted(m.fields.items()))
        for m in record.details().members
    ]
    return people_fingerprint(repr(people))


def _indexes(person: MemberRecord, memo: dict[int, tuple[str, str]]) -> tuple[str, str]:
    """The person's SSN and name + DOB blind indexes ("" when unknown).

    Matching and writing both need them; `memo` (one batch) computes them once.
    """
    found = memo.get(id(person))
    if found is None:
        by_ssn = ssn_index(person.ssn) if person.ssn else ""
        by_name = (
            identity_index(person.first_name, person.last_name, person.dob) if person.dob else ""
        )
        found = memo[id(person)] = (by_ssn, by_name)
    return found


def _enrollment_row(policy: dict[str, object], household_id: int) -> tuple[Any, ...]:
    values = {**ENROLLMENT_DEFAULTS, **policy}
    return (household_id, *(values[name] for name in ENROLLMENT_FIELDS))


def _member_row(
    member: MemberRecord, household_id: int, primary: bool, indexes: tuple[str, str]
) -> tuple[Any, ...]:
    values = {**MEMBER_DEFAULTS, **member.fields}
    ssn = member.ssn or ""
    return (
        household_id,
        member.is_primary and primary,
        member.first_name,
        member.last_name,
        encrypt_dob(member.dob),
        member.dob.year if member.dob else None,
        encrypt_text(ssn),
        ssn[-4:],
        *indexes,
        *(values[name] for name in MEMBER_FIELDS),
    )
