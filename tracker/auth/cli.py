"""``flask --app wsgi user ...``: accounts and API tokens from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.auth import offices, services
from tracker.auth.models import Office
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import DomainError
from tracker.extensions import db

user_cli = AppGroup("user", help="Manage accounts and API tokens.")
office_cli = AppGroup("office", help="Manage offices (the owners of events).")


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    raise click.ClickException(f"{exc.message} {details}".strip())


@user_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="The person's name, shown in audit logs.")
@click.option(
    "--office",
    "office_names",
    multiple=True,
    help="An office the account works in, with its role there (repeat for several).",
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when left out (it then stays out of the shell history).",
)
def create_user(
    email: str, role: str, name: str, office_names: tuple[str, ...], password: str
) -> None:
    """Create an account with a role: admin, organiser or staff; an organiser or staff member
    works in the --office(s) given (it reaches no event until it has one)."""
    try:
        user = services.create_user(
            email,
            password,
            role,
            name,
            offices=[_office(name) for name in office_names],
            actor_label="flask user create",
            now=utcnow(),
        )
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    names = ", ".join(sorted(m.office.name for m in user.memberships))
    click.echo(f"Created {user.email} ({user.role}{': ' + names if names else ''}).")
    if role != "admin" and not names:
        click.echo("It is in no office yet: it reaches no event until it has one (--office).")


def _office(name: str) -> Office:
    office = offices.find_office(name)
    if office is None:
        db.session.rollback()
        raise click.ClickException(
            f"No office named {name!r}; create it first: flask office create {name!r}"
        )
    return office


@office_cli.command("create")
@click.argument("name")
@click.option("--address", default="", help="The office's address, as its letterhead prints it.")
def create_office(name: str, address: str) -> None:
    """Create an office (e.g. "Diskominfo Kabupaten Tabanan")."""
    try:
        office = offices.create_office(
            name, address, actor=None, now=utcnow(), actor_label="flask office create"
        )
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created the office {office.name} (#{office.id}).")


@office_cli.command("list")
def list_offices() -> None:
    """Every office, with its id."""
    for office in offices.list_offices():
        click.echo(f"{office.id}\t{office.name}")


@user_cli.command("token")
@click.argument("email")
@click.option("--label", default="cli", help="A note to tell this token from others.")
def create_token(email: str, label: str) -> None:
    """Print a new API token for the account (the last line of the output)."""
    try:
        token = services.issue_token(services.get_user_by_email(email), label)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo("Use it as 'Authorization: Bearer <token>'. It is shown only once:")
    click.echo(token)


@user_cli.command("revoke-tokens")
@click.argument("email")
def revoke_tokens(email: str) -> None:
    """Revoke every API token of the account."""
    try:
        count = services.revoke_tokens(services.get_user_by_email(email), utcnow())
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Revoked {count} token(s).")
