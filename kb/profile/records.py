"""What a profile reads into: one entity (Profile), a group, and the items of its history lists."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class CreditEvent:
    kind: str
    date: date
    subject: str


@dataclass(frozen=True)
class Designation:
    program: str
    granted_on: date
    expires_on: date | None


@dataclass(frozen=True)
class Revocation:
    program: str
    date: date
    reason: str


@dataclass(frozen=True, eq=False)   # hashable by identity: values is a dict
class Profile:
    """One legal entity as of one date; ``values`` is flat so queries look fields up by name."""
    id: str
    name: str | None
    as_of: date
    source: str
    values: dict[str, object]
    services_offered: frozenset[str] = frozenset()
    credit_events: tuple[CreditEvent, ...] = ()
    designations: tuple[Designation, ...] = ()
    revocations: tuple[Revocation, ...] = ()
    attest: dict[str, bool] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    # Fields filled from founded_on rather than given, so reports can say so.
    defaulted: frozenset[str] = frozenset()
    notes: str | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


@dataclass(frozen=True, eq=False)   # hashable by identity: values is a dict
class Group:
    """A parent and its subsidiaries, so planning can assign programs per entity."""
    id: str
    name: str | None
    source: str
    as_of: date
    entities: tuple[Profile, ...]
    raw: dict = field(default_factory=dict)
    notes: str | None = None
