"""The three roles and their ranking."""

from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    ORGANISER = "organiser"
    ADMIN = "admin"


_RANK = {Role.STAFF: 1, Role.ORGANISER: 2, Role.ADMIN: 3}


def role_rank(role: str | None) -> int:
    """0 for anything that is not a role, so an unknown value admits nothing."""
    try:
        return _RANK[Role(role)]
    except ValueError:
        return 0
