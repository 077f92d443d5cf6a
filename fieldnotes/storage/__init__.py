"""Persistence: the only package that imports SQLAlchemy (engine, tables, queries, migrations)."""
