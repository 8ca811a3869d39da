"""`import_file`: one file into the book, in one transaction, idempotent by file hash.

The steps: refuse an actor who may not import into the agency; hash the file and stop
if the same bytes were imported for the same week already; detect the layout from its
headers and stream typed rows; write households, flags or agents in batches; store the
file's snapshot and the change events against the previous snapshot of the same source
and scope. Any row error rolls everything back (unless `allow_partial`), and the result
lists every error with file, row, column and reason.

The same bytes for another week are a new snapshot, not a duplicate: a DMI list that
reads the same as two weeks ago, after a different one last week, is news.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.utils import timezone

from openbob.accounts.models import User
from openbob.accounts.roles import Perm
from openbob.agencies.models import Agency
from openbob.agencies.services import subtree_ids
from openbob.audit.services import record as audit
from openbob.book.models import Delegation, Enrollment, FollowUp, Household, Member
from openbob.imports import bulk, changes
from openbob.imports.agents import AgentDirectory, AgentRefused
from openbob.imports.assemble import RECIPES, Group, Recipe, group_rows
from openbob.imports.choices import ImportStatus
from openbob.imports.flags import FlagWriter
from openbob.imports.models import ChangeEvent, ImportRun, MappingProfile, Snapshot, SnapshotEntry
from openbob.imports.records import HouseholdRecord
from openbob.imports.roster import RosterWriter
from openbob.imports.writer import BookWriter
from openbob.lib.batches import batched
from openbob.lib.collector import rare_collections
from openbob.lib.weeks import snapshot_week
from openbob.sources.detect import read
from openbob.sources.errors import RowError, SourceError
from openbob.sources.formats import FormatId
from openbob.sources.safety import DEFAULT_LIMITS, Limits
from openbob.sources.skim import Skimmed
from openbob.sources.source_file import SourceFile

logger = logging.getLogger(__name__)
STATISTICS_AFTER_ROWS = 1_000
"""An import of at least this many rows refreshes the planner statistics it made stale
(`bulk.stale_statistics`) afterwards."""
WRITTEN_TABLES = (Household, Member, Enrollment, Delegation, FollowUp, SnapshotEntry, ChangeEvent)
"""The tables an import writes in bulk."""

BATCH = 5_000
BOOK_SOURCES = {
    FormatId.CALHEERS_BOOK: "calheers",
    FormatId.HEALTHSHERPA_ENROLLMENTS: "healthsherpa",
    FormatId.HEALTHSHERPA_CLIENTS: "healthsherpa",
    FormatId.GENERIC: "carrier",
}
FLAG_FORMATS = {
    FormatId.HEALTHSHERPA_AOR_AT_RISK: "aor_at_risk",
    FormatId.HEALTHSHERPA_EDE_LOST: "ede_lost",
    FormatId.HEALTHSHERPA_DMI: "dmi",
    FormatId.HEALTHSHERPA_SVI: "svi",
}
AGENT_EXPORTS = {FormatId.HEALTHSHERPA_CLIENTS}
"""Layouts that are one agent's export: their snapshots are that agent's book."""
HS_BOOK = FormatId.HEALTHSHERPA_ENROLLMENTS.value
Progress = Callable[[int], None]


@dataclass
class ImportResult:
    """What an import did, or why it wrote nothing."""

    file_name: str
    status: str
    run: ImportRun | None = None
    format: str = ""
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    duplicate_of: ImportRun | None = None
    counts: dict[str, int] = field(default_factory=dict)
    rejected_lines: list[int] = field(default_factory=list)
    refusal: SourceError | None = None
    """Why the file was refused as a whole (its kind, reason, row and column)."""
    header_row: int | None = None
    """The file's header row, once its layout was recognised (rejected rows keep it)."""

    @property
    def ok(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, "duplicate")

    @property
    def message(self) -> str:
        if self.status == "duplicate" and self.duplicate_of is not None:
            return (
                f"{self.file_name}: already imported on "
                f"{self.duplicate_of.created_at:%Y-%m-%d %H:%M} (import "
                f"#{self.duplicate_of.pk}); nothing changed."
            )
        if self.file_error:
            return f"Nothing was imported: {self.file_error}"
        if self.errors and self.status != ImportStatus.SUCCEEDED:
            return (
                f"{self.file_name}: {len(self.errors)} problem(s) found; nothing was "
                "imported. Fix the file, or import the valid rows only."
            )
        counts = ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in sorted(self.counts.items()) if v
        )
        return f"{self.file_name}: imported {self.rows} rows ({counts})."

    def refuse(self, errors: Iterable[RowError], lines: Iterable[int]) -> None:
        self.errors += errors
        self.rejected_lines += lines


