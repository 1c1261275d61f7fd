// Toolgate's authorization server against the MCP project's own conformance suite:
// `conformance authorization` from @modelcontextprotocol/conformance 0.2.0-alpha.12 (run from
// node_modules; on Node 20 through ./node20/register.mjs, see there). The tool prints an
// authorization URL for a person to open; the headless browser plays that person and then delivers
// the final redirect to the tool's own callback server, which redeems the code.
//
// What 0.2.0-alpha.12 runs for `authorization` (read from its bundle, dist/index.js; there is no
// other scenario in this version, and the second needs the first's metadata, so both always run):
//  1. authorization-server-metadata-endpoint — GETs, in order, until one answers 200:
//     <origin>/.well-known/oauth-authorization-server<issuer path>, <origin>/.well-known/openid-configuration<path>,
//     <origin><path>/.well-known/openid-configuration. Asserts: Content-Type contains application/json;
//     authorization_endpoint and token_endpoint non-empty strings; response_types_supported contains
//     "code"; code_challenge_methods_supported contains "S256"; issuer === --url (plain string
//     equality, so --url must be the issuer exactly as the metadata spells it).
//     Check `authorization-server-metadata-cimd`: client_id_metadata_document_supported === true is
//     SUCCESS, anything else only a WARNING (this script counts warnings as failures, see ALLOW_WARNINGS).
//  2. authorization-code-grant — SKIPPED without --client-id. Starts a callback server on
//     127.0.0.1:<port> (GET /callback) and prints the authorization URL: response_type=code, client_id,
//     state (32 random bytes), redirect_uri=http://127.0.0.1:<port>/callback, code_challenge (S256),
//     resource (only when --resource is given). NO scope parameter: the AS must apply a default.
//     Waits up to 300 s for the callback. Asserts on the redirect: no `error` (else FAILURE with it),
//     origin and path are the redirect_uri's, exactly one state equal to the sent one, exactly one
//     non-empty code, iss (if present) exactly once and === metadata issuer.
//     Token request: grant_type=authorization_code, code, redirect_uri, code_verifier, resource (if
//     given); client authentication `none` (client_id in the body) whenever no --client-secret is given
//     OR token_endpoint_auth_methods_supported contains "none" — so a confidential client is never
//     exercised against an AS that also supports public clients; else client_secret_post, else
//     client_secret_basic. Asserts: HTTP 200, Content-Type contains application/json, Cache-Control
//     contains no-store, access_token and token_type are strings. No refresh, no resource-server call.
// The tool exits 1 when any check is FAILURE; it writes each scenario's checks to
// <output-dir>/authorization-server-<scenario>-<timestamp>/checks.json, which this script reads.
//
// Toolgate setup this needs: a PUBLIC client (token_endpoint_auth_method none) with redirect URI
// http://127.0.0.1:<CALLBACK_PORT>/callback registered; RESOURCE accepted as an RFC 8707 resource;
// a user USERNAME/PASSWORD; an authorization request without `scope` answered with a code.
//
// Env: TOOLGATE_ISSUER (exact issuer), CLIENT_ID, CALLBACK_PORT (free port the Java test chose and
// registered), USERNAME, PASSWORD, RESOURCE (optional, recommended), CLIENT_SECRET (optional; see
// above), ALLOW_WARNINGS=1 (optional: a WARNING verdict does not fail the run).
// Prints one JSON line {"ok", "checks", "scenarios": {name: verdict}, "exitCode"}; exit 1 on failure.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { authorize } from './browser.mjs';
import { describe, env, run } from './report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const SCENARIOS = ['authorization-server-metadata-endpoint', 'authorization-code-grant'];

const issuer = env('TOOLGATE_ISSUER');
const clientId = env('CLIENT_ID');
const port = Number(env('CALLBACK_PORT'));
const credentials = { username: env('USERNAME'), password: env('PASSWORD') };
const resource = process.env.RESOURCE || undefined;
const clientSecret = process.env.CLIENT_SECRET || undefined;
const allowWarnings = process.env.ALLOW_WARNINGS === '1';
const redirectUri = `http://127.0.0.1:${port}/callback`;

