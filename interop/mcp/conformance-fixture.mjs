// The "everything server" that the server scenarios of @modelcontextprotocol/conformance expect, served
// by upstream-server.mjs at /conformance/mcp. A JavaScript port (no express, no zod: JSON Schemas
// through fromJsonSchema) of the typescript-sdk's own fixture, test/conformance/src/everythingServer.ts,
// built on @modelcontextprotocol/server 2.x:
//   - 2026-07-28 traffic (per-request _meta envelope) → createMcpHandler(…, {legacy: 'reject'});
//   - 2025-era traffic → sessionful WebStandardStreamableHTTPServerTransport per initialize, with an
//     in-memory EventStore and retry interval (SSE polling / resumability scenarios);
//   - DNS-rebinding protection: Host and Origin must be localhost names (dns-rebinding-protection).
// The names (tools test_*, resources test://…, prompts test_*) are the ones the scenarios hard-code.
// Library: createConformanceRoute() returns (Request) => Promise<Response>.
import { randomUUID } from 'node:crypto';
import {
  CLIENT_CAPABILITIES_META_KEY, McpServer, ProtocolError, ProtocolErrorCode, ResourceTemplate,
  WebStandardStreamableHTTPServerTransport, acceptedContent, createMcpHandler, createRequestStateCodec,
  fromJsonSchema, hostHeaderValidationResponse, inputRequired, isInitializeRequest, isLegacyRequest,
  localhostAllowedHostnames, localhostAllowedOrigins, originValidationResponse,
} from '@modelcontextprotocol/server';
import { memoryEventStore } from './upstream-tools.mjs';

const IMAGE = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const AUDIO = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';
const NO_ARGS = { type: 'object', properties: {} };
const schema = (properties, required = []) => fromJsonSchema({ type: 'object', properties, required });
const text = (value) => ({ content: [{ type: 'text', text: value }] });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ask = (message, properties) => inputRequired.elicit({
  message, requestedSchema: { type: 'object', properties, required: Object.keys(properties) },
});

// SEP-2322: requestState round-trips through the client, so it is HMAC-sealed (process-local key).
const stateCodec = createRequestStateCodec({ key: crypto.getRandomValues(new Uint8Array(32)) });

// The 2025-era push-style elicitation tools: same shape, different requested schema.
async function elicitTool(ctx, message, requestedSchema, prefix) {
  try {
    const result = await ctx.mcpReq.send({ method: 'elicitation/create', params: { message, requestedSchema } });
    return text(`${prefix}: action=${result.action}, content=${JSON.stringify(result.content || {})}`);
  } catch (error) {
    return text(`Elicitation not supported or error: ${error.message}`);
  }
}

