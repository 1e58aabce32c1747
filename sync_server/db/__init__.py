"""The server's database: models base, engine and scoped transactions, migrations."""
