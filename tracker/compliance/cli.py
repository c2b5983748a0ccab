"""``flask --app wsgi checklists ...``: the built-in checklist templates."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.compliance.builtin import load_builtin_templates
from tracker.compliance.checklist_templates import list_templates
from tracker.db import utcnow
from tracker.extensions import db

checklists_cli = AppGroup("checklists", help="Checklist templates.")


@checklists_cli.command("load")
def load_command() -> None:
    """Write the built-in templates whose keys are missing (safe to run again)."""
    created = load_builtin_templates(utcnow())
    db.session.commit()
    for template in created:
        click.echo(f"Loaded {template.key} version {template.version}.")
    if not created:
        click.echo("The built-in templates are already there.")


@checklists_cli.command("list")
def list_command() -> None:
    """The latest version of every template."""
    for template in list_templates():
        click.echo(f"{template.key}\tv{template.version}\t{template.title}")