const ELICIT_DEFAULTS = {
  type: 'object', required: [], properties: {
    name: { type: 'string', description: 'User name', default: 'John Doe' },
    age: { type: 'integer', description: 'User age', default: 30 },
    score: { type: 'number', description: 'User score', default: 95.5 },
    status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', description: 'Verification status', default: true },
  },
};
const titled = (prefix) => [1, 2, 3].map((i) => ({ const: `value${i}`, title: `${['First', 'Second', 'Third'][i - 1]} ${prefix}` }));
const ELICIT_ENUMS = {
  type: 'object', required: [], properties: {
    untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
    titledSingle: { type: 'string', description: 'Select one option with titles', oneOf: titled('Option') },
    legacyEnum: { type: 'string', description: 'Select one option (legacy)', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
    untitledMulti: { type: 'array', description: 'Select multiple options', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
    titledMulti: { type: 'array', description: 'Select multiple options with titles', minItems: 1, maxItems: 3, items: { anyOf: titled('Choice') } },
  },
};
const JSON_SCHEMA_2020_12 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: { address: { $anchor: 'addressDef', type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
  properties: {
    name: { type: 'string' }, address: { $ref: '#/$defs/address' }, contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' }, email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
};

function registerTools(server, notifier) {
  const tool = (name, description, inputSchema, handler) => server.registerTool(name, { description, inputSchema }, handler);
  const none = fromJsonSchema(NO_ARGS);

  tool('test_x_mcp_header', 'SEP-2243 Mcp-Param-* server-side validation', fromJsonSchema({
    type: 'object', properties: {
      region: { type: 'string', description: 'mirrored into Mcp-Param-Region', 'x-mcp-header': 'Region' },
      level: { type: 'integer', description: 'non-mirrored argument' },
    },
  }), async (args) => text(`region=${args.region ?? '<none>'}`));
  // server-stateless (SEP-2575) diagnostics
  tool('test_missing_capability', 'requires the sampling client capability', none, async (args, ctx) => (
    ctx.mcpReq.inputResponses?.llm_answer === undefined
      ? inputRequired({ inputRequests: { llm_answer: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Reply with the single word: pong' } }], maxTokens: 16 }) } })
      : text('sampling round-trip complete')));
  tool('test_streaming_elicitation', 'a response stream with no top-level requests', none, async () => text('stream observed: result frames only'));
  tool('test_logging_tool', 'logs through the logLevel-gated channel', none, async (args, ctx) => {
    await ctx.mcpReq.log('info', 'test_logging_tool ran');
    return text('logged through the request-scoped channel');
  });
  // content types
  tool('test_simple_text', 'simple text', none, async () => text('This is a simple text response for testing.'));
  tool('test_image_content', 'image content', none, async () => ({ content: [{ type: 'image', data: IMAGE, mimeType: 'image/png' }] }));
  tool('test_audio_content', 'audio content', none, async () => ({ content: [{ type: 'audio', data: AUDIO, mimeType: 'audio/wav' }] }));
  tool('test_embedded_resource', 'embedded resource', none, async () => ({
    content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }));
  tool('test_multiple_content_types', 'text, image and resource', none, async () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: IMAGE, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ],
  }));
  tool('test_tool_with_logging', 'log messages during execution', none, async (args, ctx) => {
    for (const data of ['Tool execution started', 'Tool processing data', 'Tool execution completed']) {
      await ctx.mcpReq.notify({ method: 'notifications/message', params: { level: 'info', data } });
      await sleep(50);
    }
    return text('Tool with logging executed successfully');
  });
  tool('test_tool_with_progress', 'progress notifications', none, async (args, ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined) {
      for (const progress of [0, 50, 100]) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total: 100, message: `Completed step ${progress} of 100` } });
        if (progress < 100) await sleep(50);
      }
    }
    return text(String(progressToken ?? 'no-progress-token'));
  });
  tool('test_error_handling', 'error response', none, async () => {
    throw new Error('This tool intentionally returns an error for testing');
  });
  tool('test_reconnection', 'closes the SSE stream mid-call (SEP-1699)', none, async (args, ctx) => {
    ctx.http?.closeSSE?.();
    await sleep(100);
    return text('Reconnection test completed successfully.');
  });
  // 2025-era server→client requests
  tool('test_sampling', 'server-initiated sampling', schema({ prompt: { type: 'string' } }, ['prompt']), async (args, ctx) => {
    try {
      const result = await ctx.mcpReq.send({ method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: args.prompt } }], maxTokens: 100 } });
      return text(`LLM response: ${result.content?.text || result.message?.content?.text || 'No response'}`);
    } catch (error) {
      return text(`Sampling not supported or error: ${error.message}`);
    }
  });
  tool('test_elicitation', 'server-initiated elicitation', schema({ message: { type: 'string' } }, ['message']), (args, ctx) => elicitTool(ctx, args.message, {
    type: 'object', properties: { response: { type: 'string', description: "User's response" } }, required: ['response'],
  }, 'User response'));
  tool('test_elicitation_sep1034_defaults', 'elicitation with defaults (SEP-1034)', none, (args, ctx) => elicitTool(ctx, 'Please review and update the form fields with defaults', ELICIT_DEFAULTS, 'Elicitation completed'));
  tool('test_elicitation_sep1330_enums', 'elicitation enum variants (SEP-1330)', none, (args, ctx) => elicitTool(ctx, 'Please select options from the enum fields', ELICIT_ENUMS, 'Elicitation completed'));
  tool('json_schema_2020_12_tool', 'JSON Schema 2020-12 keywords (SEP-1613, SEP-2106)', fromJsonSchema(JSON_SCHEMA_2020_12), async (args) => text(`JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`));
  registerMrtrTools(tool, none);
  tool('test_trigger_tool_change', 'publishes tools/list_changed', none, async () => {
    notifier().toolsChanged();
    return text('tools_list_changed published');
  });
  tool('test_trigger_prompt_change', 'publishes prompts/list_changed', none, async () => {
    notifier().promptsChanged();
    return text('prompts_list_changed published');
  });
}

