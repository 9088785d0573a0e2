"""Source adapters: provider-unit databases, credit bureaus, self-declarations."""
