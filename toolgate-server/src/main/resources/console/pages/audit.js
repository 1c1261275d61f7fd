// The audit log: every decision, newest first, filtered and paged (the filters and the page are in
// the address, so a search can be bookmarked and the Back button goes to the previous page).

import {api, ApiError, csrfHeaders, seg, withQuery} from '../api.js';
import {confirmAction, field, h, heading, replace, run, select, showError, showOk, statusArea, table, time, utc} from '../dom.js';
import {firstFailure} from '../trace.js';

const FILTERS = ['tool', 'client_id', 'decision', 'code', 'since', 'until', 'limit'];

function localValue(rfc3339) {
  if (!rfc3339) {
    return '';
  }
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

function filterForm(params, navigate) {
  const tool = h('input', {type: 'text', id: 'audit-tool', autocomplete: 'off', value: params.get('tool') || ''});
  const client = h('input', {type: 'text', id: 'audit-client', autocomplete: 'off', value: params.get('client_id') || ''});
  const decision = select({id: 'audit-decision'}, [['', 'any'], ['allow', 'allowed'], ['deny', 'refused']], params.get('decision') || '');
  const code = h('input', {type: 'text', id: 'audit-code', autocomplete: 'off', value: params.get('code') || ''});
  const since = h('input', {type: 'datetime-local', id: 'audit-since', value: localValue(params.get('since'))});
  const until = h('input', {type: 'datetime-local', id: 'audit-until', value: localValue(params.get('until'))});
  const limit = select({id: 'audit-limit'}, [['25', '25'], ['100', '100'], ['500', '500']], params.get('limit') || '25');
  const search = h('button', {type: 'submit', id: 'audit-search'}, 'Search');
  const form = h('form', {class: 'card', id: 'audit-form', role: 'search', 'aria-label': 'Audit log filters'},
    h('div', {class: 'row'},
      field('Tool', tool), field('Client id', client), field('Decision', decision), field('Code', code, 'A problem code: signature_invalid, not_allowed…'),
      field('Since', since), field('Until', until), field('Per page', limit)),
    h('div', {class: 'actions'}, search, h('a', {href: '#/audit', class: 'button-link secondary'}, 'Clear')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`#/audit${queryOf({tool: tool.value.trim(), client_id: client.value.trim(), decision: decision.value, code: code.value.trim(),
      since: utc(since.value), until: utc(until.value), limit: limit.value})}`);
  });
  return form;
}

function queryOf(params) {
  const path = withQuery('', params);
  return path;
}

function findForm(navigate) {
  const id = h('input', {type: 'text', id: 'audit-request-id', required: true, autocomplete: 'off', spellcheck: 'false'});
  const form = h('form', {class: 'card', id: 'find-decision-form', 'aria-labelledby': 'find-decision-title'},
    h('h2', {id: 'find-decision-title'}, 'One call'),
    h('div', {class: 'row'}, field('Request id', id, 'From a refusal\'s request_id or a response\'s X-Request-Id.')),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'secondary', id: 'find-decision'}, 'Show its decision')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`#/audit/${seg(id.value.trim())}`);
  });
  return form;
}

/** The first failed check of a refusal, in a few words. */
function why(decision) {
  const failed = firstFailure(decision);
  return failed ? h('span', {class: 'why-cell'}, h('strong', {}, failed.check), failed.detail ? `: ${failed.detail}` : '') : (decision.detail || '');
}

/**
 * Downloads every decision matching the filters as JSON lines (GET /admin/audit/export). Fetched
 * with the CSRF header like any API call, then saved from memory: a plain link would carry only
 * the cookie, which is refused.
 */
function exportButton(filters) {
  const status = statusArea();
  const button = h('button', {type: 'button', class: 'secondary', id: 'audit-export'}, 'Export all matching as JSON lines');
  button.addEventListener('click', () => run(status, button, async () => {
    const {limit, ...only} = filters;
    const response = await fetch(withQuery('/admin/audit/export', only), {credentials: 'same-origin', cache: 'no-store', headers: csrfHeaders()});
    if (!response.ok) {
      let problem = null;
      try {
        problem = await response.json();
      } catch (error) {
        problem = null;
      }
      throw new ApiError(response.status, problem);
    }
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', {href: url, download: 'toolgate-audit.jsonl', class: 'visually-hidden'}, 'download');
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }));
  return h('div', {class: 'actions'}, button, status);
}

