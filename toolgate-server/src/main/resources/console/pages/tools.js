// Tools and their policies as configured now (GET /admin/tools): which credentials each takes,
// how the user is bound, its limits. Shown as the API gives them, nested values as nested lists,
// so every setting the configuration has appears without this page knowing each one.

import {api} from '../api.js';
import {h, heading, statusArea, showError} from '../dom.js';

const TITLE_FIELDS = ['name', 'kind', 'method', 'methods', 'path'];

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
      return h('span', {class: 'none'}, '{}');
    }
    return h('dl', {class: 'json'}, entries.flatMap(([key, v]) => [h('dt', {}, key.replaceAll('_', ' ')), h('dd', {}, jsonView(v))]));
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  return String(value);
}

function toolCard(tool) {
  const methods = tool.methods ? [].concat(tool.methods).join(', ') : tool.method;
  const rest = Object.fromEntries(Object.entries(tool).filter(([key]) => !TITLE_FIELDS.includes(key)));
  const titleId = `tool-${tool.name}`;
  return h('article', {class: 'card tool', 'aria-labelledby': titleId},
    h('h2', {id: titleId}, tool.name),
    h('p', {class: 'route'}, tool.kind ? h('span', {class: 'tag'}, tool.kind) : null, ' ', h('code', {}, `${methods || '*'} ${tool.path || ''}`)),
    jsonView(rest),
    h('p', {}, h('a', {href: `#/test?tool=${encodeURIComponent(tool.name)}`}, `Test ${tool.name}`)));
}

export async function renderTools(container) {
  const status = statusArea();
  container.append(heading('Tools'), h('p', {class: 'lead'}, 'Every tool route as configured now (toolgate.yaml; a reload shows here at once). Secrets are never shown: a variable that holds one is named instead.'), status);
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
  container.append(tools.length ? h('div', {class: 'cards', id: 'tool-list'}, tools.map(toolCard)) : h('p', {class: 'empty'}, 'No tools are configured.'));
}