@dataclass(frozen=True)
class _Job:
    """One call's arguments, as the steps below need them."""

    actor: User
    agency: Agency
    name: str
    digest: str
    as_of: datetime | None
    allow_partial: bool
    scope_agent: User | None
    profile: MappingProfile | None
    progress: Progress | None


class _Rejected(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    *,
    actor: User,
    agency: Agency,
    path: Path,
    file_name: str | None = None,
    as_of: datetime | None = None,
    allow_partial: bool = False,
    scope_agent: User | None = None,
    profile: MappingProfile | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file into `agency`'s book as `actor`. See the module docstring.

    `scope_agent` names whose book an agent's own export is (its snapshot's scope);
    without it, the agent its first row names.
    """
    _check_actor(actor, agency)
    if scope_agent is not None and not _in_tree(scope_agent, agency):
        raise PermissionDenied("That agent is not in this agency's tree")
    path = Path(path)
    name = file_name or path.name
    try:
        digest = sha256_of(path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return ImportResult(
            name, ImportStatus.FAILED, file_error=f"{name}: cannot be read ({reason})"
        )
    earlier = _imported(agency, digest, snapshot_week(as_of) if as_of else None)
    if earlier is not None:
        return _duplicate(name, earlier)
    job = _Job(actor, agency, name, digest, as_of, allow_partial, scope_agent, profile, progress)
    try:
        with (
            rare_collections(),
            read(path, profile=profile.mapping if profile else None, limits=limits) as source,
        ):
            return _import(source, job)
    except SourceError as exc:
        return ImportResult(name, ImportStatus.REJECTED, file_error=str(exc), refusal=exc)
    except DatabaseError as exc:
        # The message may quote values from the file: log the kind of failure only.
        logger.error("import of %s refused by the database: %s", name, type(exc).__name__)
        return ImportResult(
            name,
            ImportStatus.FAILED,
            file_error=f"{name}: the database refused the import ({type(exc).__name__}); "
            "nothing was written.",
        )


def _check_actor(actor: User, agency: Agency) -> None:
    if not actor.can(Perm.IMPORT) or actor.agency is None:
        raise PermissionDenied("Your role does not allow imports")
    if not agency.path.startswith(actor.agency.path):
        raise PermissionDenied("You may only import into your own agency tree")


def _in_tree(user: User, agency: Agency) -> bool:
    return user.agency is not None and user.agency.path.startswith(agency.path)


def _imported(agency: Agency, digest: str, week: date | None) -> ImportRun | None:
    """The succeeded import of these bytes (for `week`, when given), if any."""
    runs = ImportRun.objects.filter(agency=agency, sha256=digest, status=ImportStatus.SUCCEEDED)
    if week is not None:
        runs = runs.filter(week=week)
    return runs.order_by("-pk").first()


def _duplicate(name: str, earlier: ImportRun) -> ImportResult:
    return ImportResult(name, "duplicate", duplicate_of=earlier, format=earlier.format)


def _import(source: SourceFile[Any], job: _Job) -> ImportResult:
    when = source.as_of or job.as_of or timezone.now()
    earlier = _imported(job.agency, job.digest, snapshot_week(when))
    if earlier is not None:
        return _duplicate(job.name, earlier)
    result = ImportResult(
        job.name,
        ImportStatus.SUCCEEDED,
        format=source.format.value,
        header_row=source.detected.header_row,
    )
    try:
        with transaction.atomic():
            growth = bulk.row_growth(WRITTEN_TABLES)
            directory = AgentDirectory.load(job.agency)
            rows = _counting(_stream(source), result, job.progress)
            scope, rows = _scope(job, source.format, rows, directory)
            run = _start(job, source, when, scope)
            _dispatch(source, rows, result, run, directory)
            if result.errors and not job.allow_partial:
                raise _Rejected
            _finish(run, result, job)
            large = result.rows >= STATISTICS_AFTER_ROWS
            stale = bulk.stale_statistics(WRITTEN_TABLES, growth) if large else []
    except _Rejected:
        result.status = ImportStatus.REJECTED
        return result
    result.run = run
    _refresh_statistics(job.name, stale)
    return result


def _refresh_statistics(name: str, tables: Sequence[type[Model]]) -> None:
    """Fresh planner statistics of the tables the import made stale, for the next import
    and the pages that read the book (`bulk.analyze`); the import has committed, so a
    failure here only costs speed."""
    try:
        bulk.analyze(tables)
    except DatabaseError as exc:
        logger.warning("statistics after the import of %s: %s", name, type(exc).__name__)


def _scope(
    job: _Job, format_id: FormatId, rows: Iterator[Any], directory: AgentDirectory
) -> tuple[str, Iterator[Any]]:
    """The snapshot's scope: the agency, or one agent for an agent's own export.

    Without `scope_agent`, an agent's export (HealthSherpa Clients) belongs to the
    agent its first row names, so two agents' exports never compare with each other.
    """
    if job.scope_agent is not None:
        return f"agent:{job.scope_agent.pk}", rows
    if format_id not in AGENT_EXPORTS:
        return f"agency:{job.agency.pk}", rows
    first = next(rows, None)
    if first is None:
        return f"agency:{job.agency.pk}", rows
    rows = chain([first], rows)
    try:
        agent = directory.resolve(RECIPES[format_id].agent(first))
    except AgentRefused:
        return f"agency:{job.agency.pk}", rows
    owner = f"agent:{agent.user_id}" if agent.user_id else f"agency:{job.agency.pk}"
    return owner, rows


def _start(job: _Job, source: SourceFile[Any], when: datetime, scope: str) -> ImportRun:
    """The running import and its (empty) snapshot."""
    run = ImportRun.objects.create(
        agency=job.agency,
        actor=job.actor,
        file_name=job.name,
        sha256=job.digest,
        size=source.path.stat().st_size,
        format=source.format.value,
        scope=scope,
        as_of=when,
        week=snapshot_week(when),
        status=ImportStatus.RUNNING,
        allow_partial=job.allow_partial,
        profile=job.profile,
    )
    Snapshot.objects.create(
        run=run,
        agency=job.agency,
        source=run.format,
        scope=scope,
        as_of=when,
        week=snapshot_week(when),
    )
    return run


def _stream(source: SourceFile[Any]) -> Iterator[Any]:
    """The file's rows: skimmed where the layout's recipe names the fields that place a
    household (see `openbob.sources.skim`), else typed in full."""
    recipe = RECIPES.get(source.format)
    if recipe is not None and recipe.skimmed:
        return source.skim(recipe.skimmed, recipe.undigested)
    return iter(source)


def _counting(
    rows: Iterator[Any], result: ImportResult, progress: Progress | None
) -> Iterator[Any]:
    for row in rows:
        result.rows += 1
        if progress is not None and result.rows % 1000 == 0:
            progress(result.rows)
        yield row


def _headers(source: SourceFile[Any]) -> Callable[[str], str]:
    """The file's header for a row field, to name columns in errors."""
    named = {
        bound.spec.name: source.columns.header_of(bound.columns[0])
        for bound in source.columns.bound
        if bound.columns
    }
    return lambda name: named.get(name, name)


