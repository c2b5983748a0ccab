"""The words of the summary's files in the reader's language, through Flask-Babel.

The renderers are pure and take a ``Labels`` of ready-made words keyed by their English
msgid. The msgids are marked with ``N_`` (one of Babel's default extraction keywords) so
``make extract-messages`` finds them; ``summary_labels()`` translates them all at once for the
current request (Indonesian by default). Outside a request it gives the English words.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from tracker.compliance.models import ITEM_STATUS_LABELS, STREAM_LABELS
from tracker.events.models import PARTICIPANT_CATEGORY_LABELS
from tracker.i18n import current_language
from tracker.summaries.data import Labels


def N_(msgid: str) -> str:  # noqa: N802 - Babel's conventional name for "mark, do not translate"
    return msgid


#: How a check-in was made (tracker.checkin.models.Method), as a report reads it.
METHOD_LABELS = {
    "scanner": _l("Scanned by staff"),
    "door": _l("Own phone at the door"),
    "manual": _l("Found by name"),
    "walk_in": _l("Walk-in"),
}

MSGIDS = (
    N_("%(n)s percentage points"),
    N_("%(ok)d of %(n)d required items compliant"),
    N_("%(start)s to %(end)s"),
    N_(
        "%(n)d registered participants did not check in; the XLSX and CSV downloads list "
        "everyone registered."
    ),
    N_('Personal data anonymised on %(date)s: names read "Anonim".'),
    N_("Each day: the first entry (%(zone)s); – absent that day."),
    N_(
        "The first %(shown)d of %(n)d days are shown; the XLSX's participants sheet lists "
        "every day."
    ),
    N_("Attendance per session is in the XLSX and CSV."),
    N_("(no agency)"),
    N_("Agencies"),
    N_("Agencies reached"),
    N_("Agency"),
    N_("Agenda topics"),
    N_("All units"),
    N_("Arrivals over time"),
    N_("Assumption"),
    N_("Attendance"),
    N_("Attendance list"),
    N_("Attendance rate"),
    N_("By agency"),
    N_("By day and session"),
    N_("Attended"),
    N_("Checked out"),
    N_("Day"),
    N_("Day %(n)d"),
    N_("Days present"),
    N_("Present"),
    N_("Room"),
    N_("Session"),
    N_("Sessions attended"),
    N_("Completed"),
    N_("Per day"),
    N_("Per session"),
    N_("By category"),
    N_("Category"),
    N_("change from the first to the last event"),
    N_("Check-in"),
    N_("Check-in time"),
    N_("Checked in"),
    N_("Checked in per event"),
    N_("Checklist"),
    N_("Checklists"),
    N_("Compliance score"),
    N_("Compliance score (all checklists)"),
    N_("Compliance score per event"),
    N_("Date"),
    N_("Date and time"),
    N_("Ends"),
    N_("Event"),
    N_("Events"),
    N_("Events held"),
    N_("Expected participants"),
    N_("Figure"),
    N_("From"),
    N_("Gate"),
    N_("Generated"),
    N_("Item"),
    N_("Legal basis"),
    N_("Livestream"),
    N_("Method"),
    N_("Name"),
    N_("No"),
    N_("No checklist was attached."),
    N_("No event was held in this period."),
    N_("No required item answered yet"),
    N_("Nobody has checked in."),
    N_("Not signed off"),
    N_("Note"),
    N_("Not answered"),
    N_("Organiser"),
    N_("Organiser unit"),
    N_("Page"),
    N_("Participants"),
    N_("Period"),
    N_("Photos"),
    N_("Position"),
    N_("Post-event summary"),
    N_("Recorded by"),
    N_("Refill water"),
    N_("Registered"),
    N_("Report across events"),
    N_("Required"),
    N_("Required items compliant"),
    N_("Required items not compliant"),
    N_("Required items open"),
    N_("Score"),
    N_("Signed off"),
    N_("Signed off by"),
    N_("Single-use bottles avoided (estimate)"),
    N_("Speakers"),
    N_("Starts"),
    N_("Status"),
    N_("Stream"),
    N_("Summary"),
    N_("Sustainability"),
    N_("Time"),
    N_("To"),
    N_("Total"),
    N_("Trend"),
    N_("Tumbler"),
    N_("Tumbler rate"),
    N_("Tumbler rate per event"),
    N_("Tumbler: no"),
    N_("Tumbler: unknown"),
    N_("Tumbler: yes"),
    N_("Unique participants"),
    N_("Unknown"),
    N_("Value"),
    N_("Venue"),
    N_("Version"),
    N_("Walk-ins"),
    N_("Waste"),
    N_("Waste weighed"),
    N_("Yes"),
)


def summary_labels() -> Labels:
    """Every word the summary's and the report's files use, in the current language."""
    statuses = {key.value: str(text) for key, text in ITEM_STATUS_LABELS.items()}
    statuses["open"] = gettext("Not answered")
    return Labels(
        lang=current_language(),
        text={msgid: gettext(msgid) for msgid in MSGIDS},
        categories={key.value: str(text) for key, text in PARTICIPANT_CATEGORY_LABELS.items()},
        methods={key: str(text) for key, text in METHOD_LABELS.items()},
        statuses=statuses,
        streams={key.value: str(text) for key, text in STREAM_LABELS.items()},
    )
