"""`flask checklists load` and the demo: built-in templates appear once, however often run."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.compliance.models import ChecklistTemplate, EventChecklist
from tracker.db import utcnow
from tracker.demo import make_demo
from tracker.extensions import db


def _templates() -> int:
    return db.session.scalar(select(func.count()).select_from(ChecklistTemplate))


def test_load_command_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["checklists", "load"])
    assert first.exit_code == 0, first.output
    assert "pergub-bali-97-2018 version 1" in first.output
    second = runner.invoke(args=["checklists", "load"])
    assert second.exit_code == 0 and "already there" in second.output
    assert _templates() == 3
    listed = runner.invoke(args=["checklists", "list"])
    assert listed.output.count("\tv1\t") == 3


def test_the_demo_event_has_the_pergub_97_checklist(app):
    demo = make_demo(utcnow())
    db.session.commit()
    make_demo(utcnow())
    db.session.commit()
    assert _templates() == 3
    checklists = db.session.scalars(select(EventChecklist)).all()
    assert [(c.event_id, c.template_key) for c in checklists] == [
        (demo.event.id, "pergub-bali-97-2018")
    ]
