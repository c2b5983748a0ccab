"""Placeholders and the personal-data notice: pure functions."""

import pytest

from tracker.checkin.tickets import Notice, personal_data_notice
from tracker.messages import texts
from tracker.placeholders import PlaceholderError, check, fill, placeholders_in


def test_fill_replaces_names_and_keeps_literal_braces():
    assert fill("Yth. {name} {{kode}}", {"name": "I Wayan"}) == "Yth. I Wayan {kode}"


@pytest.mark.parametrize("text", ["{nama}", "{0}", "{}", "{name.upper}"])
def test_unknown_placeholders_are_named(text):
    with pytest.raises(PlaceholderError) as caught:
        check(text, ["name"])
    assert str(caught.value).startswith("{")


def test_a_lone_brace_is_refused():
    with pytest.raises(PlaceholderError) as caught:
        placeholders_in("Yth. {name")
    assert caught.value.placeholder == ""


def test_a_format_spec_cannot_reach_into_values():
    assert fill("{name:>20}", {"name": "Ni Luh"}) == "Ni Luh"


def test_every_default_uses_only_known_placeholders():
    for kind in texts.MessageKind:
        for language in ("id", "en"):
            subject, body = texts.default_text(kind, language)
            check(subject + body, texts.placeholders_for(kind))


def test_the_reminder_states_the_tumbler_rule():
    _subject, body = texts.default_text("reminder", "id")
    assert "Mohon membawa tumbler/botol minum sendiri" in body
    assert "Pergub Bali No. 97 Tahun 2018" in body


def test_the_notice_names_the_legal_basis_and_the_data_page():
    notice = Notice("Diskominfo Kabupaten Tabanan", "consent", "ppid@tabanankab.go.id")
    text = personal_data_notice(notice, "https://x/t/abc/data", "id")
    assert "UU No. 27 Tahun 2022" in text and "persetujuan Anda" in text
    assert "https://x/t/abc/data" in text and "ppid@tabanankab.go.id" in text
    english = personal_data_notice(notice, "https://x/t/abc/data", "en")
    assert "your consent" in english


def test_a_copy_always_carries_the_notice():
    notice = Notice("Diskominfo", "public_service")
    copy = texts.personal_copy(
        "S {title}", "Hi {name}", {"name": "A", "title": "T"}, notice, "u", "id"
    )
    assert copy.subject == "S T"
    assert copy.text.startswith("Hi A\n\n") and "Pasal 20 ayat (2) huruf e" in copy.text
