"""The admin's pages: accounts and roles, the retention default, the audit log."""
