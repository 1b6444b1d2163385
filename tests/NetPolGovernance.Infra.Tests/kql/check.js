// Parses and semantically checks KQL queries with Microsoft's Kusto language service
// (@kusto/language-service-next), against a schema given as JSON.
//
// Usage: node check.js <request.json> [node_modules folder]
// request.json: { "tables": [ { "name": "T", "columns": [ { "name": "c", "type": "string" } ] } ],
//                 "queries": [ { "id": "where it came from", "text": "T | take 1", "tables": [ ...extra tables... ] } ] }
// A query's own "tables" are added for that query only (e.g. the `source` table of a DCR transform).
// Prints one JSON line per query: { "id", "errors": [ { "code", "severity", "message", "start", "length" } ] }
// Exit code: 0 when every query is free of errors and warnings, 1 when any has one, 2 on bad input.
'use strict';

const fs = require('fs');
const path = require('path');

const [requestPath, modulesDir] = process.argv.slice(2);
if (!requestPath) {
  console.error('usage: node check.js <request.json> [node_modules folder]');
  process.exit(2);
}

const packageDir = path.join(modulesDir || path.join(__dirname, '..', '..', '..', 'tools', 'node', 'node_modules'), '@kusto', 'language-service-next');
require(path.join(packageDir, 'bridge.min.js'));
require(path.join(packageDir, 'Kusto.Language.Bridge.min.js'));

const K = global.Kusto.Language;
const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));

function tableSymbol(table) {
  const schema = '(' + table.columns.map(c => `['${c.name}']:${c.type}`).join(', ') + ')';
  return new K.Symbols.TableSymbol.$ctor7(table.name, schema, null);
}

function globalsFor(tables) {
  const database = new K.Symbols.DatabaseSymbol.ctor('workspace', tables.map(tableSymbol));
  return K.GlobalState.Default.WithDatabase(database);
}

const shared = globalsFor(request.tables || []);

let failed = false;
for (const query of request.queries || []) {
  const globals = query.tables ? globalsFor((request.tables || []).concat(query.tables)) : shared;
  const code = K.KustoCode.ParseAndAnalyze(query.text, globals);
  const diagnostics = code.GetDiagnostics();
  const errors = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    errors.push({ code: d.Code, severity: d.Severity, message: d.Message, start: d.Start, length: d.Length });
  }
  if (errors.length > 0) {
    failed = true;
  }
  console.log(JSON.stringify({ id: query.id, errors }));
}

process.exit(failed ? 1 : 0);
