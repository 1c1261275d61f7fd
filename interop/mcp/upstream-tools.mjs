// The tools upstream-server.mjs serves on /v1/mcp and /v2/mcp, written once against a small call
// context so both SDK majors run the same code, plus the record of what the upstream observed
// (served at GET /_events). Library, not a script.
//
// A call context is {endpoint, headers, progressToken, progress(progress, total, message), signal}:
// `headers` are the HTTP request headers of the request that carried the call (lower-case names),
// `signal` fires when the SDK aborts the call (notifications/cancelled, or the HTTP exchange went away).

// What the upstream saw; tests read it through GET /_events and clear it with DELETE /_events.
export const observed = newRecord();

function newRecord() {
  return { requests: [], calls: [], waiting: [], cancelled: [], disconnects: [], sessions: { opened: [], closed: [] } };
}

export function resetObserved() {
  Object.assign(observed, newRecord());
}

// One entry per HTTP request to an MCP path: the JSON-RPC method(s) in the body, the tool name of a
// tools/call, every header except Authorization's value, and whether Authorization was present.
// A response that closes before it ended (the caller or a proxy dropped the exchange) is recorded in
// `disconnects` with the same method/rpc/tool and the tools/call arguments.
export function recordRequest(path, req, res, body) {
  const messages = parseMessages(body);
  const headers = { ...req.headers };
  delete headers.authorization;
  const call = messages.find((m) => m.method === 'tools/call')?.params;
  const summary = {
    path, method: req.method,
    rpc: messages.map((m) => m.method ?? (m.id !== undefined ? 'response' : 'unknown')),
    tool: call?.name ?? null,
  };
  observed.requests.push({ at: new Date().toISOString(), ...summary, authorization: req.headers.authorization !== undefined, headers });
  res.on('close', () => {
    if (!res.writableEnded) observed.disconnects.push({ at: new Date().toISOString(), ...summary, arguments: call?.arguments ?? null });
  });
  return safeJson(body); // the parsed body, handed to the SDK transports
}

function safeJson(body) {
  if (!body?.length) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseMessages(body) {
  const parsed = safeJson(body);
  const list = Array.isArray(parsed) ? parsed : parsed ? [parsed] : [];
  return list.filter((m) => m && typeof m === 'object');
}

function text(value) {
  return { content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }] };
}

// Resolves after ms, or rejects as soon as the signal fires.
function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const object = (properties = {}, required = []) => ({ type: 'object', properties, required });
const string = { type: 'string' };
const number = { type: 'number' };

export const TOOLS = [
  {
    name: 'whoami',
    description: 'Echoes the x-toolgate-* request headers, whether an Authorization header arrived, and the Mcp-Session-Id the upstream saw.',
    inputSchema: object(),
    run(args, call) {
      const seen = Object.fromEntries(Object.entries(call.headers).filter(([name]) => name.startsWith('x-toolgate-')));
      return text({
        ...seen,
        authorization_seen: call.headers.authorization !== undefined,
        'mcp-session-id': call.headers['mcp-session-id'] ?? null,
        endpoint: call.endpoint,
      });
    },
  },
  {
    name: 'lookup_order',
    description: 'Looks an order up (canned data).',
    inputSchema: object({ order_id: string }, ['order_id']),
    run: (args) => text({ order_id: args.order_id, status: 'shipped', customer_id: 'c-1001', total: 42.5 }),
  },
  {
    name: 'refund_order',
    description: 'Refunds an order (canned; nothing is refunded).',
    inputSchema: object({ order_id: string, customer_id: string, amount: number }, ['order_id', 'customer_id', 'amount']),
    run: (args) => text({ refunded: true, order_id: args.order_id, customer_id: args.customer_id, amount: args.amount }),
  },
  {
    name: 'count',
    description: 'Sends n progress notifications (when the request has a progressToken) delay_ms apart, then answers "counted n".',
    inputSchema: object({ n: { type: 'integer', minimum: 0 }, delay_ms: { type: 'integer', minimum: 0 } }, ['n']),
    async run(args, call) {
      const n = args.n;
      for (let i = 1; i <= n; i++) {
        if (call.progressToken !== undefined) await call.progress(i, n, `step ${i} of ${n}`);
        if (i < n || call.progressToken === undefined) await delay(args.delay_ms ?? 0, call.signal);
      }
      return text(`counted ${n}`);
    },
  },
  {
    name: 'wait_for_cancel',
    description: 'Never answers on its own; records when the call is aborted (GET /_events: waiting, cancelled).',
    inputSchema: object({ id: string }, ['id']),
    run(args, call) {
      observed.waiting.push({ id: args.id, endpoint: call.endpoint, at: new Date().toISOString() });
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const reason = call.signal.reason;
          observed.cancelled.push({
            id: args.id, endpoint: call.endpoint, at: new Date().toISOString(),
            reason: reason instanceof Error ? reason.message : String(reason),
          });
          reject(reason instanceof Error ? reason : new Error(String(reason)));
        };
        if (call.signal.aborted) onAbort();
        else call.signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  },
  {
    name: 'sleep',
    description: 'Answers "slept ms" after ms milliseconds, sending nothing meanwhile.',
    inputSchema: object({ ms: { type: 'integer', minimum: 0 } }, ['ms']),
    async run(args, call) {
      await delay(args.ms, call.signal);
      return text(`slept ${args.ms}`);
    },
  },
];

// Runs a tool and records the call (endpoint, name, arguments, whether a progress token came along).
export async function runTool(name, args, call) {
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) throw new Error(`unknown tool ${name}`);
  observed.calls.push({ endpoint: call.endpoint, name, arguments: args, progressToken: call.progressToken ?? null, at: new Date().toISOString() });
  return tool.run(args ?? {}, call);
}

// Plain lower-case header object from a fetch Headers, a Node IncomingHttpHeaders, or nothing.
export function headerObject(headers) {
  if (!headers) return {};
  if (typeof headers.entries === 'function') return Object.fromEntries([...headers.entries()].map(([k, v]) => [k.toLowerCase(), v]));
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]));
}

// In-memory EventStore (resumability): event ids are "<streamId>::<sequence>", so a Last-Event-ID
// names its stream and everything after it on that stream is replayed in order.
export function memoryEventStore() {
  const events = [];
  let sequence = 0;
  return {
    async storeEvent(streamId, message) {
      const eventId = `${streamId}::${String(++sequence).padStart(10, '0')}`;
      events.push({ eventId, streamId, message });
      return eventId;
    },
    async getStreamIdForEventId(eventId) {
      return events.find((e) => e.eventId === eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const streamId = lastEventId.split('::')[0];
      for (const event of events) {
        if (event.streamId === streamId && event.eventId > lastEventId) await send(event.eventId, event.message);
      }
      return streamId;
    },
  };
}
