// The MCP server Toolgate's MCP routes front in the interop tests: NO auth code at all (Toolgate
// does the authorization; this server only reports what reached it). One port, three MCP endpoints:
//
//   /v2/mcp          @modelcontextprotocol/server 2.x createMcpHandler: revision 2026-07-28 (modern,
//                    per-request _meta envelope, no session) AND 2025-era clients (initialize), served
//                    statelessly (the handler's default legacy leg: GET/DELETE answer 405).
//   /v1/mcp          @modelcontextprotocol/sdk 1.x StreamableHTTPServerTransport WITH sessions
//                    (Mcp-Session-Id from randomUUID), resumability (in-memory EventStore: a GET with
//                    Last-Event-ID replays), GET opens the standalone SSE stream, DELETE ends the session.
//   /conformance/mcp the conformance suite's "everything server" (conformance-fixture.mjs), for
//                    conformance-server.mjs.
//   GET /_events     JSON of what the server observed (upstream-tools.mjs): requests [{at, path, method,
//                    rpc, tool, authorization (bool), headers (all but Authorization)}], calls, waiting,
//                    cancelled [{id, endpoint, at, reason}], sessions {opened, closed} (/v1 only).
//   DELETE /_events  clears that record.
//
// Tools on /v1 and /v2 (upstream-tools.mjs): whoami, lookup_order {order_id}, refund_order {order_id,
// customer_id, amount}, count {n, delay_ms}, wait_for_cancel {id}, sleep {ms}.
//
// Env: PORT (0 = any free port; default 0), KEEPALIVE_MS (SSE keep-alive comment interval of the SDK
// transports; default 0 = none, so a `sleep` call's stream is really idle; the SDKs' own default is 15000).
// Prints {"listening": "http://127.0.0.1:PORT"} on stdout once ready; one line per request on stderr.
// Runs until SIGTERM/SIGINT.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer, createMcpHandler, fromJsonSchema } from '@modelcontextprotocol/server';
import { Server as V1Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createConformanceRoute } from './conformance-fixture.mjs';
import { TOOLS, headerObject, memoryEventStore, observed, recordRequest, resetObserved, runTool } from './upstream-tools.mjs';
import { env } from './report.mjs';

const port = Number(env('PORT', '0'));
const keepAliveMs = Number(env('KEEPALIVE_MS', '0'));
const SERVER_INFO = { name: 'toolgate-interop-upstream', version: '1.0.0' };

// ---- /v2/mcp: one McpServer per request (createMcpHandler's model), both eras from one factory.
function v2Server({ requestInfo }) {
  const server = new McpServer(SERVER_INFO);
  for (const tool of TOOLS) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: fromJsonSchema(tool.inputSchema) }, (args, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      return runTool(tool.name, args, {
        endpoint: '/v2/mcp',
        headers: headerObject(ctx.http?.req?.headers ?? requestInfo?.headers),
        progressToken,
        progress: (progress, total, message) => ctx.mcpReq.notify({
          method: 'notifications/progress', params: { progressToken, progress, total, message },
        }),
        signal: ctx.mcpReq.signal,
      });
    });
  }
  return server;
}
const v2Handler = createMcpHandler(v2Server, { keepAliveMs, onerror: (e) => log(`v2 error: ${e.message}`) });

// ---- /v1/mcp: 1.x low-level Server, one per session, sessions kept until DELETE (or shutdown).
function v1Server() {
  const server = new V1Server(SERVER_INFO, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
  }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const { name, arguments: args, _meta } = request.params;
    if (!TOOLS.some((t) => t.name === name)) throw new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`);
    const progressToken = _meta?.progressToken;
    return runTool(name, args, {
      endpoint: '/v1/mcp',
      headers: headerObject(extra.requestInfo?.headers),
      progressToken,
      progress: (progress, total, message) => extra.sendNotification({
        method: 'notifications/progress', params: { progressToken, progress, total, message },
      }),
      signal: extra.signal,
    });
  });
  return server;
}

const v1Sessions = new Map();

async function serveV1(req, res, parsedBody) {
  const sessionId = req.headers['mcp-session-id'];
  if (sessionId !== undefined) {
    const transport = v1Sessions.get(sessionId);
    if (!transport) return sendJson(res, 404, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });
    return transport.handleRequest(req, res, parsedBody);
  }
  if (req.method !== 'POST' || !isInitializeRequest(parsedBody)) {
    return sendJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Bad Request: Mcp-Session-Id required' } });
  }
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    eventStore: memoryEventStore(),
    keepAliveMs,
    onsessioninitialized: (id) => {
      v1Sessions.set(id, transport);
      observed.sessions.opened.push({ id, at: new Date().toISOString() });
    },
  });
  transport.onclose = () => {
    const id = transport.sessionId;
    if (id && v1Sessions.delete(id)) observed.sessions.closed.push({ id, at: new Date().toISOString() });
  };
  await v1Server().connect(transport);
  return transport.handleRequest(req, res, parsedBody);
}

// ---- node:http plumbing
function log(line) {
  process.stderr.write(`upstream ${line}\n`);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

// The fetch Request for a 2.x handler; its signal fires when the caller goes away before the answer ended.
function toWebRequest(req, origin, body, res) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) gone.abort(new Error('client disconnected'));
  });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url, origin), { method: req.method, headers, body: hasBody ? body : undefined, signal: gone.signal });
}

// Streams a fetch Response out unbuffered (SSE headers are flushed at once).
async function sendWebResponse(response, res) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return res.end();
  res.flushHeaders();
  const reader = response.body.getReader();
  res.on('close', () => reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
  } catch {
    // the caller went away, or the handler aborted the stream
  }
  res.end();
}

const httpServer = http.createServer();
httpServer.requestTimeout = 0; // long-lived SSE exchanges (the idle-stream test) must not be cut by Node
httpServer.listen(port, '127.0.0.1', () => {
  const origin = `http://127.0.0.1:${httpServer.address().port}`;
  const conformance = createConformanceRoute({ keepAliveMs });

  httpServer.on('request', async (req, res) => {
    const path = new URL(req.url, origin).pathname;
    res.on('finish', () => log(`${req.method} ${path} ${res.statusCode}`));
    try {
      const body = await readBody(req);
      if (path === '/_events') {
        if (req.method === 'DELETE') resetObserved();
        return sendJson(res, 200, observed);
      }
      if (path !== '/v1/mcp' && path !== '/v2/mcp' && path !== '/conformance/mcp') return sendJson(res, 404, { error: 'not_found' });
      const parsed = recordRequest(path, req, res, body);
      if (path === '/v1/mcp') return await serveV1(req, res, parsed);
      const request = toWebRequest(req, origin, body, res);
      const response = path === '/v2/mcp' ? await v2Handler.fetch(request) : await conformance(request);
      await sendWebResponse(response, res);
    } catch (error) {
      log(`${req.method} ${path} failed: ${error.stack ?? error.message}`);
      if (!res.headersSent) sendJson(res, 500, { jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal server error' } });
      else res.end();
    }
  });
  process.stdout.write(JSON.stringify({ listening: origin }) + '\n');
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    httpServer.close();
    httpServer.closeAllConnections();
    process.exit(0);
  });
}
