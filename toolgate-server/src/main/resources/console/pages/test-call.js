// Test a tool call: pick a tool, a client and a credential kind, fill the body and headers, and
// Toolgate signs the call server-side with that client's credential, sends it through its own
// pipeline (a real call: it reaches the upstream and the audit log), and shows the decision trace
// and the answer (POST /admin/tool-calls/test).

import {api} from '../api.js';
import {facts, field, h, heading, replace, run, select, statusArea, showError} from '../dom.js';
import {decisionView} from '../trace.js';

const KINDS = [
  ['signature', 'Signature (the client\'s newest signing secret)'],
  ['static_token', 'Static token (paste it)'],
  ['api_key', 'API key (paste it)'],
  ['client_token', 'OAuth access token (minted for the client)'],
  ['customer_token', 'Customer token (a fresh JWT for a user)'],
  ['none', 'None (see the refusal)'],
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The credential kinds a test call of this tool can carry (the API says), the one it most likely needs first. */
function kindsOf(tool) {
  const offered = Array.isArray(tool.test_credentials) && tool.test_credentials.length ? tool.test_credentials : KINDS.map(([kind]) => kind);
  return KINDS.filter(([kind]) => offered.includes(kind));
}

function methodOf(tool) {
  const methods = [].concat(tool.methods || tool.method || []).filter((m) => METHODS.includes(m));
  return methods[0] || (tool.kind === 'mcp' ? 'POST' : 'GET');
}

/** The body a tool most likely wants to start from: JSON for writes, nothing for reads. */
function bodyOf(tool, method) {
  if (tool.kind === 'mcp') {
    return '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
  }
  return ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : '';
}

/** "Name: value" lines as an object; a line without a colon is an error. */
function parseHeaders(text) {
  const headers = {};
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) {
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new Error(`Header line ${index + 1} is not "Name: value".`);
    }
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function pretty(body) {
  if (typeof body !== 'string') {
    return body === null || body === undefined ? '' : JSON.stringify(body, null, 2);
  }
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch (error) {
    return body;
  }
}

function headerList(headers) {
  const entries = Object.entries(headers || {});
  if (!entries.length) {
    return h('p', {class: 'empty'}, 'No headers.');
  }
  return facts(entries.map(([name, value]) => [name, [].concat(value).join(', ')]));
}

function resultView(answer) {
  const request = answer.request || {};
  const response = answer.response || {};
  return [
    h('section', {class: 'card', 'aria-labelledby': 'test-decision-title', id: 'test-decision'},
      h('h2', {id: 'test-decision-title'}, 'Decision'),
      answer.decision ? decisionView(answer.decision) : h('p', {class: 'empty'}, 'The decision was not written to the audit log in time; ',
        answer.request_id ? h('a', {href: `#/audit/${encodeURIComponent(answer.request_id)}`}, 'open it in the audit log') : 'look for it in the audit log',
        ' in a moment.')),
    h('section', {class: 'card', 'aria-labelledby': 'test-answer-title', id: 'test-answer'},
      h('h2', {id: 'test-answer-title'}, 'Answer'),
      h('p', {}, 'HTTP ', h('strong', {id: 'test-status'}, String(response.status ?? '?')),
        answer.decision && answer.decision.decision === 'allow' ? ' from the upstream' : ' from Toolgate (the call did not reach the upstream)'),
      h('h3', {}, 'Headers'), headerList(response.headers),
      h('h3', {}, 'Body'), h('pre', {class: 'body', id: 'test-response-body', tabindex: '0'}, pretty(response.body)),
      response.truncated ? h('p', {class: 'meta'}, 'Only the first 64 KiB are shown.') : null),
    h('section', {class: 'card', 'aria-labelledby': 'test-request-title', id: 'test-request'},
      h('h2', {id: 'test-request-title'}, 'Request sent'),
      h('p', {}, h('code', {}, `${request.method || ''} ${request.path || ''}${request.query ? `?${request.query}` : ''}`)),
      h('h3', {}, 'Headers (secrets hidden)'), headerList(request.headers),
      h('h3', {}, 'Body'), h('pre', {class: 'body', tabindex: '0'}, pretty(request.body))),
  ];
}

export async function renderTestCall(container, {params}) {
  const status = statusArea();
  const result = h('div', {id: 'test-result', 'aria-live': 'polite'});
  container.append(heading('Test a tool call'),
    h('p', {class: 'lead'}, 'Toolgate builds the call, signs it server-side with the chosen client\'s credential and sends it through its own gateway, '
      + 'exactly like a call from the platform: it reaches the upstream, counts against rate limits and is in the audit log.'));
  const form = h('form', {class: 'card', id: 'test-form', 'aria-label': 'Test call'}, h('p', {}, 'Loading tools and clients…'));
  container.append(form, status, result);

  let tools;
  let clients;
  try {
    [tools, clients] = await Promise.all([api('GET', '/admin/tools'), api('GET', '/admin/clients')]);
  } catch (error) {
    replace(form, h('p', {}, 'The tools or clients cannot be listed, so no call can be tested.'));
    showError(status, error);
    return;
  }
  tools = tools.tools || [];
  clients = (clients.clients || []).filter((c) => c.enabled);
  if (!tools.length) {
    replace(form, h('p', {class: 'empty'}, 'No tools are configured.'));
    return;
  }
  const wanted = params.get('tool');
  const tool = select({id: 'test-tool', required: true}, tools.map((t) => [t.name, t.name]), tools.some((t) => t.name === wanted) ? wanted : tools[0].name);
  const client = select({id: 'test-client'}, [['', '— none —'], ...clients.map((c) => [c.id, `${c.name} (${c.platform}, ${c.id})`])], params.get('client') || '');
  const kind = select({id: 'test-credential'}, KINDS, 'signature');
  const pathHint = h('small', {class: 'hint', id: 'test-path-hint'});
  const value = h('input', {type: 'password', id: 'test-value', autocomplete: 'off', spellcheck: 'false'});
  const user = h('input', {type: 'text', id: 'test-user', autocomplete: 'off', spellcheck: 'false'});
  const method = select({id: 'test-method'}, METHODS.map((m) => [m, m]), 'GET');
  const path = h('input', {type: 'text', id: 'test-path', required: true, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'test-path-hint'});
  const query = h('input', {type: 'text', id: 'test-query', autocomplete: 'off', spellcheck: 'false', placeholder: 'q=cable&page=2'});
  const headers = h('textarea', {id: 'test-headers', rows: '2', spellcheck: 'false', placeholder: 'x-trace: console'});
  const body = h('textarea', {id: 'test-body', rows: '4', spellcheck: 'false'});
  const route = h('p', {class: 'meta', id: 'test-route'});
  const valueField = field('Credential value', value, 'Toolgate keeps static tokens and API keys only as digests: paste the value (it is never shown back).');
  const userField = field('User id', user, 'The Toolgate user id (usr_…) the customer token is for.');
  const send = h('button', {type: 'submit', id: 'test-send'}, 'Send test call');

  function chosenTool() {
    return tools.find((t) => t.name === tool.value);
  }
  function showKindFields() {
    valueField.hidden = !['static_token', 'api_key'].includes(kind.value);
    userField.hidden = kind.value !== 'customer_token';
  }
  function fillFromTool() {
    const t = chosenTool();
    method.value = methodOf(t);
    path.value = t.path || '';
    body.value = bodyOf(t, method.value);
    replace(kind, kindsOf(t).map(([value, text]) => h('option', {value}, text)));
    kind.value = kind.options.length ? kind.options[0].value : '';
    if (!client.value && t.platform) {
      const match = clients.find((c) => c.platform === t.platform);
      if (match) {
        client.value = match.id;
      }
    }
    route.textContent = `${[].concat(t.methods || t.method || []).join(', ') || '*'} ${t.path || ''}${t.upstream ? ` → ${t.upstream}` : ''}`;
    pathHint.textContent = /[{*]/.test(t.path || '') ? `Fill in ${(t.path_params || []).map((p) => `{${p}}`).join(', ') || 'the path parameters'}: the path must route to ${t.name}.` : '';
    showKindFields();
  }
  tool.addEventListener('change', fillFromTool);
  kind.addEventListener('change', showKindFields);
  fillFromTool();

  replace(form,
    h('div', {class: 'row'}, field('Tool', tool), field('Client', client), field('Credential', kind)),
    route,
    h('div', {class: 'row'}, valueField, userField),
    h('div', {class: 'row'}, field('Method', method), h('div', {class: 'field'}, h('label', {for: path.id}, 'Path'), path, pathHint),
      field('Query (optional)', query)),
    field('Headers (optional)', headers, 'One "Name: value" a line. Toolgate adds the credential itself.'),
    field('Body (optional)', body),
    h('div', {class: 'actions'}, send));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.replaceChildren();
    const answer = await run(status, send, () => {
      const request = {tool: tool.value, credential: {kind: kind.value}, method: method.value, path: path.value.trim()};
      if (client.value) {
        request.client_id = client.value;
      }
      if (!valueField.hidden && value.value) {
        request.credential.value = value.value;
      }
      if (!userField.hidden && user.value.trim()) {
        request.credential.user_id = user.value.trim();
      }
      if (query.value.trim()) {
        request.query = query.value.trim().replace(/^\?/, '');
      }
      const parsedHeaders = parseHeaders(headers.value);
      if (Object.keys(parsedHeaders).length) {
        request.headers = parsedHeaders;
      }
      if (body.value) {
        request.body = body.value;
      }
      return api('POST', '/admin/tool-calls/test', request);
    });
    if (answer) {
      replace(result, resultView(answer));
      const verdict = result.querySelector('#verdict');
      if (verdict) {
        verdict.setAttribute('tabindex', '-1');
        verdict.focus();
      }
    }
  });
}
