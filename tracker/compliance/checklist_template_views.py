"""Checklist template pages: organisers read them, admins write new versions.

Saving the edit form never changes a version: it writes the next one (when something changed),
so events keep the version they were checked against.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.compliance import checklist_templates
from tracker.compliance.forms import EXTRA_ITEM_ROWS, TemplateForm
from tracker.compliance.models import ANSWER_TYPE_LABELS, ITEM_CATEGORY_LABELS, ChecklistTemplate
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.forms import form_errors

bp = Blueprint("checklist_templates", __name__, url_prefix="/checklist-templates")

ITEM_FIELDS = ("text_id", "text_en", "basis", "category", "required", "answer_type", "unit")
ITEM_FIELDS += ("photo_on_fail", "note_on_fail")
BOOLEANS = frozenset({"required", "photo_on_fail", "note_on_fail"})


@bp.route("")
@requires(Role.ORGANISER)
def index() -> str:
    latest = checklist_templates.list_templates()
    return render_template("compliance/checklist_templates/index.html", templates=latest)


@bp.route("/<key>")
@requires(Role.ORGANISER)
def show(key: str) -> str:
    version = request.args.get("version", type=int)
    template = checklist_templates.get_template(key, version)
    return render_template(
        "compliance/checklist_templates/show.html",
        template=template,
        versions=[
            (t, checklist_templates.usage_count(t))
            for t in checklist_templates.template_versions(key)
        ],
        ITEM_CATEGORY_LABELS=ITEM_CATEGORY_LABELS,
        ANSWER_TYPE_LABELS=ANSWER_TYPE_LABELS,
    )


def _fill(form: TemplateForm, template: ChecklistTemplate | None) -> None:
    if template is not None:
        data = checklist_templates.template_input(template)
        for name in ("key", "title", "title_en", "basis_regulation", "basis_number"):
            getattr(form, name).data = getattr(data, name)
        form.basis_year.data = data.basis_year
        form.basis_article.data, form.basis_url.data = data.basis_article, data.basis_url
        for item in data.items:
            form.items.append_entry(vars(item))
    for _row in range(EXTRA_ITEM_ROWS):
        form.items.append_entry()


def _input(form: TemplateForm, key: str) -> checklist_templates.TemplateInput:
    items = [
        checklist_templates.ItemInput(
            **{
                name: row.form[name].data or ("" if name not in BOOLEANS else False)
                for name in ITEM_FIELDS
            }
        )
        for row in form.items
        if not row.form.remove.data and (row.form.text_id.data or "").strip()
    ]
    return checklist_templates.TemplateInput(
        key=key,
        title=form.title.data or "",
        title_en=form.title_en.data or "",
        basis_regulation=form.basis_regulation.data or "",
        basis_number=form.basis_number.data or "",
        basis_year=form.basis_year.data,
        basis_article=form.basis_article.data or "",
        basis_url=form.basis_url.data or "",
        items=items,
    )


def _save(template: ChecklistTemplate | None) -> Any:
    form = TemplateForm()
    if template is not None:
        form.key.data = template.key  # the key never changes
    if request.method == "GET":
        _fill(form, template)
    elif form.validate_on_submit():
        try:
            key = form.key.data.strip()
            if template is None and checklist_templates.latest_version(key) is not None:
                raise ValidationFailed(
                    _("A template with this key exists; edit it instead."),
                    {"key": _("Already used.")},
                )
            saved = checklist_templates.save_template_version(
                _input(form, key), current_user, utcnow()
            )
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
        else:
            db.session.commit()
            if template is not None and saved.id == template.id:
                flash(_("Nothing changed; still version %(n)d.", n=saved.version), "info")
            else:
                flash(_("Saved as version %(n)d.", n=saved.version), "success")
            return redirect(url_for("checklist_templates.show", key=saved.key))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "compliance/checklist_templates/form.html", form=form, template=template
    ), status


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def create() -> Any:
    return _save(None)


@bp.route("/<key>/edit", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit(key: str) -> Any:
    return _save(checklist_templates.get_template(key))
