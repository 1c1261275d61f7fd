// The SERVER scenarios of @modelcontextprotocol/conformance 0.2.0-alpha.12 (`conformance server`, run
// from node_modules; on Node 20 through ./node20/register.mjs) against an MCP endpoint: Toolgate's MCP
// route in front of upstream-server.mjs's /conformance/mcp (the suite's "everything server"), or that
// endpoint directly.
//
// The tool has no option for headers or a token, and its scenarios reach the server three ways (the
// SDK 1.x client transport, raw fetch, and undici/node:http for the Host- and header-level probes), so
// a credential is added by a small forwarder this script starts on 127.0.0.1: the tool talks to the
// forwarder, the forwarder adds AUTH/HEADERS to every request and relays everything else unchanged and
// unbuffered (SSE included; a dropped client drops the upstream exchange). Host is rewritten to
// MCP_URL's host only when it names the forwarder itself, so the dns-rebinding probe's foreign Host
// and Origin reach MCP_URL as sent. Without AUTH/HEADERS the tool talks to MCP_URL directly.
//
// Env:
//   MCP_URL            the MCP endpoint
//   AUTH               optional Authorization header value, e.g. "Bearer eyJ…"
//   HEADERS            optional JSON object of further headers, e.g. {"x-api-key":"k"}
//   REQUIREMENTS       2025-11-25 | 2026-07-28 (default): exactly the scenarios that revision requires, at its
//                      wire (2025: initialize + Mcp-Session-Id; 2026: stateless, per-request _meta), plus
//                      its not_scored ones (reported, never failing the run)
//   SUITE              instead of REQUIREMENTS: active | all | draft | pending (SPEC_VERSION optional)
//   SCENARIOS          instead of both: comma-separated scenario names, one tool run each (SPEC_VERSION
//                      optional; without it the tool infers the version from the scenario)
//   SPEC_VERSION       optional --spec-version for SUITE/SCENARIOS (e.g. 2025-11-25, 2026-07-28)
//   EXPECTED_FAILURES  optional path of a baseline YAML (--expected-failures)
//   TIMEOUT_MS         optional per-scenario timeout (tool default 30000)
// Prints one JSON line {"ok", "checks": [one per scenario], "scenarios": {name: {passed, failed,
// warnings, failing: [check ids], notScored?}}, "exitCodes", "forwarder": {requests, url}|null};
// ok = every tool run exited 0 and no scored scenario has a failing check; exit 1 otherwise.
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, run } from './report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

const target = new URL(env('MCP_URL'));
const extraHeaders = Object.fromEntries(Object.entries(JSON.parse(env('HEADERS', '{}'))).map(([k, v]) => [k.toLowerCase(), String(v)]));
if (process.env.AUTH) extraHeaders.authorization = process.env.AUTH;

// Relays every request to MCP_URL's origin with extraHeaders added; answers are streamed back as they come.
function startForwarder() {
  const stats = { requests: 0 };
  const client = target.protocol === 'https:' ? https : http;
  const server = http.createServer((req, res) => {
    stats.requests++;
    const self = `127.0.0.1:${server.address().port}`;
    const headers = { ...req.headers, ...extraHeaders };
    if (!req.headers.host || req.headers.host === self) headers.host = target.host;
    const upstream = client.request(new URL(req.url, target.origin), { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.rawHeaders);
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`forwarder: ${error.message}`);
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const url = new URL(target.pathname + target.search, `http://127.0.0.1:${server.address().port}`).href;
    resolve({ url, stats, close: () => server.close() && server.closeAllConnections() });
  }));
}

// One tool run; stdout is kept for the "Not scored" section the tool prints.
function conformance(url, args, outputDir) {
  const needsShim = Number(process.versions.node.split('.')[0]) < 22;
  const argv = [
    ...(needsShim ? ['--import', path.join(HERE, 'node20', 'register.mjs')] : []),
    CLI, 'server', '--url', url, '--output-dir', outputDir, ...args,
    ...(process.env.EXPECTED_FAILURES ? ['--expected-failures', process.env.EXPECTED_FAILURES] : []),
    ...(process.env.TIMEOUT_MS ? ['--timeout', process.env.TIMEOUT_MS] : []),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

function toolRuns() {
  const spec = process.env.SPEC_VERSION ? ['--spec-version', process.env.SPEC_VERSION] : [];
  if (process.env.SCENARIOS) return process.env.SCENARIOS.split(',').map((s) => s.trim()).filter(Boolean).map((s) => ['--scenario', s, ...spec]);
  if (process.env.SUITE) return [['--suite', process.env.SUITE, ...spec]];
  return [['--requirements', env('REQUIREMENTS', '2026-07-28')]];
}

// "  ✗ tasks-lifecycle (extension)" lines under "Not scored for …".
function notScoredIn(output) {
  const section = output.split(/\nNot scored for /)[1] ?? '';
  return new Map([...section.matchAll(/^\s+[✓✗] (\S+) \(([^)]+)\)$/gmu)].map((m) => [m[1], m[2]]));
}

function baselined(name) {
  return baselineText.split('\n').some((line) => line.trim().replace(/^- /, '').split(':')[0].trim() === name);
}
const baselineText = process.env.EXPECTED_FAILURES ? await readFile(process.env.EXPECTED_FAILURES, 'utf8') : '';

await run(async (report) => {
  const forwarder = Object.keys(extraHeaders).length ? await startForwarder() : undefined;
  const outputDir = await mkdtemp(path.join(tmpdir(), 'toolgate-conformance-server-'));
  const notScored = new Map();
  report.extra.exitCodes = [];
  try {
    for (const args of toolRuns()) {
      const { code, output } = await conformance(forwarder?.url ?? target.href, args, outputDir);
      report.extra.exitCodes.push(code);
      for (const [name, reason] of notScoredIn(output)) notScored.set(name, reason);
      if (code !== 0 && !report.extra.output) report.extra.output = output.split('\n').slice(-40);
    }
    report.extra.scenarios = {};
    for (const entry of (await readdir(outputDir)).sort()) {
      const name = entry.match(/^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/)?.[1];
      const text = name && await readFile(path.join(outputDir, entry, 'checks.json'), 'utf8').catch(() => undefined);
      if (!text) continue;
      const checks = JSON.parse(text);
      const count = (status) => checks.filter((c) => c.status === status).length;
      const failing = [...new Set(checks.filter((c) => c.status === 'FAILURE').map((c) => c.id))];
      const result = { passed: count('SUCCESS'), failed: count('FAILURE'), warnings: count('WARNING'), failing };
      if (notScored.has(name)) result.notScored = notScored.get(name);
      report.extra.scenarios[name] = result;
      const excused = result.notScored ? `not scored (${result.notScored})` : baselined(name) ? 'in EXPECTED_FAILURES' : '';
      report.check(name, result.failed === 0 || Boolean(excused),
        `${result.passed} passed, ${result.failed} failed${failing.length ? ` [${failing.join(', ')}]` : ''}${excused && result.failed ? `; ${excused}` : ''}`);
    }
    report.check('conformance exit code', report.extra.exitCodes.every((c) => c === 0), report.extra.exitCodes.join(','));
    report.extra.forwarder = forwarder ? { url: forwarder.url, requests: forwarder.stats.requests, headers: Object.keys(extraHeaders) } : null;
  } finally {
    forwarder?.close();
    await rm(outputDir, { recursive: true, force: true });
  }
});