def _previous(snapshot: Snapshot, source: str | None = None) -> Snapshot | None:
    """The latest earlier snapshot of the same source and scope (by as-of, then import)."""
    earlier = Snapshot.objects.filter(
        agency_id=snapshot.agency_id,
        source=source or snapshot.source,
        scope=snapshot.scope,
        run__status=ImportStatus.SUCCEEDED,
    ).exclude(pk=snapshot.pk)
    return (
        (
            earlier.filter(as_of__lt=snapshot.as_of)
            | earlier.filter(as_of=snapshot.as_of, pk__lt=snapshot.pk)
        )
        .order_by("-as_of", "-pk")
        .first()
    )


def _dispatch(
    source: SourceFile[Any],
    rows: Iterator[Any],
    result: ImportResult,
    run: ImportRun,
    directory: AgentDirectory,
) -> None:
    format_id = source.format
    if format_id in FLAG_FORMATS:
        _import_flags(FLAG_FORMATS[format_id], source, rows, result, run, directory)
    elif format_id == FormatId.HEALTHSHERPA_ROSTER:
        roster = RosterWriter(run.agency, run.file_name)
        roster.write(_valid(rows, result))
        result.refuse(roster.errors, (e.row for e in roster.errors))
        result.counts.update(roster.counts)
    else:
        _import_book(RECIPES[format_id], source, rows, result, run, directory)


def _valid(rows: Iterable[Any], result: ImportResult) -> Iterator[Any]:
    """Rows without value errors; the others are recorded as errors and rejected lines."""
    for row in rows:
        if row.errors:
            result.refuse(row.errors, [row.line])
        else:
            yield row