function conformanceArgs(outputDir) {
  const needsShim = Number(process.versions.node.split('.')[0]) < 22;
  return [
    ...(needsShim ? ['--import', path.join(HERE, 'node20', 'register.mjs')] : []),
    CLI, 'authorization', '--url', issuer, '--client-id', clientId, '--port', String(port), '--output-dir', outputDir,
    ...(resource ? ['--resource', resource] : []),
    ...(clientSecret ? ['--client-secret', clientSecret] : []),
  ];
}

// A stdout line that is the authorization URL the tool wants a person to open.
function authorizationUrlIn(line) {
  try {
    const url = new URL(line.trim());
    return url.searchParams.get('response_type') === 'code' && url.searchParams.get('redirect_uri') === redirectUri ? url : undefined;
  } catch {
    return undefined;
  }
}

async function readVerdicts(outputDir) {
  const verdicts = {};
  for (const entry of await readdir(outputDir)) {
    const scenario = SCENARIOS.find((s) => entry.startsWith(`authorization-server-${s}-`));
    // The tool creates a scenario's folder when the scenario starts and writes checks.json when it ends.
    const text = scenario && await readFile(path.join(outputDir, entry, 'checks.json'), 'utf8').catch(() => undefined);
    if (text) verdicts[scenario] = JSON.parse(text);
  }
  return verdicts;
}

await run(async (report) => {
  const outputDir = await mkdtemp(path.join(tmpdir(), 'toolgate-conformance-'));
  const output = [];
  const child = spawn(process.execPath, conformanceArgs(outputDir), { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  let callbackListening;
  const callbackStarted = new Promise((resolve) => { callbackListening = resolve; });
  let browser;
  createInterface({ input: child.stderr }).on('line', (line) => output.push(`[err] ${line}`));
  createInterface({ input: child.stdout }).on('line', (line) => {
    output.push(line);
    if (line.includes(`Callback server started: http://127.0.0.1:${port}`)) callbackListening();
    const url = authorizationUrlIn(line);
    if (url && !browser) {
      // Play the person: log in, consent, and (once the tool's callback server listens) deliver the redirect.
      browser = authorize(url, { ...credentials, redirectUri }).then(async (answer) => {
        await Promise.race([callbackStarted, exited.then(() => {
          throw new Error('the tool ended before its callback server listened');
        })]);
        const delivered = await fetch(answer.redirect, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
        await delivered.body?.cancel();
        return { answer, delivered: delivered.status };
      }).catch((error) => {
        child.kill(); // the tool would otherwise wait 300 s for a callback that cannot come
        return { error };
      });
    }
  });

  try {
    const exitCode = await exited;
    report.extra.exitCode = exitCode;
    const flow = browser ? await browser : { error: new Error('the tool printed no authorization URL') };
    report.check('browser flow delivered the redirect', !flow.error && flow.delivered === 200,
      flow.error ? describe(flow.error) : { status: flow.delivered, params: Object.keys(flow.answer.params) });

    const verdicts = await readVerdicts(outputDir);
    report.extra.scenarios = {};
    for (const scenario of SCENARIOS) {
      const checks = verdicts[scenario];
      if (!checks) {
        report.check(scenario, false, 'no result written');
        continue;
      }
      report.extra.scenarios[scenario] = checks.map((c) => `${c.id}:${c.status}`).join(', ');
      for (const c of checks) {
        const ok = c.status === 'SUCCESS' || c.status === 'INFO' || (c.status === 'WARNING' && allowWarnings);
        report.check(`${scenario}: ${c.id}`, ok, `${c.status}${c.errorMessage ? `: ${c.errorMessage}` : ''}`);
      }
    }
    report.check('conformance exit code', exitCode === 0, exitCode === null ? 'stopped after the browser flow failed' : String(exitCode));
    if (!report.ok) report.extra.output = output.slice(-40);
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
});
