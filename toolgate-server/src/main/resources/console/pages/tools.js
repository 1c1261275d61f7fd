// Tools and their policies as configured now (GET /admin/tools): which credentials each takes,
// how the user is bound, its limits. The main settings are summed up; everything the API gives is
// under "Everything as configured", nested values as nested lists, so no setting is left out.

import {api} from '../api.js';
import {facts, h, heading, run, showError, showOk, statusArea} from '../dom.js';

function isEmpty(value) {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)
    || (typeof value === 'object' && !Array.isArray(value) && !Object.keys(value).length);
}

/** Any JSON value as text or nested definition lists. */
export function jsonView(value) {
  if (value === null || value === undefined) {
    return h('span', {class: 'none'}, '—');
  }
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      return value.length ? value.map(String).join(', ') : h('span', {class: 'none'}, 'none');
    }
    return h('ol', {class: 'json'}, value.map((v) => h('li', {}, jsonView(v))));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) {
      return h('span', {class: 'none'}, 'none');
    }
    return h('dl', {class: 'json'}, entries.flatMap(([key, v]) => [h('dt', {}, key.replaceAll('_', ' ')), h('dd', {}, jsonView(v))]));
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  return String(value);
}

/** "header x-sendbird-signature, encoding hex_lower": the settings that are set, on one line. */
function settings(object) {
  if (!object || typeof object !== 'object') {
    return isEmpty(object) ? '' : String(object);
  }
  return Object.entries(object).filter(([, v]) => !isEmpty(v) && v !== false)
    .map(([k, v]) => `${k.replaceAll('_', ' ')}${v === true ? '' : ` ${typeof v === 'object' ? (Array.isArray(v) ? v.join(', ') : JSON.stringify(v)) : v}`}`)
    .join('; ');
}

function credentials(policy) {
  if (!policy) {
    return [];
  }
  if (policy.anonymous) {
    return [['Credentials', h('strong', {}, 'none: anonymous on purpose')]];
  }
  const required = [].concat(policy.require || []);
  const rows = [['Credentials', required.length ? h('span', {}, required.map((kind, i) => [i ? ' + ' : '', h('code', {}, kind)]),
    required.length > 1 ? ` (${policy.combine === 'any' ? 'any one' : 'all'} of them)` : '') : 'none']];
  for (const [kind, detail] of Object.entries(policy.credentials || {})) {
    const text = settings(detail);
    if (text) {
      rows.push([h('span', {class: 'sub'}, kind), text]);
    }
  }
  return rows;
}

function limits(rateLimits) {
  if (isEmpty(rateLimits)) {
    return 'none';
  }
  return [].concat(rateLimits).map((r) => `${r.limit} per ${r.period_seconds} s per ${[].concat(r.per || []).join(' + ') || 'call'}`
    + (r.bucket ? ` (bucket ${r.bucket})` : '')).join('; ');
}

function toolCard(tool) {
  const methods = [].concat(tool.methods || tool.method || []).join(', ');
  const titleId = `tool-${tool.name}`;
  return h('article', {class: 'card tool', 'aria-labelledby': titleId},
    h('h2', {id: titleId}, tool.name, ' ', tool.kind ? h('span', {class: 'tag'}, tool.kind) : null),
    h('p', {class: 'route'}, h('code', {}, `${methods || '*'} ${tool.path || ''}`), tool.upstream ? [' → ', h('code', {}, tool.upstream)] : null),
    facts([
      ['Platform', tool.platform],
      ...credentials(tool.policy),
      ['User binding', isEmpty(tool.user) ? 'none' : settings(tool.user.identities ? {...tool.user.identities, forward: tool.user.forward} : tool.user)],
      ['Owner', isEmpty(tool.owner) ? 'none' : settings(tool.owner)],
      ['Rate limits', limits(tool.rate_limits)],
      ['Allowed IPs', isEmpty(tool.allowed_ips) && isEmpty(tool.platform_allowed_ips) ? 'any'
        : [].concat(tool.allowed_ips || [], tool.platform_allowed_ips || []).join(', ')],
      ['Largest body', tool.max_body_bytes ? `${tool.max_body_bytes} bytes` : null],
      ['Defined at', tool.line ? `toolgate.yaml line ${tool.line}` : null],
    ]),
    tool.mcp ? h('details', {}, h('summary', {}, 'MCP rules'), jsonView(tool.mcp)) : null,
    h('details', {}, h('summary', {}, 'Everything as configured'), jsonView(tool)),
    h('p', {}, h('a', {href: `#/test?tool=${encodeURIComponent(tool.name)}`}, `Test ${tool.name}`)));
}

/** "Reload configuration": POST /admin/config/reload, as `toolgate reload` does; a refused file's problems are listed. */
function reloadControl(container, status) {
  const button = h('button', {type: 'button', class: 'secondary', id: 'reload-config'}, 'Reload configuration');
  button.addEventListener('click', async () => {
    const done = await run(null, button, () => api('POST', '/admin/config/reload', {})).catch((error) => {
      showError(status, error);
      if (error.problems.length) {
        status.append(h('ul', {class: 'problems', id: 'reload-problems'}, error.problems.map((p) => h('li', {}, h('code', {}, p)))));
      }
      return undefined;
    });
    if (done) {
      showOk(status, `Configuration ${done.result}: version ${done.version}, ${done.tools} tool(s).`);
      if (done.result === 'reloaded') {
        container.replaceChildren();
        await renderTools(container, {}, status);
      }
    }
  });
  return h('div', {class: 'reload'}, button, status);
}

export async function renderTools(container, context, reloadStatus) {
  const status = statusArea();
  const reload = reloadControl(container, reloadStatus || statusArea()); // after a reload, its outcome stays shown
  container.append(heading('Tools'), h('p', {class: 'lead'}, 'Every tool route as configured now (toolgate.yaml; a reload shows here at once).'),
    reload, status);
  let answer;
  try {
    answer = await api('GET', '/admin/tools');
  } catch (error) {
    showError(status, error);
    return;
  }
  if (answer.config_version) {
    container.append(h('p', {class: 'meta'}, 'Configuration version ', h('code', {}, answer.config_version)));
  }
  const tools = answer.tools || [];
  container.append(tools.length ? h('div', {class: 'tools', id: 'tool-list'}, tools.map(toolCard)) : h('p', {class: 'empty'}, 'No tools are configured.'));
}
