"""The service layer: the ASGI app, the CLI and GraphQL over HTTP."""
