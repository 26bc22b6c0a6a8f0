"""Django's SQLite backend with the placeholder conversion of each statement kept (ADR 60)."""
