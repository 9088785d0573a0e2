// Apollo Server 5 on Node: the shapes' part of the gateway's schema over the
// same SQLite files, with better-sqlite3 and per-request DataLoaders running the
// hand-written SQL of benchmarks/sql (the same text the floor and bare
// strawberry run). No authentication, policy or query log.
//
// Installed and started by `make bench` (benchmarks/apollo_install.py):
//   node server.mjs --data DIR --sql DIR --port P
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import Database from "better-sqlite3";
import DataLoader from "dataloader";
import { GraphQLScalarType, Kind } from "graphql";

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    sql: { type: "string" },
    port: { type: "string" },
  },
});

const typeDefs = `#graphql
  scalar Date
  enum Category { BASIC ADVERSE COMMENDATORY OTHER }
  enum RecordStatus { ACTIVE EXPIRED REPAIRED SHIELDED WITHDRAWN }
  enum SubjectKind { NATURAL_PERSON LEGAL_PERSON UNINCORPORATED_ORG }
  type CatalogueItem { code: String! }
  type CreditRecord {
    id: ID!
    title: String!
    item: CatalogueItem!
    category: Category!
    decidedOn: Date
    status: RecordStatus!
  }
  type CreditRecordEdge { node: CreditRecord! }
  type CreditRecordConnection { edges: [CreditRecordEdge!]! }
  type Subject {
    code: String!
    kind: SubjectKind!
    name: String
    records: CreditRecordConnection!
  }
  type Query {
    subject(code: String!): Subject
    subjects(codes: [String!]!): [Subject]!
  }
`;

// Better-sqlite3 opens no URIs: the provider files are attached by path, and
// the connection refuses writes.
const db = new Database(":memory:");
for (const [schema, file] of [
  ["m", "market_regulation.db"],
  ["c", "court.db"],
  ["t", "tax.db"],
  ["a", "civil_affairs.db"],
]) {
  db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(path.join(args.data, file));
}
db.pragma("query_only = ON");
const sql = (name) => readFileSync(path.join(args.sql, `${name}.sql`), "utf8");
const recordsStatement = db.prepare(sql("records")).raw(true);
const registrationStatement = db.prepare(sql("registration")).raw(true);

// Disclosure periods run on China's calendar days.
const chinaDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" });
const chinaToday = () => chinaDay.format(new Date());

async function loadRecords(codes) {
  const byCode = new Map(codes.map((code) => [code, []]));
  for (const row of recordsStatement.all({ codes: JSON.stringify(codes), today: chinaToday() })) {
    byCode.get(row[0])?.push(row);
  }
  return codes.map((code) => byCode.get(code));
}

async function loadRegistrations(codes) {
  const byCode = new Map();
  for (const row of registrationStatement.all({ codes: JSON.stringify(codes) })) {
    byCode.set(row[0], row);
  }
  return codes.map((code) => byCode.get(code) ?? null);
}

async function subject(context, code) {
  const registration = await context.registrations.load(code);
  if (registration) return { code, name: registration[1], kind: registration[2] };
  // No registration: the subject is there, nameless, when anything of it is public.
  const records = await context.records.load(code);
  return records.length ? { code, name: null, kind: "LEGAL_PERSON" } : null;
}

const resolvers = {
  Date: new GraphQLScalarType({
    name: "Date",
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : null),
  }),
  Query: {
    subject: (_, { code }, context) => subject(context, code),
    subjects: (_, { codes }, context) => codes.map((code) => subject(context, code)),
  },
  Subject: {
    records: async ({ code }, _, context) => {
      const rows = await context.records.load(code);
      return {
        edges: rows.map(([, , id, title, item, category, decided]) => ({
          node: { id, title, item: { code: item }, category, decidedOn: decided, status: "ACTIVE" },
        })),
      };
    },
  },
};

const server = new ApolloServer({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(args.port) },
  context: async () => ({
    registrations: new DataLoader(loadRegistrations),
    records: new DataLoader(loadRecords),
  }),
});
console.log(`apollo: ${url}`);
