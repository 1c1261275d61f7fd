// What the Users page does to one user beyond enable/disable: set a password, get an opaque id,
// mint a customer token (shown once); the opaque id keys (list, rotate); a platform user's session
// tokens (issue, shown once; list; revoke one or all). Each is the CLI's `toolgate user …`.

import {api, seg} from '../api.js';
import {confirmAction, facts, field, h, replace, run, select, showError, showOk, statusArea, table, time, utc} from '../dom.js';
import {showSecret} from '../secret.js';

/** A card to act on one user, picked from `users`. */
export function oneUser(users) {
  const status = statusArea();
  const result = h('div', {id: 'one-user-result'});
  const who = select({id: 'one-user'}, users.map((u) => [u.id, `${u.username} (${u.id})`]), users.length ? users[0].id : '');
  const password = h('input', {type: 'password', id: 'one-user-password', autocomplete: 'new-password', minlength: '8', maxlength: '128'});
  const setPassword = h('button', {type: 'button', id: 'set-password', class: 'secondary'}, 'Set password');
  const platform = h('input', {type: 'text', id: 'one-user-platform', autocomplete: 'off', value: 'asapp'});
  const opaque = h('button', {type: 'button', id: 'get-opaque-id', class: 'secondary'}, 'Get opaque id');
  const tool = h('input', {type: 'text', id: 'one-user-tool', autocomplete: 'off'});
  const mint = h('button', {type: 'button', id: 'mint-customer-token', class: 'secondary'}, 'Mint customer token');
  const userPath = () => `/admin/users/${seg(who.value)}`;

  setPassword.addEventListener('click', async () => {
    result.replaceChildren();
    const user = await run(status, setPassword, () => api('POST', `${userPath()}/password`, {password: password.value}));
    password.value = '';
    if (user) {
      showOk(status, `Set the password of ${user.username}.`);
    }
  });
  opaque.addEventListener('click', async () => {
    result.replaceChildren();
    const body = platform.value.trim() ? {platform: platform.value.trim()} : {};
    const id = await run(status, opaque, () => api('POST', `${userPath()}/opaque-id`, body));
    if (id) {
      replace(result, facts([['Opaque id', h('code', {id: 'opaque-id-value'}, id.opaque_id)], ['Platform', id.platform],
        ['Key version', String(id.key_version)]]));
    }
  });
  mint.addEventListener('click', async () => {
    result.replaceChildren();
    const body = tool.value.trim() ? {tool: tool.value.trim()} : {};
    const minted = await run(status, mint, () => api('POST', `${userPath()}/customer-token`, body));
    if (minted) {
      showSecret(result, `customer token (expires in ${minted.expires_in} s)`, minted.JWT);
    }
  });

  return h('section', {class: 'card', id: 'one-user-form', 'aria-labelledby': 'one-user-title'},
    h('h2', {id: 'one-user-title'}, 'One user'),
    users.length ? [
      h('div', {class: 'row'}, field('User', who)),
      h('div', {class: 'row'}, field('New password', password, '8 to 128 characters.')),
      h('div', {class: 'actions'}, setPassword),
      h('div', {class: 'row'}, field('Platform', platform, 'The opaque id upstreams of this platform receive in X-Toolgate-User.')),
      h('div', {class: 'actions'}, opaque),
      h('div', {class: 'row'}, field('Tool (optional)', tool, 'A customer token for this tool alone; empty: for every tool that takes one.')),
      h('div', {class: 'actions'}, mint),
    ] : h('p', {class: 'empty'}, 'No users yet.'),
    status,
    result);
}

