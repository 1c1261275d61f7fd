// An MCP client session against an MCP endpoint (Toolgate's MCP route, or upstream-server.mjs directly)
// with either SDK, no OAuth flow: the credential, if any, is a static header from HEADERS. A recording
// fetch wrapper (passed to the SDK transport) logs every HTTP exchange, so Toolgate's answers (status,
// headers such as WWW-Authenticate and Mcp-Session-Id) are visible in the result line.
//
// Env:
//   SDK            v2 (@modelcontextprotocol/client 2.x) | v1 (@modelcontextprotocol/sdk 1.x)
//   MCP_URL        the MCP endpoint
//   HEADERS        optional JSON object of headers for every request (the transport's requestInit.headers),
//                  e.g. {"authorization":"Bearer x"} or {"x-api-key":"k"}
//   SCENARIO       session | expect-status | disconnect | idle
//   PROTOCOL       v2 only: 2026-07-28 (default: versionNegotiation pin — server/discover, no initialize)
//                  | auto (probe, fall back to initialize) | legacy (initialize, 2025-11-25)
//   session:       COUNT_N (default 3), COUNT_DELAY_MS (default 200)
//   expect-status: TOOL (default whoami), TOOL_ARGS (JSON, default {}), EXPECT_STATUS (optional number)
//   disconnect:    CANCEL_ID (default random), ABORT_AFTER_MS (default 500), DISCONNECT_MODE abort (the
//                  call's AbortSignal: the SDK cancels the request) | close (client.close(): the HTTP
//                  exchange is dropped), EVENTS_URL (optional: upstream GET /_events, polled up to 10 s
//                  until it lists CANCEL_ID under cancelled or disconnects)
//   idle:          SLEEP_MS (default 120000)
//
// Scenarios:
//   session        connect, tools/list, tools/call whoami, tools/call count with a progress token (each
//                  progress notification must arrive, in order, before the result); when the server
//                  issued a session (/v1/mcp; v2 needs PROTOCOL=legacy|auto there): DELETE it
//                  (terminateSession), then a request on the old session id must get 404.
//   expect-status  connect and call TOOL; reports the first HTTP status >= 400 (with WWW-Authenticate and
//                  the body) and the error the SDK raised. ok when EXPECT_STATUS matches (or, without
//                  EXPECT_STATUS, when anything failed).
//   disconnect     calls wait_for_cancel {id: CANCEL_ID} and gives up after ABORT_AFTER_MS.
//   idle           calls sleep {ms: SLEEP_MS} (request timeout SLEEP_MS + 60 s) and reports the elapsed time.
// Prints one JSON line {"ok", "checks", "sdk", "scenario", "protocolVersion", "sessionId", "http": [{method,
// url, rpc, requestHeaders, status, responseHeaders, body?}], …scenario fields}; exit 1 on failure.
import { randomUUID } from 'node:crypto';
import { describe, env, run } from './report.mjs';

const sdkName = env('SDK');
const mcpUrl = new URL(env('MCP_URL'));
const headers = JSON.parse(env('HEADERS', '{}'));
const scenario = env('SCENARIO');
const protocol = env('PROTOCOL', '2026-07-28');

// ---- the recording fetch
const exchanges = [];

function redact(name, value) {
  if (name !== 'authorization') return value;
  const [scheme] = value.split(' ');
  return `${scheme} <redacted ${value.length} chars>`;
}

function rpcOf(body) {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body);
    return (Array.isArray(parsed) ? parsed : [parsed]).map((m) => m.method ?? 'response').join(',');
  } catch {
    return undefined;
  }
}

async function recordingFetch(url, init = {}) {
  const sent = new Headers(init.headers);
  const entry = {
    method: init.method ?? 'GET', url: String(url), rpc: rpcOf(init.body),
    requestHeaders: Object.fromEntries([...sent].map(([k, v]) => [k, redact(k, v)])),
  };
  exchanges.push(entry);
  try {
    const response = await fetch(url, init);
    entry.status = response.status;
    entry.responseHeaders = Object.fromEntries(response.headers);
    if (response.status >= 400) entry.body = (await response.clone().text()).slice(0, 2000);
    return response;
  } catch (error) {
    entry.error = describe(error);
    throw error;
  }
}

