"""``flask --app wsgi demo``: the demo organiser and event, made once."""

from __future__ import annotations

import click

from tracker.db import utcnow
from tracker.events.demo import DEMO_EMAIL, DEMO_PASSWORD, make_demo
from tracker.extensions import db


@click.command("demo")
def demo_command() -> None:
    """Create the demo organiser and a demo event with 40 participants (once)."""
    result = make_demo(utcnow())
    db.session.commit()
    state = "Created" if result.created else "Kept"
    click.echo(f"{state} the demo event #{result.event.id}: {result.event.title}.")
    click.echo(f"Log in as {DEMO_EMAIL} with the password {DEMO_PASSWORD}")
