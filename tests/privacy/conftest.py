"""The privacy tests of messages and certificates use the messages' real parts."""

from tests.messages.conftest import jobs, smtp_server  # noqa: F401 - fixtures shared here
