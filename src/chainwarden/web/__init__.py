"""The web layer: REST API under /api/v1 and server-rendered pages. Thin by design."""
