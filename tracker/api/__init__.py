"""The JSON API under /api/v1: bearer tokens, JSON errors, an OpenAPI description."""
