// Admin tokens (role admin only): create one with a role (its secret shown once), list, revoke.
// Another role's session sees the API's refusal (403 admin_role_forbidden) where it happened.

import {api, seg} from '../api.js';
import {confirmAction, field, h, heading, replace, run, select, showError, showOk, statusArea, table, time, utc} from '../dom.js';
import {showSecret} from '../secret.js';

const ROLES = [
  ['admin', 'admin: everything'],
  ['operator', 'operator: everything but admin tokens and pruning the audit log'],
  ['read_only', 'read_only: every read, no change'],
  ['token_minter', 'token_minter: customer and session tokens only'],
];

function state(token) {
  if (token.revoked_at) {
    return 'revoked';
  }
  if (token.expires_at && new Date(token.expires_at) <= new Date()) {
    return 'expired';
  }
  return 'active';
}

export async function renderAdminTokens(container, {session}) {
  const status = statusArea();
  const secretSlot = h('div', {class: 'secret-slot'});
  const list = h('div', {id: 'admin-token-list'}, h('p', {}, 'Loading…'));
  const mine = session && session.admin_token ? session.admin_token : {};

  function revokeButton(token) {
    if (state(token) !== 'active') {
      return token.revoked_at ? time(token.revoked_at) : '';
    }
    const button = h('button', {type: 'button', class: 'danger small', 'data-action': 'revoke', 'data-id': token.id}, 'Revoke');
    button.addEventListener('click', async () => {
      const own = token.id === mine.id;
      if (!await confirmAction(`Revoke admin token ${token.name}?`, `Scripts using it are refused at once and every console session opened with it ends${own
        ? ', this one included: you will be signed out' : ''}. This cannot be undone.`, 'Revoke')) {
        return;
      }
      if (await run(status, button, () => api('POST', `/admin/admin-tokens/${seg(token.id)}/revoke`, {}))) {
        showOk(status, `Revoked admin token ${token.name} (${token.id}).`);
        reload();
      }
    });
    return button;
  }

  async function reload() {
    try {
      const answer = await api('GET', '/admin/admin-tokens');
      replace(list, table('Admin tokens', [
        ['Name', (t) => t.name],
        ['Id', (t) => h('code', {}, t.id)],
        ['Role', (t) => t.role],
        ['Created', (t) => time(t.created_at)],
        ['Expires', (t) => time(t.expires_at)],
        ['Last used', (t) => time(t.last_used_at)],
        ['State', (t) => (t.id === mine.id ? `${state(t)} (this session)` : state(t))],
        ['Actions', revokeButton],
      ], answer.admin_tokens || [], 'No admin tokens.'));
    } catch (error) {
      showError(list, error);
    }
  }

  const name = h('input', {type: 'text', id: 'admin-token-name', required: true, maxlength: '64', autocomplete: 'off'});
  const role = select({id: 'admin-token-role'}, ROLES, 'operator');
  const expires = h('input', {type: 'datetime-local', id: 'admin-token-expires'});
  const create = h('button', {type: 'submit', id: 'create-admin-token'}, 'Create admin token');
  const form = h('form', {class: 'card', id: 'admin-token-form', 'aria-labelledby': 'admin-token-form-title'},
    h('h2', {id: 'admin-token-form-title'}, 'New admin token'),
    h('div', {class: 'row'},
      field('Name', name, 'Who or what uses it: ada, deploy-bot.'),
      field('Role', role, 'Fixed for the token\'s life.'),
      field('Expires (optional)', expires, 'Your local time; empty: never.')),
    h('div', {class: 'actions'}, create),
    secretSlot);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {name: name.value.trim(), role: role.value};
    if (expires.value) {
      body.expires_at = utc(expires.value);
    }
    const issued = await run(status, create, () => api('POST', '/admin/admin-tokens', body));
    if (issued) {
      form.reset();
      role.value = 'operator';
      showSecret(secretSlot, `admin token ${issued.name} (${issued.role})`, issued.secret);
      reload();
    }
  });

  container.append(heading('Admin tokens'),
    h('p', {class: 'lead'}, 'The tokens of the admin API and of this console, each with a role. Only the admin role manages them.'),
    mine.role && mine.role !== 'admin'
      ? h('p', {class: 'notice', id: 'admin-token-role-note'}, `This session's token has the ${mine.role} role, so Toolgate refuses to list, create or revoke admin tokens here.`)
      : null,
    form, status, h('h2', {}, 'All admin tokens'), list);
  await reload();
}
