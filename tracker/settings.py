"""Settings an admin changes in the app (not deployment configuration): the retention default,
the staff's idle timeout. A floor below every feature, because features on different floors
read them (auth the idle timeout, privacy the retention)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class Setting(db.Model):
    """One setting, by key; its value is JSON."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


def read_setting(key: str, default: Any) -> Any:
    setting = db.session.get(Setting, key)
    return setting.value if setting is not None else default


def write_setting(key: str, value: Any) -> None:
    """Flushes; the caller commits."""
    setting = db.session.get(Setting, key) or Setting(key=key)
    setting.value = value
    db.session.add(setting)
    db.session.flush()
