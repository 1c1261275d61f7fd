// A decision and its trace: every check Toolgate made, passed (✓) or failed (✗), with the detail
// that says why: "why was this call refused?".

import {facts, h, time} from './dom.js';

/** The first check that failed, if any: the reason for a refusal. */
export function firstFailure(decision) {
  return (decision.checks || []).find((check) => !check.passed) || null;
}

/** A one-line verdict: "Allowed" or "Refused: code (status)". */
export function verdict(decision) {
  const allowed = decision.decision === 'allow';
  return h('p', {class: `verdict ${allowed ? 'allowed' : 'refused'}`, id: 'verdict'},
    h('span', {'aria-hidden': 'true'}, allowed ? '✓ ' : '✗ '),
    allowed ? 'Allowed' : 'Refused',
    !allowed && decision.code ? [': ', h('code', {}, decision.code)] : null,
    decision.status ? ` (HTTP ${decision.status})` : null);
}

/** The checks as a list, each marked passed or failed in text as well as by its sign. */
export function checks(decision) {
  const list = decision.checks || [];
  if (!list.length) {
    return h('p', {class: 'empty'}, 'No checks were recorded for this call.');
  }
  return h('ol', {class: 'trace', id: 'trace'}, list.map((check) => h('li', {class: check.passed ? 'passed' : 'failed'},
    h('span', {class: 'mark', 'aria-hidden': 'true'}, check.passed ? '✓' : '✗'),
    h('span', {class: 'visually-hidden'}, check.passed ? 'passed: ' : 'failed: '),
    h('strong', {class: 'check'}, check.check),
    check.detail ? h('span', {class: 'detail'}, ` ${check.detail}`) : null)));
}

/** The whole decision: verdict, why (for a refusal), what was called, and the trace. */
export function decisionView(decision) {
  const failed = firstFailure(decision);
  return h('div', {class: 'decision'},
    verdict(decision),
    decision.decision !== 'allow' && (failed || decision.detail)
      ? h('p', {class: 'why', id: 'why'}, h('strong', {}, 'Why: '), failed ? `${failed.check} failed: ${failed.detail || ''}` : decision.detail)
      : null,
    facts([
      ['Request id', h('code', {}, decision.request_id)],
      ['Time', time(decision.time)],
      ['Call', decision.method || decision.path ? `${decision.method || ''} ${decision.path || ''}` : null],
      ['Tool', decision.tool],
      ['Client', decision.client_id],
      ['Credentials', (decision.credential_ids || []).join(', ')],
      ['Detail', decision.detail],
      ['From', decision.remote_address],
      ['Took', decision.latency_micros !== undefined && decision.latency_micros !== null ? `${(decision.latency_micros / 1000).toFixed(1)} ms` : null],
      ['Config version', decision.config_version],
    ]),
    h('h3', {}, 'Checks'),
    checks(decision));
}
