"""Provider-unit databases behind SQLAlchemy async (SQLite, PostgreSQL, MySQL/MariaDB)."""
