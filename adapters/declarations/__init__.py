"""Subjects' own declarations and commitments, read from the gateway's store."""
