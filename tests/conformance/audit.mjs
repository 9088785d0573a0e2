// Runs graphql-http's GraphQL-over-HTTP server audits against argv[2] and prints
// one JSON list of {id, name, status, reason}. Exits 0 whatever the audits say;
// tests/conformance/test_graphql_http_audit.py judges the result.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql-url>');
  process.exit(2);
}

const results = await auditServer({ url });
const report = results.map(({ id, name, status, reason }) => ({
  id,
  name,
  status,
  reason: status === 'ok' ? null : reason,
}));
process.stdout.write(JSON.stringify(report), () => process.exit(0));
