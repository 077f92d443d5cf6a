"""Alembic environment: migrations run on the connection the application already holds."""

from alembic import context

from fieldnotes.storage.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("fieldnotes migrations run through fieldnotes.storage.migrate, with a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