def _import_book(
    recipe: Recipe[Any],
    source: SourceFile[Any],
    rows: Iterator[Any],
    result: ImportResult,
    run: ImportRun,
    directory: AgentDirectory,
) -> None:
    snapshot = run.snapshot
    previous = _previous(snapshot)
    header = _headers(source)
    writer = BookWriter(
        agents=directory,
        subtree_ids=subtree_ids(run.agency),
        snapshot=snapshot,
        previous=previous,
        source=BOOK_SOURCES[source.format],
        run_id=run.pk,
        as_of=snapshot.as_of,
        now=timezone.now(),
        file_name=run.file_name,
        header=lambda book_field: header(recipe.column_of(book_field)),
        typer=partial(_typed_records, recipe, source),
    )
    records = _records(recipe, source, rows, result, writer)
    with bulk.pipelined(postgres=previous is not None):  # a week repeating the last: no COPY
        for batch in batched(records, BATCH):
            writer.write(batch)
    result.refuse(writer.errors, writer.rejected_lines)
    result.counts.update(writer.counts)
    if result.errors and not run.allow_partial:
        return  # rejected: no point finding changes that are about to be rolled back
    writer.carry_over()
    result.counts["events"] = changes.record_book_changes(previous, snapshot, source=writer.source)


def _records(
    recipe: Recipe[Any],
    source: SourceFile[Any],
    rows: Iterator[Any],
    result: ImportResult,
    writer: BookWriter,
) -> Iterator[HouseholdRecord]:
    """Group rows into household records; a group with any bad row is refused whole.

    Skimmed groups become skimmed records (typed later, if they must be written); one
    with a bad skimmed value is typed at once, so every bad value of it is reported.
    """
    for group in group_rows(rows, recipe.key):
        if group.key is None:
            line = group.rows[0].line
            reason = "a household key is required"
            missing = RowError(
                result.file_name, line, writer.header(recipe.key_field), reason, None
            )
            result.refuse([missing], [line])
        elif group.errors:
            typed = _typed_group(source, group) if recipe.skimmed else group
            record = recipe.record(typed)
            result.refuse([*typed.errors, *writer.problems(record)], group.lines)
            writer.rejected.add(record.key)
        elif recipe.skimmed:
            yield recipe.skim_record(group)
        else:
            yield recipe.record(group)


def _typed_group(source: SourceFile[Any], group: Group[Skimmed]) -> Group[Any]:
    rows = source.typed([row.raw for row in group.rows])
    return Group(group.key, rows, [e for row in rows for e in row.errors])


def _typed_records(
    recipe: Recipe[Any], source: SourceFile[Any], records: Sequence[HouseholdRecord]
) -> list[tuple[HouseholdRecord, list[RowError]]]:
    """Skimmed records typed in full (in one extraction), with their rows' value errors.

    A typed record keeps the skimmed one's fingerprint: it is of the raw cells (and the
    agent), which is what the next week's skim compares with.
    """
    typed = iter(source.typed([row.raw for record in records for row in record.skimmed]))
    found = []
    for record in records:
        rows = [next(typed) for _ in record.skimmed]
        full = recipe.record(Group(recipe.key(rows[0]), rows), record.digest)
        found.append((full, [e for row in rows for e in row.errors]))
    return found


def _import_flags(
    kind: str,
    source: SourceFile[Any],
    rows: Iterator[Any],
    result: ImportResult,
    run: ImportRun,
    directory: AgentDirectory,
) -> None:
    snapshot = run.snapshot
    writer = FlagWriter(
        kind,
        subtree_ids(run.agency),
        snapshot,
        snapshot.as_of,
        directory,
        file_name=run.file_name,
        header=_headers(source),
    )
    writer.write(_valid(rows, result))
    result.refuse(writer.errors, (e.row for e in writer.errors))
    result.counts.update(writer.counts)
    if kind == "ede_lost" or (result.errors and not run.allow_partial):
        return
    book_now = _latest_book(snapshot)
    book_before = _previous(book_now) if book_now is not None else None
    found = changes.flag_changes(kind, _previous(snapshot), snapshot)
    result.counts["events"] = changes.store_events(
        changes.in_books(found, [book_now, book_before]),
        snapshot=snapshot,
        source="healthsherpa",
        run_id=run.pk,
    )


def _latest_book(flags: Snapshot) -> Snapshot | None:
    """The HealthSherpa book snapshot this flag file belongs with (same scope, as of then)."""
    return (
        Snapshot.objects.filter(
            agency_id=flags.agency_id,
            source=HS_BOOK,
            scope=flags.scope,
            run__status=ImportStatus.SUCCEEDED,
            as_of__lte=flags.as_of,
        )
        .order_by("-as_of", "-pk")
        .first()
    )


def _finish(run: ImportRun, result: ImportResult, job: _Job) -> None:
    """Mark the run succeeded and audit it, inside the import's transaction."""
    run.status = ImportStatus.SUCCEEDED
    run.rows = result.rows
    run.rejected_rows = len(set(result.rejected_lines))
    run.counts = dict(result.counts)
    run.finished_at = timezone.now()
    run.save()
    audit(
        actor=job.actor,
        action="import.file",
        subject=run,
        detail={
            "file": job.name,
            "format": run.format,
            "rows": result.rows,
            "rejected_rows": run.rejected_rows,
        },
    )