// Multi-round-trip (SEP-2322, 2026-07-28) tools: return inputRequired(...) until the retry carries the answers.
function registerMrtrTools(tool, none) {
  const NAME = { name: { type: 'string' } };
  const CONFIRM = { ok: { type: 'boolean' } };
  tool('test_input_required_result_elicitation', 'asks for the caller name', none, async (args, ctx) => {
    const name = acceptedContent(ctx.mcpReq.inputResponses, 'user_name')?.name;
    return typeof name === 'string' ? text(`Hello, ${name}!`) : inputRequired({ inputRequests: { user_name: ask('What is your name?', NAME) } });
  });
  tool('test_input_required_result_sampling', 'asks for an LLM completion', none, async (args, ctx) => {
    const answer = ctx.mcpReq.inputResponses?.capital_question;
    if (answer === undefined) {
      return inputRequired({ inputRequests: { capital_question: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 }) } });
    }
    return text(`Sampling response: ${typeof answer.content?.text === 'string' ? answer.content.text : JSON.stringify(answer)}`);
  });
  tool('test_input_required_result_list_roots', 'asks for the client roots', none, async (args, ctx) => {
    const roots = ctx.mcpReq.inputResponses?.client_roots?.roots;
    return Array.isArray(roots) ? text(`Client exposed ${roots.length} root(s): ${roots.map((r) => r.uri).join(', ')}`)
      : inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
  });
  tool('test_input_required_result_request_state', 'round-trips sealed requestState', none, async (args, ctx) => {
    if (acceptedContent(ctx.mcpReq.inputResponses, 'confirm') === undefined) {
      return inputRequired({ inputRequests: { confirm: ask('Please confirm', CONFIRM) }, requestState: await stateCodec.mint({ tool: 'request_state', nonce: randomUUID() }) });
    }
    if (ctx.mcpReq.requestState() === undefined) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid requestState');
    return text('state-ok: requestState verified and confirmation received');
  });
  tool('test_input_required_result_multiple_inputs', 'elicitation, sampling and roots in one round', none, async (args, ctx) => {
    const responses = ctx.mcpReq.inputResponses;
    const name = acceptedContent(responses, 'user_name')?.name;
    const greeting = responses?.greeting?.content?.text;
    const roots = responses?.client_roots?.roots;
    if (typeof name === 'string' && typeof greeting === 'string' && Array.isArray(roots)) return text(`${greeting} ${name} — ${roots.length} root(s) visible`);
    return inputRequired({
      inputRequests: {
        user_name: ask('What is your name?', NAME),
        greeting: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 }),
        client_roots: inputRequired.listRoots(),
      },
      requestState: await stateCodec.mint({ tool: 'multiple_inputs', nonce: randomUUID() }),
    });
  });
  tool('test_input_required_result_multi_round', 'two elicitation rounds', none, async (args, ctx) => {
    const state = ctx.mcpReq.requestState();
    const round = state?.tool === 'multi_round' && typeof state.round === 'number' ? state.round : 0;
    if (round === 0) {
      return inputRequired({ inputRequests: { step1: ask('Step 1: What is your name?', NAME) }, requestState: await stateCodec.mint({ tool: 'multi_round', round: 1, nonce: randomUUID() }) });
    }
    if (round === 1) {
      const name = acceptedContent(ctx.mcpReq.inputResponses, 'step1')?.name ?? 'unknown';
      return inputRequired({ inputRequests: { step2: ask('Step 2: What is your favorite color?', { color: { type: 'string' } }) }, requestState: await stateCodec.mint({ tool: 'multi_round', round: 2, name, nonce: randomUUID() }) });
    }
    const color = acceptedContent(ctx.mcpReq.inputResponses, 'step2')?.color ?? 'unknown';
    return text(`Multi-round complete: ${String(state?.name ?? 'unknown')} likes ${color}`);
  });
  tool('test_input_required_result_tampered_state', 'rejects tampered requestState', none, async (args, ctx) => {
    if (ctx.mcpReq.requestState() !== undefined && acceptedContent(ctx.mcpReq.inputResponses, 'confirm') !== undefined) return text('integrity-ok: requestState verified');
    return inputRequired({ inputRequests: { confirm: ask('Please confirm', CONFIRM) }, requestState: await stateCodec.mint({ tool: 'tampered_state', nonce: randomUUID() }) });
  });
  tool('test_input_required_result_capabilities', 'only asks for declared capabilities', none, async (args, ctx) => {
    if (ctx.mcpReq.inputResponses !== undefined) return text('Capability-aware input requests fulfilled');
    const declared = ctx.mcpReq.envelope?.[CLIENT_CAPABILITIES_META_KEY];
    const inputRequests = {};
    if (declared?.elicitation !== undefined) inputRequests.user_name = ask('What is your name?', NAME);
    if (declared?.sampling !== undefined) inputRequests.greeting = inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Generate a short greeting' } }], maxTokens: 50 });
    if (declared?.roots !== undefined) inputRequests.client_roots = inputRequired.listRoots();
    return Object.keys(inputRequests).length ? inputRequired({ inputRequests }) : text('No declared client capability supports an in-band input request');
  });
}

