"""The project database: connection settings and schema migrations."""
from qcode.db.connection import connect, transaction
from qcode.db.migrations import MIGRATIONS, migrate, schema_version

__all__ = ["connect", "transaction", "migrate", "schema_version", "MIGRATIONS"]
