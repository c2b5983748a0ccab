"""Post-event summaries: one set of figures per event, rendered as a page, PDF, XLSX, CSV and
JSON, a drafted news paragraph, and the report across events."""
