"""Certificates (sertifikat) earned by attendance: designed per event, numbered from the
office's register, verifiable by QR at /v/<code>, signed (PAdES) when the office has a
signing certificate."""
