// The demo's sample MCP server (toolgate-server SampleMcpServer, `toolgate demo`) driven by a real MCP
// SDK client: connect, list the tools, call each one (track_shipment with progress), a bad argument
// and an unknown tool, then end the session if there is one. Records the headers the client sent, so
// a reader sees how each SDK talks to an MCP server (and what a gateway in front of one must relay).
//
// Env:
//   MCP_URL   the server's /mcp URL (the sample server itself, or a Toolgate MCP route in front of it)
//   SDK       v1: @modelcontextprotocol/sdk 1.x (revision 2025-11-25, initialize)
//             v2: @modelcontextprotocol/client 2.x (default)
//   V2_MODE   v2 only: pin (default: revision 2026-07-28 pinned, server/discover, no initialize),
//             auto (server/discover, falling back to initialize), legacy (2.x's default: initialize)
//   HEADERS   optional JSON object of extra request headers, e.g. {"authorization": "Bearer …"}
// Prints one JSON line {"ok", "checks", "sdk", "mode", "protocolVersion", "session", "requests",
// "upstreamSaw"}; exit 1 on failure. `requests` has the first request of each JSON-RPC method with the
// MCP headers it carried.
import { env, describe, run } from './report.mjs';

const TOOLS = ['lookup_order', 'refund_order', 'track_shipment'];
const MCP_HEADERS = ['accept', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'mcp-session-id'];

await run(async (report) => {
  const url = new URL(env('MCP_URL'));
  const sdk = env('SDK', 'v2');
  const mode = sdk === 'v2' ? env('V2_MODE', 'pin') : 'legacy';
  const extraHeaders = JSON.parse(env('HEADERS', '{}'));
  const requests = [];
  Object.assign(report.extra, { sdk, mode, requests });

  // Every HTTP request the SDK makes goes through here: the first one of each JSON-RPC method is kept.
  const recordingFetch = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    let methods = [init.method ?? 'GET'];
    if (typeof init.body === 'string') {
      const body = JSON.parse(init.body);
      methods = (Array.isArray(body) ? body : [body]).map((m) => m.method ?? 'response');
    }
    for (const rpc of methods) {
      if (requests.some((r) => r.rpc === rpc)) continue;
      const seen = Object.fromEntries(MCP_HEADERS.filter((h) => headers.has(h)).map((h) => [h, h === 'mcp-session-id' ? '(present)' : headers.get(h)]));
      requests.push({ http: init.method ?? 'GET', rpc, headers: seen });
    }
    return fetch(input, init);
  };

  let client;
  let transport;
  if (sdk === 'v1') {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    client = new Client({ name: 'sample-server-check', version: '1.0.0' });
    transport = new StreamableHTTPClientTransport(url, { fetch: recordingFetch, requestInit: { headers: extraHeaders } });
  } else if (sdk === 'v2') {
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const versionNegotiation = mode === 'pin' ? { mode: { pin: '2026-07-28' } } : mode === 'auto' ? { mode: 'auto' } : undefined;
    client = new Client({ name: 'sample-server-check', version: '1.0.0' }, versionNegotiation ? { versionNegotiation } : {});
    transport = new StreamableHTTPClientTransport(url, { fetch: recordingFetch, requestInit: { headers: extraHeaders } });
  } else {
    throw new Error(`SDK must be v1 or v2, not ${sdk}`);
  }
  const callTool = (params, options) => (sdk === 'v1' ? client.callTool(params, undefined, options) : client.callTool(params, options));

  await client.connect(transport);
  const protocolVersion = sdk === 'v1' ? transport.protocolVersion : client.getNegotiatedProtocolVersion();
  report.extra.protocolVersion = protocolVersion;
  const expected = mode === 'legacy' ? '2025-11-25' : '2026-07-28';
  report.check('connected with the expected revision', protocolVersion === expected, `${protocolVersion} (expected ${expected})`);
  const modern = protocolVersion === '2026-07-28';
  report.check(modern ? 'no session (2026-07-28 has none)' : 'initialize issued a session', modern === !transport.sessionId,
    `sessionId ${transport.sessionId ? 'present' : 'absent'}`);

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  report.require('tools/list names the three shop tools', TOOLS.every((n) => names.includes(n)), names);
  report.check('every tool has an object inputSchema', tools.every((t) => t.inputSchema?.type === 'object'));

  const lookup = await callTool({ name: 'lookup_order', arguments: { order_id: 'A-1001' } });
  const order = JSON.parse(lookup.content[0].text);
  report.extra.upstreamSaw = order.upstream_saw;
  report.check('lookup_order answers the status', order.status === 'shipped' && order.order_id === 'A-1001', order);

  const refund = await callTool({ name: 'refund_order', arguments: { order_id: 'A-1001', amount: 25, customer_id: 'sb-ada' } });
  report.check('refund_order is accepted', JSON.parse(refund.content[0].text).refund === 'accepted', refund.content[0].text);

  const events = [];
  const tracked = await callTool({ name: 'track_shipment', arguments: { order_id: 'A-1001', steps: 3 } },
    { onprogress: (p) => events.push(p) });
  const shipment = JSON.parse(tracked.content[0].text);
  report.check('track_shipment reported each step as progress, in order', events.length === 3
    && events.every((p, i) => p.progress === i + 1 && p.total === 3 && typeof p.message === 'string'), events);
  report.check('track_shipment answered after its progress', shipment.status === 'delivered' && shipment.checkpoints.length === 3, shipment);

  const bad = await callTool({ name: 'refund_order', arguments: { order_id: 'A-1001', amount: -5, customer_id: 'sb-ada' } });
  report.check('a bad argument is a tool error (isError)', bad.isError === true, bad);

  try {
    await callTool({ name: 'delete_everything', arguments: {} });
    report.check('an unknown tool is refused with -32602', false, 'the call succeeded');
  } catch (error) {
    report.check('an unknown tool is refused with -32602', error.code === -32602, describe(error));
  }

  if (modern) {
    const call = requests.find((r) => r.rpc === 'tools/call');
    report.check('2026-07-28 requests carry Mcp-Method, Mcp-Name and MCP-Protocol-Version', call?.headers['mcp-method'] === 'tools/call'
      && call?.headers['mcp-name'] === 'lookup_order' && call?.headers['mcp-protocol-version'] === '2026-07-28', call);
  } else {
    await transport.terminateSession();
    report.check('DELETE ended the session', transport.sessionId === undefined);
  }
  await client.close();
});