/** Deletes the decisions recorded before a time (role admin; at least 24 hours ago), asked first. */
function pruneForm() {
  const status = statusArea();
  const before = h('input', {type: 'datetime-local', id: 'audit-prune-before', required: true});
  const prune = h('button', {type: 'submit', class: 'danger', id: 'audit-prune'}, 'Prune');
  const form = h('form', {class: 'card', id: 'audit-prune-form', 'aria-labelledby': 'audit-prune-title'},
    h('h2', {id: 'audit-prune-title'}, 'Prune'),
    h('p', {class: 'lead'}, 'Delete the decisions recorded before a time at least 24 hours ago (role admin only). Export them first if you keep them.'),
    h('div', {class: 'row'}, field('Before', before, 'Your local time.')),
    h('div', {class: 'actions'}, prune),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const cutoff = utc(before.value);
    if (!await confirmAction('Prune the audit log?', `Every decision recorded before ${new Date(cutoff).toLocaleString()} is deleted. This cannot be undone.`, 'Prune')) {
      return;
    }
    const pruned = await run(status, prune, () => api('POST', '/admin/audit/prune', {before: cutoff}));
    if (pruned) {
      showOk(status, `Deleted ${pruned.deleted} decision${pruned.deleted === 1 ? '' : 's'} recorded before ${pruned.before}.`);
    }
  });
  return form;
}

export async function renderAudit(container, {params, navigate}) {
  const results = h('div', {id: 'audit-results'}, h('p', {}, 'Loading…'));
  container.append(heading('Audit log'), h('p', {class: 'lead'}, 'Every decision Toolgate made, newest first. Open one to see its trace: each check, passed or failed.'),
    filterForm(params, navigate), findForm(navigate), h('h2', {}, 'Decisions'), results);
  const filters = {};
  for (const name of FILTERS) {
    if (params.get(name)) {
      filters[name] = params.get(name);
    }
  }
  if (!filters.limit) {
    filters.limit = '25';
  }
  let answer;
  try {
    answer = await api('GET', withQuery('/admin/decisions', {...filters, cursor: params.get('cursor') || ''}));
  } catch (error) {
    showError(results, error);
    return;
  }
  const decisions = answer.decisions || [];
  const pager = [];
  if (params.get('cursor')) {
    pager.push(h('a', {href: `#/audit${queryOf(filters)}`, id: 'audit-first'}, 'First page'));
  }
  if (answer.next_cursor) {
    pager.push(h('a', {href: `#/audit${queryOf({...filters, cursor: answer.next_cursor})}`, id: 'audit-next'}, 'Next page'));
  }
  replace(results, table('Decisions', [
    ['Time', (d) => time(d.time)],
    ['Decision', (d) => h('span', {class: d.decision === 'allow' ? 'allowed' : 'refused'}, d.decision === 'allow' ? '✓ allow' : '✗ deny')],
    ['Status', (d) => String(d.status ?? '')],
    ['Code', (d) => (d.code ? h('code', {}, d.code) : '')],
    ['Tool', (d) => d.tool],
    ['Client', (d) => (d.client_id ? h('code', {}, d.client_id) : '')],
    ['Call', (d) => `${d.method || ''} ${d.path || ''}`],
    ['Why', (d) => (d.decision === 'allow' ? '' : why(d))],
    ['Request id', (d) => h('a', {href: `#/audit/${seg(d.request_id)}`, class: 'request-id'}, d.request_id)],
  ], decisions, 'No decisions match.'), pager.length ? h('nav', {class: 'pager', 'aria-label': 'Pages'}, pager) : null,
  exportButton(filters), pruneForm());
}
