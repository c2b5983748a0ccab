"""``flask --app wsgi purge``: anonymise personal data past its retention period."""

from __future__ import annotations

import click

from tracker.db import utcnow
from tracker.extensions import db
from tracker.privacy.services import purge


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be anonymised; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Anonymise participants of events past their retention period (safe to run daily)."""
    result = purge(utcnow(), dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "Would anonymise" if dry_run else "Anonymised"
    click.echo(
        f"{verb} {result.participants} participant(s) of {len(result.events)} event(s); "
        f"dropped {result.pending_imports} unconfirmed upload(s) and "
        f"{result.certificate_bundles} certificate bundle(s) older than a day."
    )
