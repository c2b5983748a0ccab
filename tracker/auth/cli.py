"""``flask --app wsgi user ...``: accounts and API tokens from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.auth import services
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.errors import DomainError
from tracker.extensions import db

user_cli = AppGroup("user", help="Manage accounts and API tokens.")


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    raise click.ClickException(f"{exc.message} {details}".strip())


@user_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="The person's name, shown in audit logs.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when left out (it then stays out of the shell history).",
)
def create_user(email: str, role: str, name: str, password: str) -> None:
    """Create an account with a role: admin, organiser or staff."""
    try:
        user = services.create_user(
            email, password, role, name, actor_label="flask user create", now=utcnow()
        )
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


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
