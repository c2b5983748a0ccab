"""tracker: event logistics and sustainability tracking for government workshops in Bali."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from config import load_config

_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides what the environment says (tests use it).

    Raises config.ConfigError when production runs without SECRET_KEY. Never touches the
    database: the schema comes from ``flask db upgrade``.
    """
    app = Flask(
        __name__,
        instance_path=str(_ROOT / "instance"),
        template_folder=str(_ROOT / "templates"),
        static_folder=str(_ROOT / "static"),
    )
    env = {**os.environ, **{k: str(v) for k, v in (config or {}).items() if k.isupper()}}
    app.config.update(load_config(env, app.instance_path))
    app.config.update(config or {})
    _register_extensions(app)
    _register_jobs(app)
    _register_blueprints(app)
    _register_commands(app)
    _register_hooks(app)
    return app


def _register_extensions(app: Flask) -> None:
    from tracker.auth.loaders import register_login
    from tracker.db import register_db, register_migrations
    from tracker.extensions import csrf, limiter
    from tracker.i18n import register_i18n

    register_db(app)
    register_migrations(app, str(_ROOT / "migrations"))
    register_login(app)
    csrf.init_app(app)
    limiter.init_app(app)
    register_i18n(app)


def _register_jobs(app: Flask) -> None:
    from tracker.certificates.jobs import register_certificate_jobs
    from tracker.jobs import register_queue
    from tracker.messages.jobs import register_message_jobs

    queue = register_queue(app)
    register_message_jobs(queue)
    register_certificate_jobs(queue)


def _register_blueprints(app: Flask) -> None:
    from tracker import audit  # noqa: F401 - registers the audit log's table
    from tracker.admin.office_views import bp as offices_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.api.views import bp as api_bp
    from tracker.auth.team_views import bp as team_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.certificates.public_views import bp as verify_bp
    from tracker.certificates.views import bp as certificates_bp
    from tracker.checkin.views.devices import bp as devices_bp
    from tracker.checkin.views.door import bp as door_bp
    from tracker.checkin.views.late import bp as late_bp
    from tracker.checkin.views.presence import bp as presence_bp
    from tracker.checkin.views.scanner import bp as scanner_bp
    from tracker.checkin.views.staff import bp as checkin_bp
    from tracker.checkin.views.ticket import bp as tickets_bp
    from tracker.compliance.checklist_template_views import bp as checklist_templates_bp
    from tracker.compliance.views import bp as compliance_bp
    from tracker.events.agenda_views import bp as agenda_bp
    from tracker.events.participant_views import bp as participants_bp
    from tracker.events.views import bp as events_bp
    from tracker.messages.views import bp as messages_bp
    from tracker.privacy.views import bp as privacy_bp
    from tracker.summaries.views import bp as summaries_bp
    from tracker.web import bp as web_bp

    for blueprint in (web_bp, auth_bp, events_bp, participants_bp, agenda_bp, api_bp, scanner_bp):
        app.register_blueprint(blueprint)
    for blueprint in (privacy_bp, admin_bp, offices_bp, team_bp):
        app.register_blueprint(blueprint)
    for blueprint in (compliance_bp, checklist_templates_bp):
        app.register_blueprint(blueprint)
    for blueprint in (checkin_bp, presence_bp, door_bp, tickets_bp, devices_bp, late_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(summaries_bp)
    for blueprint in (messages_bp, certificates_bp, verify_bp):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from tracker.auth.cli import office_cli, user_cli
    from tracker.compliance.cli import checklists_cli
    from tracker.demo import demo_command
    from tracker.ops.cli import backup_command, restore_command
    from tracker.privacy.cli import purge_command

    app.cli.add_command(user_cli)
    app.cli.add_command(office_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(checklists_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _register_hooks(app: Flask) -> None:
    from tracker.auth.access import register_access
    from tracker.errors import register_error_handlers
    from tracker.guard import register_input_guard
    from tracker.static_files import register_static_compression
    from tracker.web import register_security_headers, register_template_helpers, trust_proxies

    register_access(app)
    register_input_guard(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_static_compression(app)
    trust_proxies(app)
