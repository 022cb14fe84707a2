"""Persistence: typed SQLAlchemy models, engine and session factories, queries, migrations."""
