"""Persistence: SQLAlchemy 1.4 tables (2.0 style) and the engine factory."""
