"""Configuration, read from the environment.

Only ``load_config`` reads ``os.environ``; ``create_app`` calls it, and tests pass a mapping of
their own instead of changing the environment.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The environments the app knows. Anything that is not development or testing is production,
#: which refuses to start without SECRET_KEY.
DEVELOPMENT, TESTING, PRODUCTION = "development", "testing", "production"
#: The file in the instance folder that marks it as the one ``make run`` made (development).
DEVELOPMENT_MARKER = "development"


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app; the message says what to set."""


def database_url(raw: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: DATABASE_URL, or a SQLite file in the instance folder.

    ``postgres://`` and ``postgresql://`` (as hosting platforms write them) are pointed at the
    psycopg 3 driver, the one we install.
    """
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "tracker.db")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _secret_key(env: Mapping[str, str], mode: str, instance_path: str) -> str:
    key = env.get("SECRET_KEY")
    if key:
        return key
    if mode == PRODUCTION:
        raise ConfigError(
            "SECRET_KEY is not set. In production set it to a long random value, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    # Development: a key kept in the instance folder, so logins survive a restart.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def environment_name(env: Mapping[str, str], instance_path: str) -> str:
    """TRACKER_ENV; when it is not set, development for the instance folder ``make run`` made
    (so ``.venv/bin/flask --app wsgi user create ...`` works there with no variables), as long
    as nothing of a production set-up is given either (SECRET_KEY, DATABASE_URL); otherwise
    production, which then asks for what it lacks."""
    mode = env.get("TRACKER_ENV")
    if mode:
        return mode
    if env.get("SECRET_KEY") or env.get("DATABASE_URL"):
        return PRODUCTION
    marked = (Path(instance_path) / DEVELOPMENT_MARKER).exists()
    return DEVELOPMENT if marked else PRODUCTION


def _mark_development(instance_path: str) -> None:
    marker = Path(instance_path) / DEVELOPMENT_MARKER
    if not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(
            "Made by `make run` (TRACKER_ENV=development): flask commands run without variables "
            "use this folder's database and key. Production never has this file.\n"
        )


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"TIMEZONE {name!r} is not a known time zone") from exc
    return name


def _trusted_hosts(env: Mapping[str, str], production: bool) -> list[str] | None:
    """TRUSTED_HOSTS (comma-separated) as Flask takes it. Production refuses to start with
    neither it nor BASE_URL: the Host header, which anyone can send, would then write the
    links in tickets, posters and messages."""
    hosts = [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    if production and not hosts and not env.get("BASE_URL", "").strip():
        raise ConfigError(
            "BASE_URL is not set. In production set it to the public address the phones open "
            "(e.g. BASE_URL=https://hadir.example.go.id), or list the accepted host names in "
            "TRUSTED_HOSTS, so that the Host header never decides ticket links."
        )
    return hosts or None


def worker_limits_problem(env: Mapping[str, str], workers: int, instance_path: str) -> str | None:
    """Why several workers must not start with this environment, or None (gunicorn.conf.py
    asks): in production, rate limits kept in each worker's memory would multiply every limit
    by the number of workers."""
    mode = environment_name(env, instance_path)
    if mode in (DEVELOPMENT, TESTING) or workers <= 1 or env.get("RATELIMIT_ENABLED") == "0":
        return None
    if env.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        return (
            f"{workers} workers with rate limits in each worker's memory (memory://): every "
            "limit would count {workers} times. Set RATELIMIT_STORAGE_URI=redis://host:6379 "
            "(README: Several servers), or run one worker."
        ).replace("{workers}", str(workers))
    return None


def _board_cache_url(env: Mapping[str, str], instance_path: str) -> str:
    """BOARD_CACHE_URL; else the limiter's Redis, which every server already shares; else
    files in the instance folder, shared by the workers of this server."""
    if env.get("BOARD_CACHE_URL"):
        return env["BOARD_CACHE_URL"]
    limiter = env.get("RATELIMIT_STORAGE_URI", "")
    if limiter.startswith(("redis://", "rediss://")):
        return limiter
    return "file://" + str(Path(instance_path) / "board-cache")


def load_config(env: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Build the Flask configuration from an environment mapping.

    Raises ConfigError for a production environment without SECRET_KEY, without BASE_URL or
    TRUSTED_HOSTS, or with an unknown TIMEZONE.
    """
    mode = environment_name(env, instance_path)
    production = mode not in (DEVELOPMENT, TESTING)
    if mode == DEVELOPMENT:
        _mark_development(instance_path)
    url = database_url(env.get("DATABASE_URL"), instance_path)
    return {
        "ENV_NAME": mode,
        "SECRET_KEY": _secret_key(env, PRODUCTION if production else mode, instance_path),
        "SQLALCHEMY_DATABASE_URI": url,
        "TIMEZONE": _timezone(env.get("TIMEZONE", "Asia/Makassar")),
        "PORT": int(env.get("PORT", "5000")),
        "BASE_URL": env.get("BASE_URL", "").strip().rstrip("/"),
        "TRUSTED_HOSTS": _trusted_hosts(env, production),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") != "0",
        # Door-page look-ups that found nobody, per client address (successes never count).
        "DOOR_LOOKUP_LIMIT": env.get("DOOR_LOOKUP_LIMIT", "30 per minute"),
        # How many reverse proxies (nginx, Caddy, a load balancer) stand in front of the app:
        # their X-Forwarded-For/-Proto are then believed, so rate limits count each client and
        # not the proxy. 0: headers ignored (anyone could forge them to dodge the limits).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # How long after an event's check-in window closes an offline device may still send
        # the scans it made in the window; later ones are refused (tracker/checkin/services.py).
        "CHECKIN_SYNC_GRACE_HOURS": float(env.get("CHECKIN_SYNC_GRACE_HOURS", "24")),
        # The job queue (tracker/jobs.py): a SQLite file in the instance folder by default.
        "QUEUE_URL": env.get("QUEUE_URL") or "sqlite:///" + str(Path(instance_path) / "queue.db"),
        # Messages (tracker/messages): e-mail through any SMTP server, WhatsApp through the
        # WhatsApp Business Platform (Cloud API); without them only wa.me links are offered.
        "SMTP_URL": env.get("SMTP_URL", ""),
        "MAIL_FROM": env.get("MAIL_FROM", ""),
        "MAIL_RATE_PER_MINUTE": int(env.get("MAIL_RATE_PER_MINUTE", "60")),
        "WHATSAPP_TOKEN": env.get("WHATSAPP_TOKEN", ""),
        "WHATSAPP_PHONE_NUMBER_ID": env.get("WHATSAPP_PHONE_NUMBER_ID", ""),
        "WHATSAPP_API_URL": env.get("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0"),
        "WHATSAPP_TEMPLATE": env.get("WHATSAPP_TEMPLATE", ""),
        "WHATSAPP_RATE_PER_MINUTE": int(env.get("WHATSAPP_RATE_PER_MINUTE", "600")),
        # The live board (tracker/checkin/live_figures.py): screens held open by server-sent
        # events, per worker process (each holds one of gunicorn's threads; more screens poll),
        # how often a worker looks for changes, and how long one stream lasts before the
        # browser reconnects.
        "BOARD_STREAMS_PER_WORKER": int(env.get("BOARD_STREAMS_PER_WORKER", "2")),
        "BOARD_PUSH_SECONDS": float(env.get("BOARD_PUSH_SECONDS", "2")),
        "BOARD_STREAM_SECONDS": float(env.get("BOARD_STREAM_SECONDS", "300")),
        # Where the workers share the board's figures (tracker/checkin/board_cache.py).
        "BOARD_CACHE_URL": _board_cache_url(env, instance_path),
        # Certificates signed with the office's PKCS#12 get a trusted time (PAdES B-T) from this
        # RFC 3161 timestamp authority when it is set; without it they are signed without one.
        "SIGNING_TSA_URL": env.get("SIGNING_TSA_URL", ""),
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER", str(Path(instance_path) / "uploads")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024))),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open all morning at the door still posts
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        # A database server may restart under a pooled connection: tracker.db.configure_server
        # sees it closed without the round trip of SQLAlchemy's pool_pre_ping.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
    }