function registerResourcesAndPrompts(server, subscriptions) {
  const log = (data) => server.server.notification({ method: 'notifications/message', params: { level: 'info', logger: 'conformance-fixture', data } }).catch(() => {});
  const staticResource = (name, uri, mimeType, body) => server.registerResource(name, uri, { title: name, description: `${name} for testing`, mimeType },
    async () => ({ contents: [{ uri, mimeType, ...body }] }));
  staticResource('static-text', 'test://static-text', 'text/plain', { text: 'This is the content of the static text resource.' });
  staticResource('static-binary', 'test://static-binary', 'image/png', { blob: IMAGE });
  staticResource('watched-resource', 'test://watched-resource', 'text/plain', { text: 'Watched resource content' });
  server.registerResource('template', new ResourceTemplate('test://template/{id}/data', { list: undefined }),
    { title: 'Resource Template', description: 'A resource template with parameter substitution', mimeType: 'application/json' },
    async (uri, variables) => ({ contents: [{ uri: uri.toString(), mimeType: 'application/json', text: JSON.stringify({ id: variables.id, templateTest: true, data: `Data for ID: ${variables.id}` }) }] }));
  server.server.setRequestHandler('resources/subscribe', async (request) => {
    subscriptions.add(request.params.uri);
    log(`Subscribed to resource: ${request.params.uri}`);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', async (request) => {
    subscriptions.delete(request.params.uri);
    log(`Unsubscribed from resource: ${request.params.uri}`);
    return {};
  });

  const user = (content) => ({ role: 'user', content });
  server.registerPrompt('test_simple_prompt', { title: 'Simple Test Prompt', description: 'A simple prompt without arguments' },
    async () => ({ messages: [user({ type: 'text', text: 'This is a simple prompt for testing.' })] }));
  server.registerPrompt('test_prompt_with_arguments', {
    title: 'Prompt With Arguments', description: 'A prompt with required arguments',
    argsSchema: schema({ arg1: { type: 'string', description: 'First test argument' }, arg2: { type: 'string', description: 'Second test argument' } }, ['arg1', 'arg2']),
  }, async (args) => ({ messages: [user({ type: 'text', text: `Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'` })] }));
  server.registerPrompt('test_prompt_with_embedded_resource', {
    title: 'Prompt With Embedded Resource', description: 'A prompt that includes an embedded resource',
    argsSchema: schema({ resourceUri: { type: 'string', description: 'URI of the resource to embed' } }, ['resourceUri']),
  }, async (args) => ({
    messages: [
      user({ type: 'resource', resource: { uri: args.resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } }),
      user({ type: 'text', text: 'Please process the embedded resource above.' }),
    ],
  }));
  server.registerPrompt('test_input_required_result_prompt', { title: 'MRTR Prompt', description: 'requires elicitation input before rendering' }, async (ctx) => {
    const context = acceptedContent(ctx.mcpReq.inputResponses, 'user_context')?.context;
    if (typeof context !== 'string') return inputRequired({ inputRequests: { user_context: ask('What context should the prompt use?', { context: { type: 'string' } }) } });
    return { messages: [user({ type: 'text', text: `Use the following context: ${context}` })] };
  });
  server.registerPrompt('test_prompt_with_image', { title: 'Prompt With Image', description: 'A prompt that includes image content' }, async () => ({
    messages: [user({ type: 'image', data: IMAGE, mimeType: 'image/png' }), user({ type: 'text', text: 'Please analyze the image above.' })],
  }));

  server.server.setRequestHandler('logging/setLevel', async (request) => {
    log(`Log level set to: ${request.params.level}`);
    return {};
  });
  server.server.setRequestHandler('completion/complete', async () => ({ completion: { values: [], total: 0, hasMore: false } }));
}

