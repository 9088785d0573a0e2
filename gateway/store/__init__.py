"""The gateway's own state: consents, the query log (and later objections, repairs,
declarations), in one SQLAlchemy database with Alembic migrations."""
