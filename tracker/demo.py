"""``flask --app wsgi demo``: the Tabanan social-media training of the seed report, with 40
participants and the Pergub Bali 97/2018 checklist.

Everything goes through the services, like real data. Making it twice changes nothing. It joins
events, accounts and checklists, so it stands above them all, beside the blueprints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from tracker.auth.models import User
from tracker.auth.offices import create_office, find_office, office_roles, set_membership
from tracker.auth.roles import Role
from tracker.auth.services import create_user
from tracker.compliance.builtin import load_builtin_templates
from tracker.compliance.services import attach_template
from tracker.db import utcnow
from tracker.events.agenda import SessionInput, add_session
from tracker.events.days import event_dates
from tracker.events.models import Event, Participant
from tracker.events.registration import ParticipantInput, register_participants
from tracker.events.services import EventInput, VenueInput, create_event
from tracker.extensions import db

DEMO_EMAIL = "demo@diskominfo.tabanankab.go.id"
DEMO_PASSWORD = "demo-tabanan"
DEMO_ADMIN_EMAIL = "admin@diskominfo.tabanankab.go.id"
DEMO_ADMIN_PASSWORD = "admin-tabanan"
DEMO_TITLE = "Pelatihan Pengelolaan Media Sosial"
DEMO_OFFICE = "Diskominfo Kabupaten Tabanan"

AGENCIES = [
    "Dinas Kesehatan Kabupaten Tabanan",
    "Dinas Pariwisata Kabupaten Tabanan",
    "Dinas Pendidikan, Kepemudaan dan Olahraga Kabupaten Tabanan",
    "Bappeda Kabupaten Tabanan",
    "Dinas Pertanian Kabupaten Tabanan",
    "Dinas Lingkungan Hidup Kabupaten Tabanan",
    "Dinas Sosial Kabupaten Tabanan",
    "BPBD Kabupaten Tabanan",
    "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Tabanan",
    "RSUD Tabanan",
    "Sekretariat Daerah Kabupaten Tabanan",
    "Kecamatan Kediri",
]
GIVEN = [
    "I Wayan",
    "Ni Luh",
    "I Made",
    "Ni Made",
    "I Nyoman",
    "Ni Nyoman",
    "I Ketut",
    "Ni Ketut",
    "I Gede",
    "Ni Putu",
]
FAMILY = [
    "Sudarsana",
    "Ariani",
    "Widiantara",
    "Ari Widayani",
    "Suardana",
    "Sri Rahayu",
    "Budiarta",
    "Puspawati",
    "Astawa",
    "Dewi Lestari",
    "Mahendra",
    "Sukmawati",
]
TOPICS = [
    "Strategi komunikasi pemerintah di era digital",
    "Desain visual media sosial menggunakan Canva",
    "Pengenalan keamanan digital",
    "Etika dan tata kelola medsos instansi",
    "Teknik penulisan konten dan analisis performa media sosial",
]
SPEAKERS = [
    "I Nyoman Arta Sukma Witra (Kabid PISKP Diskominfo Tabanan)",
    "Tim indonesiabaik.id",
    "Tim indonesia.go.id",
]


@dataclass
class DemoResult:
    user: User
    event: Event
    created: bool


def _next_tuesday_nine(now: datetime) -> datetime:
    wita = now.astimezone(ZoneInfo("Asia/Makassar"))
    days = (1 - wita.weekday()) % 7 or 7
    day = (wita + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))


def demo_people(count: int = 40) -> list[ParticipantInput]:
    people = []
    for i in range(count):
        name = f"{GIVEN[i % len(GIVEN)]} {FAMILY[(i * 7) % len(FAMILY)]}"
        if i < len(SPEAKERS):  # the seed report's narasumber, by name
            name = SPEAKERS[i].split(" (")[0]
        category = "speaker" if i < 3 else "committee" if i < 6 else "participant"
        people.append(
            ParticipantInput(
                name=name,
                agency=AGENCIES[i % len(AGENCIES)],
                position="Pengelola Media Sosial",
                category=category,
                email=f"peserta{i + 1:02d}@tabanankab.go.id",
                phone=f"0812-3{i:03d}-{4000 + i}",
            )
        )
    return people


#: The seed training's five topics as timed sessions (local clock), with the index of their
#: speaker among SPEAKERS and their JP (one JP is 45 minutes of training).
AGENDA = [
    (TOPICS[0], time(9, 0), time(10, 0), 0, 1),
    (TOPICS[1], time(10, 0), time(11, 30), 1, 2),
    (TOPICS[2], time(11, 30), time(12, 15), 2, 1),
    (TOPICS[3], time(13, 0), time(14, 0), 0, 1),
    (TOPICS[4], time(14, 0), time(15, 30), 1, 2),
]


def add_demo_agenda(event: Event, speakers: list[Participant], user: User, now: datetime) -> None:
    """The five topics on the event's day in its meeting room, each with its speaker (the
    demo's three narasumber, named as in the seed report)."""
    day = event_dates(event.starts_at, event.ends_at, event.timezone)[0]
    for title, starts, ends, speaker, jp in AGENDA:
        session = SessionInput(title, day, starts, ends, "Ruang Rapat", jp, [speakers[speaker].id])
        add_session(event, session, user, now)


