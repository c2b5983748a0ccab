"""The columns of the participant list and of the report's event table, shared by the XLSX
and the CSV so that both files read the same way. Pure: no Flask."""

from __future__ import annotations

from tracker.summaries.data import Labels


def participant_columns(zone_label: str, labels: Labels) -> list[str]:
    return [
        "No.",
        labels["Name"],
        labels["Agency"],
        labels["Position"],
        labels["Category"],
        labels["Checked in"],
        f"{labels['Check-in time']} ({zone_label})",
        labels["Method"],
        labels["Gate"],
        labels["Tumbler"],
    ]


def report_columns(labels: Labels) -> list[str]:
    return [
        labels["Date"],
        labels["Event"],
        labels["Organiser unit"],
        labels["Registered"],
        labels["Checked in"],
        labels["Walk-ins"],
        labels["Agencies"],
        labels["Tumbler: yes"],
        labels["Tumbler rate"] + " (%)",
        labels["Compliance score"] + " (%)",
    ]
