"""Certificate pages for organisers: who completed and who holds a certificate, issuing (all at
once, or one person with a reason), revoking, the design with its live preview, the office's
register, and all certificates as one PDF or a ZIP."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tracker import audit
from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.certificates import files, services, texts
from tracker.certificates.eligibility import completed
from tracker.certificates.forms import (
    BundleForm,
    DesignForm,
    IssueForm,
    ReasonForm,
    RegisterForm,
)
from tracker.certificates.jobs import BUNDLE, SIGN
from tracker.certificates.models import Certificate, CertificateBundle
from tracker.compliance.photos import PhotoRejected, prepare_photo
from tracker.db import utcnow
from tracker.errors import Conflict, NotFound, ValidationFailed
from tracker.events.models import Event, Participant, category_label
from tracker.events.registration import get_participant
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.forms import form_errors
from tracker.http import send_bytes, site_url
from tracker.jobs import enqueue
from tracker.storage import get_storage

bp = Blueprint("certificates", __name__, url_prefix="/events/<int:event_id>/certificates")


def _signing(event: Event) -> bool:
    return bool(services.register_for(event, utcnow()).signing_p12)


def _rows(event: Event) -> list[dict[str, Any]]:
    """Everyone registered, with whether they completed and their latest certificate."""
    done = completed(event, utcnow())
    latest: dict[int, Certificate] = {}
    for cert in services.event_certificates(event):
        if cert.participant_id is not None:
            latest[cert.participant_id] = cert
    people = db.session.scalars(
        select(Participant).where(Participant.event_id == event.id).order_by(Participant.name)
    )
    return [
        {"person": p, "completed": p.id in done, "cert": latest.get(p.id),
         "role": category_label(p.category)}
        for p in people
    ]  # fmt: skip


def _bundles(event: Event) -> dict[str, CertificateBundle]:
    query = select(CertificateBundle).where(CertificateBundle.event_id == event.id)
    latest: dict[str, CertificateBundle] = {}
    for bundle in db.session.scalars(query.order_by(CertificateBundle.id)):
        latest[bundle.format] = bundle
    return latest


@bp.route("")
@requires(Role.ORGANISER)
def index(event_id: int) -> str:
    event = get_event(event_id)
    rows = _rows(event)
    to_issue = sum(1 for r in rows if r["completed"] and r["cert"] is None)
    db.session.commit()  # register_for may have made the office's register
    return render_template(
        "certificates/index.html",
        event=event,
        rows=rows,
        to_issue=to_issue,
        design=services.saved_design(event),
        ended=utcnow() >= event.ends_at,
        bundles=_bundles(event),
        form=IssueForm(),
        reason_form=ReasonForm(),
        bundle_form=BundleForm(),
    )


def _back(event: Event) -> Response:
    return redirect(url_for("certificates.index", event_id=event.id))


def _after_issue(event: Event, count: int) -> None:
    if count and _signing(event):
        enqueue(SIGN, event.id, site_url(""))


@bp.route("/issue", methods=["POST"])
@requires(Role.ORGANISER)
def issue(event_id: int) -> Response:
    event = get_event(event_id)
    if IssueForm().validate_on_submit():
        try:
            count = services.issue_all(event, current_user, utcnow())
        except Conflict as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return _back(event)
        db.session.commit()
        _after_issue(event, count)
        flash(_("%(n)d certificates issued.", n=count), "success")
    return _back(event)


@bp.route("/people/<int:participant_id>/issue", methods=["POST"])
@requires(Role.ORGANISER)
def issue_one(event_id: int, participant_id: int) -> Response:
    event = get_event(event_id)
    person = get_participant(event, participant_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.issue_one(event, person, current_user, utcnow(), form.reason.data or "")
        except (Conflict, ValidationFailed) as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return _back(event)
        db.session.commit()
        _after_issue(event, 1)
        flash(_("Certificate issued to %(name)s.", name=person.name), "success")
    return _back(event)


@bp.route("/<int:certificate_id>/revoke", methods=["POST"])
@requires(Role.ORGANISER)
def revoke(event_id: int, certificate_id: int) -> Response:
    event = get_event(event_id)
    cert = services.get_certificate(event, certificate_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.revoke(cert, current_user, utcnow(), form.reason.data or "")
        except (Conflict, ValidationFailed) as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return _back(event)
        db.session.commit()
        flash(_("Certificate %(number)s revoked.", number=cert.number), "success")
    return _back(event)


def pdf_response(data: bytes, filename: str, inline: bool = True) -> Response:
    return send_bytes(data, "application/pdf", filename, inline=inline)


def revoked_page(cert: Certificate) -> tuple[str, int]:
    """410 Gone: a revoked certificate is not handed out again, and the page says so."""
    message = _("This certificate (%(number)s) was revoked and can no longer be downloaded.",
                number=cert.number)  # fmt: skip
    return render_template("error.html", status=410, message=message), 410


@bp.route("/<int:certificate_id>.pdf")
@requires(Role.ORGANISER)
def one_pdf(event_id: int, certificate_id: int) -> Response | tuple[str, int]:
    event = get_event(event_id)
    cert = services.get_certificate(event, certificate_id)
    if not cert.is_valid:
        return revoked_page(cert)
    data = files.render_one(cert, site_url(""))
    db.session.commit()
    return pdf_response(data, f"certificate-{cert.id}.pdf")


# --- the design, with its live preview -----------------------------------------------------


def _design_input(form: DesignForm) -> services.DesignInput:
    return services.DesignInput(
        **{name: getattr(form, name).data or "" for name in services.DesignInput.__annotations__}
    )


def _upload(field: Any) -> bytes | None:
    data = field.data
    if isinstance(data, FileStorage) and data.filename:
        return data.read(11 * 1024 * 1024)
    return None


def _save_images(form: DesignForm, design: Any) -> None:
    for which in ("logo", "background"):
        raw = _upload(getattr(form, which))
        if raw is not None:
            services.set_image(design, which, raw)
        elif getattr(form, f"remove_{which}").data:
            services.set_image(design, which, None)


@bp.route("/design", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def design(event_id: int) -> str | Response:
    event = get_event(event_id)
    current = services.design_for(event)
    form = DesignForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.jp.data = texts.jp_text(current.jp, "en").replace(",", "")
    if form.validate_on_submit():
        try:
            saved = services.save_design(event, _design_input(form), current_user, utcnow())
            _save_images(form, saved)
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
        else:
            flash(_("The certificate design is saved."), "success")
            return redirect(url_for("certificates.design", event_id=event.id))
    return render_template("certificates/design.html", event=event, form=form, design=current)


@bp.route("/preview.png", methods=["POST"])
@requires(Role.ORGANISER)
def preview(event_id: int) -> Response:
    """The design as posted (not saved) on a sample person: the design page posts its form
    here as it is typed in (static/js/certificate-preview.js)."""
    event = get_event(event_id)
    form = DesignForm()
    data = _design_input(form)
    errors = services.design_errors(data)
    design = services.default_design(event, data.language if "language" not in errors else "id")
    for name in ("title", "body", "speaker_body", "committee_body", "place", "signer_name",
                 "signer_position", "signer_nip"):  # fmt: skip
        if name not in errors:
            setattr(design, name, getattr(data, name))
    design.jp = services.read_jp(data.jp) or design.jp
    saved = services.design_for(event)
    logo, background = _upload(form.logo), _upload(form.background)
    design.logo_key = "" if form.remove_logo.data else saved.logo_key
    design.background_key = "" if form.remove_background.data else saved.background_key
    try:
        png = files.preview_png(event, design, _checked(logo), _checked(background))
    except ValueError:
        png = files.preview_png(event, services.default_design(event), None, None)
    db.session.commit()
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


def _checked(raw: bytes | None) -> bytes | None:
    """An upload for the preview, checked as a saved one would be (None: keep the saved)."""
    if raw is None:
        return None
    try:
        return prepare_photo(raw).data
    except PhotoRejected:
        return None


# --- the office's register ----------------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def register(event_id: int) -> str | Response:
    event = get_event(event_id)
    now = utcnow()
    reg = services.register_for(event, now)
    form = RegisterForm(obj=reg if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.set_pattern(reg, form.pattern.data or "", current_user, now)
            raw = _upload(form.p12)
            if raw is not None:
                services.set_signing(reg, raw, form.p12_password.data or "", current_user, now)
            elif form.remove_signing.data:
                services.remove_signing(reg, current_user, now)
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            reg = services.register_for(event, now)  # it may have been made by this request
            form_errors(form, exc)
        else:
            flash(_("The register is saved."), "success")
            return redirect(url_for("certificates.register", event_id=event.id))
    db.session.commit()
    return render_template("certificates/register.html", event=event, form=form, register=reg)


# --- everything as one file, made on the worker --------------------------------------------


@bp.route("/bundles", methods=["POST"])
@requires(Role.ORGANISER)
def request_bundle(event_id: int) -> Response:
    event = get_event(event_id)
    form = BundleForm()
    if form.validate_on_submit():
        bundle = CertificateBundle(
            event_id=event.id,
            format=form.format.data,
            status="queued",
            base_url=site_url(""),
            requested_at=utcnow(),
            requested_by_id=current_user.id,
        )
        db.session.add(bundle)
        db.session.commit()
        enqueue(BUNDLE, bundle.id)
        flash(_("The file is being prepared; this page shows it when it is ready."), "info")
    return _back(event)


@bp.route("/bundles/<int:bundle_id>")
@requires(Role.ORGANISER)
def download_bundle(event_id: int, bundle_id: int) -> Response:
    event = get_event(event_id)
    bundle = db.session.get(CertificateBundle, bundle_id)
    if bundle is None or bundle.event_id != event.id or bundle.status != "ready":
        raise NotFound(_("This file is not ready (or no longer kept); prepare it again."))
    try:
        data = get_storage().open(bundle.storage_key)
    except KeyError:
        raise NotFound(_("This file is not ready (or no longer kept); prepare it again.")) from None
    fmt, event_id = bundle.format, event.id  # read before the log's commit expires them
    audit.log_export(
        f"export.certificates_{fmt}",
        now=utcnow(),
        actor=current_user,
        event_id=event_id,
        subject_type="event",
        subject_id=event_id,
        details={"format": fmt, "rows": bundle.count},
    )
    mimetype = "application/zip" if fmt == "zip" else "application/pdf"
    return send_bytes(data, mimetype, f"certificates-{event_id}.{fmt}")