export function createConformanceRoute({ keepAliveMs } = {}) {
  const subscriptions = new Set();
  let modern;
  const factory = () => {
    const server = new McpServer({ name: 'mcp-conformance-test-server', version: '1.0.0' }, {
      capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: { listChanged: true }, logging: {}, completions: {} },
      requestState: { verify: stateCodec.verify },
    });
    registerTools(server, () => modern.notify);
    registerResourcesAndPrompts(server, subscriptions);
    return server;
  };
  modern = createMcpHandler(factory, { legacy: 'reject', onerror: (e) => process.stderr.write(`conformance modern: ${e.message}\n`) });

  const sessions = new Map();
  const rpcError = (status, code, message) => Response.json({ jsonrpc: '2.0', id: null, error: { code, message } }, { status });

  return async function route(request) {
    const rejected = hostHeaderValidationResponse(request, localhostAllowedHostnames()) ?? originValidationResponse(request, localhostAllowedOrigins());
    if (rejected) return rejected;
    if (request.method === 'POST' && !(await isLegacyRequest(request))) return modern.fetch(request);

    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const transport = sessions.get(sessionId);
      return transport ? transport.handleRequest(request) : rpcError(404, -32001, 'Session not found');
    }
    const body = request.method === 'POST' ? await request.clone().json().catch(() => undefined) : undefined;
    if (!isInitializeRequest(body)) return rpcError(400, -32000, 'Bad Request: Session ID required');
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: memoryEventStore(),
      retryInterval: 5000,
      ...(keepAliveMs !== undefined && { keepAliveMs }),
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    const server = factory();
    transport.onclose = () => {
      if (transport.sessionId && sessions.delete(transport.sessionId)) server.close().catch(() => {});
    };
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  };
}
