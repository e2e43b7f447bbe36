"""Alembic environment: the connection is handed over by ``syndicator.store.database.migrate``."""

from alembic import context

from syndicator.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
