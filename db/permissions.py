"""Who may do what: the one policy every command and button goes through.

The gate in ``handlers/access.py`` checks the coarse level of a command before any handler runs;
services call the same :class:`Actor` methods for the fine checks that need a council, a task or
an agency. Nothing else decides permissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from db.models import Role


class Access(StrEnum):
    """The least a user must be to use a command or button."""

    ANYONE = "anyone"  # even unregistered: /start with an invitation code
    MEMBER = "member"  # registered in at least one council
    FOCAL_POINT = "focal_point"  # an agency's liaison (or the secretariat)
    CHAIR = "chair"  # full reports (chair or secretariat)
    SECRETARIAT = "secretariat"  # everything


@dataclass(frozen=True)
class Grant:
    council_id: int
    role: Role
    agency_id: int | None = None
    agency_code: str | None = None  # loaded with the grant: /help and /tasks show it


@dataclass(frozen=True)
class Actor:
    """The Telegram user behind an update, with their roles, loaded once per update."""

    telegram_user_id: int
    member_id: int | None = None
    name: str = ""
    language: str = "vi"
    is_admin: bool = False
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def registered(self) -> bool:
        return self.member_id is not None and (self.is_admin or bool(self.grants))

    def council_ids(self) -> set[int]:
        return {grant.council_id for grant in self.grants}

    def visible_council_ids(self) -> set[int] | None:
        """The councils whose listings this actor sees; None: every council (an admin)."""
        return None if self.is_admin else self.council_ids()

    def roles_in(self, council_id: int) -> set[Role]:
        return {grant.role for grant in self.grants if grant.council_id == council_id}

    def focal_agencies(self, council_id: int | None = None) -> set[int]:
        """Agencies this actor speaks for (in one council, or in any)."""
        return {
            grant.agency_id
            for grant in self.grants
            if grant.role == Role.FOCAL_POINT
            and grant.agency_id is not None
            and (council_id is None or grant.council_id == council_id)
        }

    def focal_task_councils(self) -> set[int]:
        """The councils whose tasks /tasks shows this actor: those of their grants that name an
        agency they speak for."""
        agencies = self.focal_agencies()
        return {grant.council_id for grant in self.grants if grant.agency_id in agencies}

    def allows(self, access: Access, council_id: int | None = None) -> bool:
        """Whether the actor reaches ``access`` (in ``council_id``, or in any council)."""
        if access == Access.ANYONE:
            return True
        if not self.registered:
            return False
        if self.is_admin:
            return True
        grants = [g for g in self.grants if council_id is None or g.council_id == council_id]
        roles = {grant.role for grant in grants}
        if access == Access.MEMBER:
            return bool(grants)
        if access == Access.FOCAL_POINT:
            return bool(roles & {Role.FOCAL_POINT, Role.SECRETARIAT})
        if access == Access.CHAIR:
            return bool(roles & {Role.CHAIR, Role.SECRETARIAT})
        return Role.SECRETARIAT in roles

    def is_secretariat_of_any(self, council_ids: Iterable[int]) -> bool:
        return any(self.allows(Access.SECRETARIAT, council_id) for council_id in council_ids)

    def may_change_task(self, council_ids: Iterable[int]) -> bool:
        """Whether the actor may change a task followed by ``council_ids`` (edit, cancel,
        decide its completion or extension): a secretariat of EVERY following council, or an
        admin. A shared task (letter 6411 is followed by six councils) is thus never changed by
        one council behind the others' backs — the rule import already applies to a directive."""
        councils = set(council_ids)
        if self.is_admin:
            return True
        return bool(councils) and all(self.allows(Access.SECRETARIAT, c) for c in councils)

    def speaks_for_any(self, agency_ids: Iterable[int], council_ids: Iterable[int]) -> bool:
        """Whether the actor is focal point of one of ``agency_ids`` in one of the councils."""
        councils = set(council_ids)
        wanted = set(agency_ids)
        return any(
            grant.role == Role.FOCAL_POINT
            and grant.agency_id in wanted
            and grant.council_id in councils
            for grant in self.grants
        )


# --- tasks ----------------------------------------------------------------------------------
# What one may do with one task, given the councils that follow it and its agencies.


@dataclass(frozen=True)
class TaskScope:
    council_ids: frozenset[int]
    lead_agency_id: int
    co_agency_ids: frozenset[int]


def may_see_task(actor: Actor, scope: TaskScope) -> bool:
    """Any member of a council that follows the task."""
    return actor.is_admin or bool(actor.council_ids() & scope.council_ids)


def may_update_task(actor: Actor, scope: TaskScope) -> bool:
    """Progress and obstacles: the lead's or a co-operating agency's focal point, or the
    secretariat."""
    agencies = {scope.lead_agency_id, *scope.co_agency_ids}
    return actor.is_secretariat_of_any(scope.council_ids) or actor.speaks_for_any(
        agencies, scope.council_ids
    )


def may_report_for_lead(actor: Actor, scope: TaskScope) -> bool:
    """Completion and extension requests: the lead agency's focal point, or the secretariat."""
    return actor.is_secretariat_of_any(scope.council_ids) or actor.speaks_for_any(
        {scope.lead_agency_id}, scope.council_ids
    )


def may_manage_task(actor: Actor, scope: TaskScope) -> bool:
    """Edit, cancel, confirm, decide: the secretariat of every council that follows the task
    (see :meth:`Actor.may_change_task`)."""
    return actor.may_change_task(scope.council_ids)


def may_close_obstacle(actor: Actor, scope: TaskScope) -> bool:
    """Marking an obstacle resolved changes nothing of the task: any following council's
    secretariat."""
    return actor.is_secretariat_of_any(scope.council_ids)
