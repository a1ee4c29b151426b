"""Councils and agencies from a TOML file (``examples/registry.toml``; docs/directive-format.md).

Agency names change with government reorganisations, so the registry is data. Loading is
idempotent and keyed by code: a new code is added, a known one is updated where the file
differs, and records missing from the file are left alone (tasks and members refer to them).
Every change is audited; a file with any problem changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, SQLModel, select

from db.audit import record, snapshot
from db.imports import Change, Status
from db.models import Agency, AgencyKind, Council
from db.toml_input import Issue, TomlInput, Where

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
COUNCIL_KEYS = ("code", "name_vi", "name_en", "timezone")
AGENCY_KEYS = ("code", "name_vi", "name_en", "kind", "aliases")


@dataclass(frozen=True)
class RegistryItem:
    kind: str  # "council" or "agency"
    code: str
    status: Status
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class RegistryOutcome:
    issues: tuple[Issue, ...] = ()
    items: tuple[RegistryItem, ...] = ()
    dry_run: bool = False

    def count(self, kind: str, status: Status) -> int:
        return sum(1 for item in self.items if item.kind == kind and item.status == status)


def load_registry(
    *,
    session: Session,
    source: str,
    now: datetime,
    actor_label: str = "cli",
    dry_run: bool = False,
) -> RegistryOutcome:
    """Check the whole file, then add or update its councils and agencies (unless ``dry_run``)."""
    toml = TomlInput(source)
    if not toml.parsed:
        return RegistryOutcome(issues=tuple(toml.issues))
    toml.check_keys(toml.data, Where(), ("councils", "agencies"))
    councils = _entries(toml, "councils", COUNCIL_KEYS)
    agencies = _entries(toml, "agencies", AGENCY_KEYS)
    if not councils and not agencies and not toml.issues:
        toml.error(Where(), "councils", "reg_err_empty_file")
    if toml.issues:
        return RegistryOutcome(issues=tuple(sorted(toml.issues, key=lambda issue: issue.line)))
    items: list[RegistryItem] = []
    for values in councils:
        council = session.exec(select(Council).where(Council.code == values["code"])).first()
        council = council or Council(**values, created_at=now)
        items.append(_sync(session, "council", council, values, now, actor_label, dry_run))
    for values in agencies:
        agency = session.exec(select(Agency).where(Agency.code == values["code"])).first()
        agency = agency or Agency(**values)
        items.append(_sync(session, "agency", agency, values, now, actor_label, dry_run))
    return RegistryOutcome(items=tuple(items), dry_run=dry_run)


def _entries(toml: TomlInput, table: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    result: list[dict[str, Any]] = []
    for index, entry in enumerate(toml.table_array(table)):
        where = Where(table, index)
        toml.check_keys(entry, where, keys)
        code = toml.string(entry, where, "code", required=True, limit=32)
        if code is not None:
            code = code.upper()
            if not CODE_PATTERN.match(code):
                toml.error(where, "code", "reg_err_code_format")
                code = None
            elif code in seen:
                toml.error(where, "code", "file_err_duplicate", value=code)
                code = None
            else:
                seen.add(code)
        limit = 200 if table == "councils" else 300
        values: dict[str, Any] = {
            "code": code,
            "name_vi": toml.string(entry, where, "name_vi", required=True, limit=limit),
            "name_en": toml.string(entry, where, "name_en", required=True, limit=limit),
        }
        if table == "councils":
            values["timezone"] = _timezone(toml, entry, where)
        else:
            values["kind"] = _kind(toml, entry, where)
            # Other ways letters write the name (db/intake matches them); absent: none.
            values["aliases"] = toml.strings(entry, where, "aliases", limit=limit) or None
        if all(values[key] is not None for key in ("code", "name_vi", "name_en")):
            result.append(values)
    return result


def _timezone(toml: TomlInput, entry: Mapping[str, Any], where: Where) -> str | None:
    zone = toml.string(entry, where, "timezone", limit=64)
    if zone is None:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        toml.error(where, "timezone", "reg_err_timezone", value=zone)
        return None
    return zone


def _kind(toml: TomlInput, entry: Mapping[str, Any], where: Where) -> str:
    kind = toml.string(entry, where, "kind", limit=16)
    if kind is None:
        return AgencyKind.OTHER
    if kind not in set(AgencyKind):
        toml.error(where, "kind", "reg_err_kind", kinds=", ".join(AgencyKind))
    return kind


def _sync(
    session: Session,
    kind: str,
    row: SQLModel,
    values: dict[str, Any],
    now: datetime,
    actor_label: str,
    dry_run: bool,
) -> RegistryItem:
    is_new = getattr(row, "id", None) is None
    fields = [key for key in values if key != "code"]
    before = None if is_new else snapshot(row, fields)
    changes = tuple(
        Change(key, None if before is None else before.get(key), values[key])
        for key in fields
        if before is None or before.get(key) != values[key]
    )
    if not is_new and not changes:
        return RegistryItem(kind, values["code"], Status.UNCHANGED)
    if not dry_run:
        for key in fields:
            setattr(row, key, values[key])
        session.add(row)
        session.flush()
        record(
            session=session,
            at=now,
            action=f"{kind}.{'create' if is_new else 'edit'}",
            entity=kind,
            entity_id=getattr(row, "id", None),
            actor_label=actor_label,
            before=before,
            after=snapshot(row, ["code", *fields]),
        )
    status = Status.ADDED if is_new else Status.CHANGED
    return RegistryItem(kind, values["code"], status, () if is_new else changes)
