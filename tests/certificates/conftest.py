"""The certificates' tests use the messages' real parts (the SMTP server, the job queue)."""

from tests.messages.conftest import jobs, smtp_server  # noqa: F401 - fixtures shared here