// ---- the two SDKs behind one shape
async function loadSdk() {
  if (sdkName === 'v2') {
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const mode = protocol === 'auto' || protocol === 'legacy' ? protocol : { pin: protocol };
    return {
      label: 'client-2.x',
      client: () => new Client({ name: 'toolgate-frontdoor-2.x', version: '1.0.0' }, { versionNegotiation: { mode } }),
      transport: () => new StreamableHTTPClientTransport(mcpUrl, { fetch: recordingFetch, requestInit: { headers } }),
      callTool: (client, params, options) => client.callTool(params, options),
      protocolVersion: (client) => client.getNegotiatedProtocolVersion(),
    };
  }
  if (sdkName === 'v1') {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    return {
      label: 'sdk-1.x',
      client: () => new Client({ name: 'toolgate-frontdoor-1.x', version: '1.0.0' }),
      transport: () => new StreamableHTTPClientTransport(mcpUrl, { fetch: recordingFetch, requestInit: { headers } }),
      callTool: (client, params, options) => client.callTool(params, undefined, options),
      protocolVersion: (client, transport) => transport.protocolVersion,
    };
  }
  throw new Error(`SDK must be v2 or v1, got ${sdkName}`);
}

function textOf(result) {
  return result?.content?.find((c) => c.type === 'text')?.text;
}

function jsonText(result) {
  try {
    return JSON.parse(textOf(result));
  } catch {
    return textOf(result);
  }
}

// ---- scenarios
async function session(report, sdk, client, transport) {
  const n = Number(env('COUNT_N', '3'));
  const delayMs = Number(env('COUNT_DELAY_MS', '200'));
  const { tools } = await client.listTools();
  report.extra.tools = tools.map((t) => t.name);
  report.check('tools/list', ['whoami', 'lookup_order', 'refund_order', 'count', 'wait_for_cancel', 'sleep'].every((t) => report.extra.tools.includes(t)), report.extra.tools);

  report.extra.whoami = jsonText(await sdk.callTool(client, { name: 'whoami', arguments: {} }));
  report.check('whoami', typeof report.extra.whoami === 'object' && 'authorization_seen' in report.extra.whoami, report.extra.whoami);

  const events = [];
  const counted = await sdk.callTool(client, { name: 'count', arguments: { n, delay_ms: delayMs } }, {
    onprogress: (p) => events.push({ progress: p.progress, total: p.total, message: p.message }),
  });
  events.push({ result: textOf(counted) });
  report.extra.count = events;
  const progress = events.filter((e) => 'progress' in e).map((e) => e.progress);
  report.check('count: every progress notification, in order, before the result',
    progress.length === n && progress.every((p, i) => p === i + 1) && events.at(-1).result === `counted ${n}`, events);

  // A stateless server (e.g. /v2/mcp for 2025-era clients) issues no session: nothing to end then.
  const sessionId = transport.sessionId;
  if (sessionId) {
    await transport.terminateSession();
    const deleted = exchanges.findLast((e) => e.method === 'DELETE');
    report.check('DELETE ends the session', deleted?.status === 200, { status: deleted?.status });
    // The old session id must now be refused (the spec says 404).
    const after = await recordingFetch(mcpUrl, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': transport.protocolVersion },
      body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list', params: {} }),
    });
    await after.body?.cancel();
    report.check('old session id refused after DELETE', after.status === 404, { status: after.status });
  }
}

