"""The Indonesian catalogue: complete, faithful to its placeholders, and the default of every page.

The messages are extracted afresh from the code and templates (as ``make extract-messages``
does), so a string added without a translation fails here, not in front of a participant.
Compiled catalogues (.mo) are built, not committed: this module compiles any that is missing or
older than its .po, so ``pytest`` works without ``make`` first.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import log_in

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "tracker" / "translations"
ID_PO = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po"
#: A named printf placeholder, as Flask-Babel fills them: %(name)s, %(n)d, %(x).1f ...
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z]")


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def compile_catalogues() -> None:
    """Write messages.mo next to every messages.po it is missing for or older than."""
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = _read(po)
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                write_mo(f, catalog, use_fuzzy=True)  # as `make translations` does
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a server's own user
            os.replace(tmp, mo)  # atomic: a parallel run never reads half a file
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


# At import, before any test makes the app load its translations.
compile_catalogues()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages in the code today, extracted like `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    command = [*pybabel, "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return _read(pot)


@pytest.fixture(scope="module")
def indonesian() -> Catalog:
    return _read(ID_PO)


def _where(message: Message) -> str:
    places = ", ".join(f"{path}:{line}" for path, line in message.locations[:3])
    return f"{message.id!r} ({places})" if places else repr(message.id)


def _forms(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return list(message.string)
    return [message.string or ""]


def _translated(message: Message | None, num_plurals: int) -> bool:
    if message is None or message.fuzzy:
        return False
    forms = _forms(message)
    if isinstance(message.id, (list, tuple)) and len(forms) < num_plurals:
        return False
    return all(form.strip() for form in forms)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_every_message_in_the_code_has_an_indonesian_translation(extracted, indonesian):
    missing = [
        _where(message)
        for message in extracted
        if message.id
        and not _translated(indonesian.get(message.id, message.context), indonesian.num_plurals)
    ]
    assert not missing, (
        f"{len(missing)} message(s) have no Indonesian translation (or only a fuzzy one). "
        "Run `make extract-messages` and translate them in "
        "tracker/translations/id/LC_MESSAGES/messages.po:\n  " + "\n  ".join(missing)
    )


def test_translations_keep_the_placeholders_of_their_message(indonesian):
    wrong = []
    for message in indonesian:
        if not message.id:
            continue
        singular, plural = (
            (message.id[0], message.id[1])
            if isinstance(message.id, (list, tuple))
            else (message.id, message.id)
        )
        for index, form in enumerate(_forms(message)):
            if not form:
                continue  # an untranslated message is the other test's business
            # With several forms, the first is the singular's; a single form serves every n.
            source = singular if index == 0 and indonesian.num_plurals > 1 else plural
            expected, found = _placeholders(source), _placeholders(form)
            if found != expected:
                wrong.append(f"{_where(message)}: msgstr {sorted(found)}, msgid {sorted(expected)}")
                continue
            if expected:  # it is %-formatted: a stray % would raise in front of the user
                try:
                    form % {re.search(r"\(([^)]*)\)", p).group(1): 1 for p in expected}
                except (ValueError, TypeError, KeyError) as error:
                    wrong.append(f"{_where(message)}: msgstr does not format ({error})")
    assert not wrong, "Placeholders differ from the msgid:\n  " + "\n  ".join(wrong)


def test_pages_are_in_indonesian_by_default_and_in_english_on_request(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert ">Masuk<" in html
    assert "Log in" not in html

    assert client.get("/lang/en").status_code == 302

    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert ">Log in<" in html
    assert "Masuk" not in html

    client.get("/lang/id")
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in html and ">Masuk<" in html


def test_a_logged_in_page_follows_the_language_switch(client, users):
    log_in(client, users.organiser)
    html = client.get("/events").get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Kegiatan baru" in html and "Keluar" in html

    client.get("/lang/en")
    html = client.get("/events").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "New event" in html and "Log out" in html


def test_form_errors_and_not_found_pages_are_indonesian(client, users, api):
    """WTForms ships no Indonesian catalogue, and werkzeug's error texts are English: both are
    answered from ours."""
    html = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Isian ini wajib diisi." in html and "This field is required" not in html
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert "tidak ada" in html and "requested URL" not in html
    answer = api("organiser").get("/api/v1/events/999999/no-such-thing")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"
    assert "tidak ada" in answer.get_json()["error"]["message"]
    client.get("/lang/en")
    html = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "This field is required." in html


def test_every_form_takes_its_messages_from_our_catalogue():
    """A form built on FlaskForm directly would show WTForms' English messages again."""
    from flask_wtf import FlaskForm

    import tracker.admin.forms  # noqa: F401 - every feature's forms, loaded
    import tracker.certificates.forms  # noqa: F401
    import tracker.compliance.forms  # noqa: F401
    import tracker.events.forms  # noqa: F401
    import tracker.messages.forms  # noqa: F401
    import tracker.privacy.forms  # noqa: F401
    from tracker.forms import AppForm

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    strays = [f.__qualname__ for f in subclasses(FlaskForm) if not issubclass(f, AppForm)]
    assert strays == []


def test_times_carry_the_weekday_and_no_seconds():
    from tests.clock import TUESDAY_NINE
    from tracker.times import moment, moment_from

    assert moment(TUESDAY_NINE, "Asia/Makassar", "id") == "Selasa, 21 Jul 2026 09.00 WITA"
    assert moment(TUESDAY_NINE, "Asia/Makassar", "en") == "Tuesday, 21 Jul 2026 09:00 WITA"
    assert moment_from(TUESDAY_NINE, TUESDAY_NINE, "Asia/Makassar", "id") == "09.00 WITA"


def test_pages_show_times_with_the_weekday_and_no_seconds(client, users):
    from tests.factories import make_event

    event = make_event(users.organiser)
    log_in(client, users.organiser)
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Selasa, 21 Jul 2026 08.00 WITA" in html
    assert not re.search(r"\d\d[.:]\d\d[.:]\d\d", html)
