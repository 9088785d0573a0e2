"""Cross-cutting behaviour as wrappers that satisfy the source protocol (STYLE.md rule 4)."""
