"""The project database: connection settings, checks, schema migrations."""
from qcode.db.connection import Database, connect, transaction
from qcode.db.migrations import MIGRATIONS, migrate, schema_version
from qcode.db.opening import create_database, open_database

__all__ = ["Database", "connect", "transaction", "migrate", "schema_version", "MIGRATIONS", "open_database",
           "create_database"]
