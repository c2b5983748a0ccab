"""Offices and who works in them. Services flush; the caller commits.

An account is a member of one or more offices with a role in each (organiser or staff); an
admin needs no membership and reaches every office. What an account may reach is asked here
and nowhere else: ``office_roles`` (by the access check of every route) and
``visible_offices`` (by every list of events).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, bindparam, func, select

from tracker import audit
from tracker.auth.models import Membership, Office, Principal, User
from tracker.auth.roles import Role, role_rank
from tracker.errors import Conflict, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.storage import get_storage

NAME_MAX, ADDRESS_MAX = 300, 500
OFFICE_ROLES = (Role.ORGANISER.value, Role.STAFF.value)


def clean_name(name: str) -> str:
    return " ".join((name or "").split())


def find_office(name: str) -> Office | None:
    """The office with this name, spaces and case aside."""
    key = clean_name(name).lower()
    if not key:
        return None
    return db.session.scalar(select(Office).where(func.lower(Office.name) == key))


def get_office(office_id: int) -> Office:
    """Raises NotFound."""
    office = db.session.get(Office, office_id)
    if office is None:
        raise NotFound(_("No office with id %(id)s.", id=office_id))
    return office


def list_offices(ids: set[int] | None = None) -> list[Office]:
    """Every office by name, or those with these ids."""
    query = select(Office).order_by(Office.name)
    if ids is not None:
        query = query.where(Office.id.in_(ids))
    return list(db.session.scalars(query))


def _check_office(name: str, address: str) -> None:
    errors = {}
    if not name:
        errors["name"] = _("Name the office.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("At most %(n)d characters.", n=NAME_MAX)
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("At most %(n)d characters.", n=ADDRESS_MAX)
    if errors:
        raise ValidationFailed(_("The office has errors."), errors)


def create_office(
    name: str,
    address: str = "",
    *,
    actor: Principal | None,
    now: datetime,
    actor_label: str = "",
) -> Office:
    """Audited as ``office.create``. Raises ValidationFailed (no name, too long) or Conflict
    (an office of that name exists)."""
    name, address = clean_name(name), (address or "").strip()
    _check_office(name, address)
    if find_office(name) is not None:
        raise Conflict(_("An office named %(name)s exists already.", name=name), {"name": name})
    office = Office(name=name, address=address)
    db.session.add(office)
    db.session.flush()
    audit.record(
        "office.create",
        now=now,
        actor=actor,
        actor_label=actor_label,
        subject_type="office",
        subject_id=office.id,
        details={"name": name},
    )
    return office


def update_office(office: Office, name: str, address: str, actor: Principal, now: datetime) -> None:
    """Rename or re-address an office, audited. Raises like create_office."""
    name, address = clean_name(name), (address or "").strip()
    _check_office(name, address)
    other = find_office(name)
    if other is not None and other.id != office.id:
        raise Conflict(_("An office named %(name)s exists already.", name=name), {"name": name})
    before = {"name": office.name, "address": office.address}
    office.name, office.address = name, address
    db.session.flush()
    audit.record(
        "office.update",
        now=now,
        actor=actor,
        subject_type="office",
        subject_id=office.id,
        details={"before": before, "after": {"name": name, "address": address}},
    )


def set_logo(office: Office, key: str, actor: Principal, now: datetime) -> None:
    """Keep the storage key of the office's logo (an image already checked and re-encoded by
    the caller), or remove it with ``key=""``; the old file is deleted. Audited."""
    old, office.logo = office.logo, key
    db.session.flush()
    if old and old != key:
        get_storage().delete(old)
    audit.record(
        "office.logo",
        now=now,
        actor=actor,
        subject_type="office",
        subject_id=office.id,
        details={"logo": bool(key)},
    )


def set_membership(
    user: User, office: Office, role: str | None, *, actor: Principal | None, now: datetime
) -> None:
    """Give the account ``role`` in the office (organiser or staff), or take it out (None).
    Audited as ``account.office``. Raises ValidationFailed for another role."""
    if role is not None and role not in OFFICE_ROLES:
        raise ValidationFailed(_("Unknown role."), {"role": ", ".join(OFFICE_ROLES)})
    member = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.office_id == office.id)
    )
    before = member.role if member else None
    if role is None and member is not None:
        db.session.delete(member)
    elif role is not None and member is None:
        db.session.add(Membership(user_id=user.id, office_id=office.id, role=role))
    elif member is not None and role is not None:
        member.role = role
    db.session.flush()
    db.session.expire(user, ["memberships"])
    if has_request_context():
        g.pop("office_roles", None)
    audit.record(
        "account.office",
        now=now,
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        details={"office": office.name, "before": before, "after": role},
    )


def office_roles(user_id: int) -> dict[int, str]:
    """The account's role in each of its offices, by office id (once per request)."""
    cache = g.setdefault("office_roles", {}) if has_request_context() else {}
    if user_id not in cache:
        rows = db.session.execute(
            select(Membership.office_id, Membership.role).where(Membership.user_id == user_id)
        )
        cache[user_id] = {office_id: role for office_id, role in rows}
    return cache[user_id]


_MEMBERS = Membership.__table__.c


def role_in_office_query(
    office_id: ColumnElement[int], user_id: ColumnElement[int] | None = None
) -> Select[tuple[str]]:
    """The statement of an account's role in an office (None: not a member), built once for an
    office given as an expression with bound parameters, and the account's id as ``user_id``
    (bound as ``user_id`` if not given: run it with ``role_of``)."""
    account = bindparam("user_id") if user_id is None else user_id
    return select(_MEMBERS.role).where(_MEMBERS.user_id == account, _MEMBERS.office_id == office_id)


def role_of(query: Select[tuple[str]], user_id: int, params: dict[str, Any]) -> str | None:
    """Run a statement of ``role_in_office_query``: one SELECT, none of the ORM's work."""
    return db.session.connection().execute(query, {"user_id": user_id, **params}).scalar()


def is_admin(user: Principal) -> bool:
    return user.role == Role.ADMIN.value


def visible_offices(user: Principal, minimum: Role = Role.STAFF) -> set[int] | None:
    """The ids of the offices whose events the account reaches with at least ``minimum``
    there; None for an admin (every office)."""
    if is_admin(user):
        return None
    return {
        office_id
        for office_id, role in office_roles(user.id).items()
        if role_rank(role) >= role_rank(minimum)
    }


def office_for_new_event(unit: str, actor: Principal | None, now: datetime) -> Office:
    """Where an event described with this organiser unit goes (one rule for form and API).

    The office the unit names, if the actor may organise there (an admin or the system: any,
    and a new name makes the office); else the actor's only office where they organise.
    Raises ValidationFailed when the unit names an office the actor does not organise, or
    names none and the actor organises in several (or none).
    """
    office = find_office(unit)
    if actor is None or is_admin(actor):
        if office is None:
            office = create_office(unit, actor=actor, now=now, actor_label="event")
        return office
    mine = visible_offices(actor, Role.ORGANISER) or set()
    if office is not None:
        if office.id in mine:
            return office
        raise ValidationFailed(
            _("You do not organise events for %(office)s.", office=office.name),
            {"organiser_unit": _("Not one of your offices.")},
        )
    if len(mine) == 1:
        return get_office(next(iter(mine)))
    names = ", ".join(o.name for o in list_offices(mine)) or _("(none)")
    raise ValidationFailed(
        _("Name one of your offices as the organising unit: %(names)s.", names=names),
        {"organiser_unit": _("Not one of your offices.")},
    )
