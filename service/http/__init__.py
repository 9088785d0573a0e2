"""GraphQL over HTTP: requests, limits, documents and the browser IDE."""