async function expectStatus(report, sdk, client, transport, connectError) {
  let error = connectError;
  if (!error) {
    try {
      report.extra.result = jsonText(await sdk.callTool(client, { name: env('TOOL', 'whoami'), arguments: JSON.parse(env('TOOL_ARGS', '{}')) }));
    } catch (e) {
      error = e;
    }
  }
  const failed = exchanges.find((e) => e.status >= 400);
  report.extra.status = failed?.status ?? null;
  report.extra.wwwAuthenticate = failed?.responseHeaders?.['www-authenticate'] ?? null;
  report.extra.body = failed?.body ?? null;
  report.extra.sdkError = error ? { name: error.constructor?.name, code: error.code ?? null, message: describe(error) } : null;
  const expected = process.env.EXPECT_STATUS ? Number(process.env.EXPECT_STATUS) : undefined;
  report.check(expected ? `HTTP ${expected}` : 'the call failed', expected ? failed?.status === expected : Boolean(error || failed),
    { status: failed?.status, rpc: failed?.rpc, error: error && describe(error) });
}

async function disconnect(report, sdk, client) {
  const id = env('CANCEL_ID', randomUUID());
  const abortAfter = Number(env('ABORT_AFTER_MS', '500'));
  const mode = env('DISCONNECT_MODE', 'abort');
  const controller = new AbortController();
  report.extra.cancelId = id;
  report.extra.mode = mode;
  const started = Date.now();
  setTimeout(() => (mode === 'close' ? client.close() : controller.abort(new Error('frontdoor-client gave up'))), abortAfter);
  let outcome;
  try {
    outcome = { answered: await sdk.callTool(client, { name: 'wait_for_cancel', arguments: { id } }, { signal: controller.signal }) };
  } catch (error) {
    outcome = { error: describe(error) };
  }
  report.extra.elapsedMs = Date.now() - started;
  report.check('the call ended without an answer', !outcome.answered, outcome);
  const eventsUrl = process.env.EVENTS_URL;
  if (eventsUrl) {
    let cancelled;
    let dropped;
    for (let i = 0; i < 50 && !cancelled && !dropped; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const seen = await (await fetch(eventsUrl)).json();
      cancelled = seen.cancelled.find((c) => c.id === id);
      dropped = seen.disconnects.find((d) => d.arguments?.id === id);
    }
    report.extra.upstreamCancel = cancelled ?? null;
    report.extra.upstreamDisconnect = dropped ?? null;
    report.check('the upstream saw the cancel or the dropped exchange', Boolean(cancelled || dropped),
      cancelled || dropped ? { cancelled, dropped } : 'neither within 10 s');
  }
}

async function idle(report, sdk, client) {
  const ms = Number(env('SLEEP_MS', '120000'));
  const started = Date.now();
  const result = await sdk.callTool(client, { name: 'sleep', arguments: { ms } }, { timeout: ms + 60_000 });
  report.extra.elapsedMs = Date.now() - started;
  report.extra.result = textOf(result);
  report.check('sleep answered', report.extra.result === `slept ${ms}`, { result: report.extra.result, elapsedMs: report.extra.elapsedMs });
}

await run(async (report) => {
  const sdk = await loadSdk();
  report.extra.sdk = sdk.label;
  report.extra.scenario = scenario;
  report.extra.http = exchanges;
  const client = sdk.client();
  const transport = sdk.transport();
  let connectError;
  try {
    await client.connect(transport);
    report.extra.protocolVersion = sdk.protocolVersion(client, transport) ?? null;
    report.extra.sessionId = transport.sessionId ?? null;
  } catch (error) {
    if (scenario !== 'expect-status') throw error;
    connectError = error;
  }
  try {
    if (scenario === 'session') await session(report, sdk, client, transport);
    else if (scenario === 'expect-status') await expectStatus(report, sdk, client, transport, connectError);
    else if (scenario === 'disconnect') await disconnect(report, sdk, client);
    else if (scenario === 'idle') await idle(report, sdk, client);
    else throw new Error(`SCENARIO must be session, expect-status, disconnect or idle, got ${scenario}`);
    const names = Object.keys(headers).map((h) => h.toLowerCase());
    const missing = exchanges.filter((e) => !names.every((h) => h in e.requestHeaders));
    if (names.length) report.check('HEADERS sent on every request', missing.length === 0, missing.map((e) => `${e.method} ${e.rpc ?? ''}`));
  } finally {
    await client.close().catch(() => {});
  }
});