/** The keys opaque ids are made with: list and rotate (never the key itself). */
export function opaqueIdKeys() {
  const status = statusArea();
  const list = h('div', {id: 'opaque-key-list'}, h('p', {}, 'Loading…'));
  const rotate = h('button', {type: 'button', id: 'rotate-opaque-key', class: 'secondary'}, 'Rotate opaque id key');
  async function reload() {
    try {
      const answer = await api('GET', '/admin/opaque-id-keys');
      replace(list, table('Opaque id keys', [
        ['Version', (k) => String(k.version)],
        ['State', (k) => (k.active ? 'active' : 'retired')],
        ['Created', (k) => time(k.created_at)],
      ], answer.opaque_id_keys || [], 'No opaque id key yet (one is made on first use).'));
    } catch (error) {
      showError(list, error);
    }
  }
  rotate.addEventListener('click', async () => {
    if (!await confirmAction('Rotate the opaque id key?', 'Ids already issued stay and keep resolving; pairs seen from now on get one under the new key.', 'Rotate')) {
      return;
    }
    const key = await run(status, rotate, () => api('POST', '/admin/opaque-id-keys/rotate', {}));
    if (key) {
      showOk(status, `Opaque id key version ${key.version} is active.`);
      reload();
    }
  });
  reload();
  return h('section', {class: 'card', id: 'opaque-keys-section', 'aria-labelledby': 'opaque-keys-title'},
    h('h2', {id: 'opaque-keys-title'}, 'Opaque id keys'),
    h('p', {class: 'lead'}, 'The keys opaque ids are derived with. The keys themselves are never shown.'),
    h('div', {class: 'actions'}, rotate), status, list);
}

/** A time in epoch milliseconds (the platform API's), shown as time() shows RFC 3339. */
function millis(value) {
  return value === null || value === undefined ? '—' : time(new Date(value).toISOString());
}

/** A platform user's session tokens (tgu_…): issue one (shown once), list, revoke one or all. */
export function sessionTokens(platform, userId) {
  const status = statusArea();
  const secretSlot = h('div', {class: 'secret-slot'});
  const list = h('div', {id: 'session-token-list'}, h('p', {}, 'Loading…'));
  const base = `/admin/platforms/${seg(platform)}/users/${seg(userId)}/token`;
  const expires = h('input', {type: 'datetime-local', id: 'session-token-expires'});
  const issue = h('button', {type: 'button', id: 'issue-session-token'}, 'Issue session token');
  const revokeAll = h('button', {type: 'button', id: 'revoke-session-tokens', class: 'danger'}, 'Revoke all');

  function revokeButton(token) {
    if (!token.active) {
      return token.revoked_at ? millis(token.revoked_at) : 'expired';
    }
    const button = h('button', {type: 'button', class: 'danger small', 'data-id': token.token_id}, 'Revoke');
    button.addEventListener('click', async () => {
      if (!await confirmAction(`Revoke session token ${token.token_id}?`, 'Calls that use it are refused at once.', 'Revoke')) {
        return;
      }
      if (await run(status, button, () => api('DELETE', `${base}/${seg(token.token_id)}`))) {
        showOk(status, `Revoked session token ${token.token_id}.`);
        reload();
      }
    });
    return button;
  }

  async function reload() {
    try {
      const answer = await api('GET', base);
      replace(list, table('Session tokens', [
        ['Id', (t) => h('code', {}, t.token_id)],
        ['Created', (t) => millis(t.created_at)],
        ['Expires', (t) => millis(t.expires_at)],
        ['Actions', revokeButton],
      ], answer.tokens || [], 'No session tokens.'));
    } catch (error) {
      showError(list, error);
    }
  }

  issue.addEventListener('click', async () => {
    const when = utc(expires.value);
    const issued = await run(status, issue, () => api('POST', base, when ? {expires_at: new Date(when).getTime()} : {}));
    if (issued) {
      showSecret(secretSlot, `session token ${issued.token_id}`, issued.token);
      reload();
    }
  });
  revokeAll.addEventListener('click', async () => {
    if (!await confirmAction(`Revoke every session token of ${userId}?`, 'Calls that use them are refused at once.', 'Revoke all')) {
      return;
    }
    const done = await run(status, revokeAll, () => api('DELETE', base));
    if (done) {
      showOk(status, `Revoked ${done.revoked} session token${done.revoked === 1 ? '' : 's'}.`);
      reload();
    }
  });
  reload();
  return h('section', {id: 'session-tokens', 'aria-labelledby': 'session-tokens-title'},
    h('h3', {id: 'session-tokens-title'}, `Session tokens of ${userId}`),
    h('div', {class: 'row'}, field('Expires (optional)', expires, 'Your local time; empty: in 7 days.')),
    h('div', {class: 'actions'}, issue, revokeAll),
    secretSlot, status, list);
}