def _demo_admin(now: datetime) -> None:
    """The demo's admin (accounts, templates, settings), made once."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_ADMIN_EMAIL)) is None:
        create_user(
            DEMO_ADMIN_EMAIL,
            DEMO_ADMIN_PASSWORD,
            Role.ADMIN.value,
            "Demo Admin",
            actor_label="flask demo",
            now=now,
        )


def make_demo(now: datetime) -> DemoResult:
    """Create the demo organiser and event once; later calls return what is there."""
    load_builtin_templates(now)
    _demo_admin(now)
    user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
    event = db.session.scalar(select(Event).where(Event.title == DEMO_TITLE))
    if user is not None and event is not None:
        return DemoResult(user, event, created=False)
    office = find_office(DEMO_OFFICE) or create_office(
        DEMO_OFFICE,
        "Jl. Pahlawan No. 19, Tabanan, Bali",
        actor=None,
        now=now,
        actor_label="flask demo",
    )
    user = user or create_user(
        DEMO_EMAIL,
        DEMO_PASSWORD,
        Role.ORGANISER.value,
        "Demo Diskominfo",
        offices=[office],
        actor_label="flask demo",
        now=now,
    )
    if office.id not in office_roles(user.id):
        set_membership(user, office, Role.ORGANISER.value, actor=None, now=now)
    start = _next_tuesday_nine(now)
    event = create_event(
        EventInput(
            title=DEMO_TITLE,
            organiser_unit=DEMO_OFFICE,
            description=(
                "Pelatihan bagi pengelola akun media sosial OPD di lingkungan Pemkab Tabanan. "
                "Peserta wajib membawa tumbler sesuai Pergub Bali No. 97 Tahun 2018."
            ),
            starts_at=start,
            ends_at=start + timedelta(hours=7),
            timezone="Asia/Makassar",
            venue=VenueInput(
                "Kantor Diskominfo Kabupaten Tabanan",
                "Jl. Pahlawan No. 19, Tabanan, Bali",
                "Ruang Rapat",
                60,
            ),
            topics=TOPICS,
            speakers=SPEAKERS,
            expected_participants=40,
            allow_walk_ins=True,
            status="open",
        ),
        user,
        now=now,
    )
    people = register_participants(event, demo_people(), now, source="demo")
    add_demo_agenda(event, people[:3], user, now)
    attach_template(event, "pergub-bali-97-2018", user, now)  # as in the seed report
    return DemoResult(user, event, created=True)


@click.command("demo")
def demo_command() -> None:
    """Create the demo organiser, admin and a demo event with 40 participants (once)."""
    result = make_demo(utcnow())
    db.session.commit()
    state = "Created" if result.created else "Kept"
    click.echo(f"{state} the demo event #{result.event.id}: {result.event.title}.")
    click.echo(f"Log in as {DEMO_EMAIL} with the password {DEMO_PASSWORD} (organiser),")
    click.echo(f"or as {DEMO_ADMIN_EMAIL} with the password {DEMO_ADMIN_PASSWORD} (admin).")
