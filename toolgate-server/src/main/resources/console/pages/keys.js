// The keys Toolgate signs its tokens with (list, rotate, revoke). Key material is never shown.

import {api, seg} from '../api.js';
import {confirmAction, field, h, heading, replace, run, select, showError, showOk, statusArea, table, time} from '../dom.js';

const STATES = {
  active: 'signs new tokens',
  published: 'retired, still in the JWKS until the tokens it signed expire',
  expired: 'retired longer than the longest token lives',
  pending: 'never used',
};

export async function renderKeys(container) {
  const status = statusArea();
  const list = h('div', {id: 'key-list'}, h('p', {}, 'Loading…'));
  const algorithm = select({id: 'key-algorithm'}, [['', 'as configured'], ['ES256', 'ES256'], ['RS256', 'RS256'], ['EdDSA', 'EdDSA']], '');
  const rotate = h('button', {type: 'submit', id: 'rotate-key'}, 'Rotate signing key');
  const form = h('form', {class: 'card', id: 'rotate-key-form', 'aria-labelledby': 'rotate-title'},
    h('h2', {id: 'rotate-title'}, 'Rotate'),
    h('p', {class: 'lead'}, 'A new key signs from now on; the previous one is retired but stays published, so the tokens it signed keep working until they expire.'),
    h('div', {class: 'row'}, field('Algorithm', algorithm)),
    h('div', {class: 'actions'}, rotate));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = algorithm.value ? {algorithm: algorithm.value} : {};
    const key = await run(status, rotate, () => api('POST', '/admin/signing-keys/rotate', body));
    if (key) {
      showOk(status, `New signing key ${key.kid} (${key.algorithm}).`);
      reload();
    }
  });

  function revokeButton(key) {
    const button = h('button', {type: 'button', class: 'danger small', 'data-kid': key.kid}, 'Revoke');
    button.addEventListener('click', async () => {
      if (!await confirmAction(`Revoke signing key ${key.kid}?`,
        `Every token it signed is refused at once (access tokens, customer tokens) and it leaves the JWKS.${key.state === 'active'
          ? ' A new key becomes active in its place.' : ''} Revoke a key only if it leaked; to change keys, rotate.`, 'Revoke')) {
        return;
      }
      const revoked = await run(status, button, () => api('POST', `/admin/signing-keys/${seg(key.kid)}/revoke`, {}));
      if (revoked) {
        showOk(status, `Revoked signing key ${key.kid}.${revoked.replacement ? ` ${revoked.replacement.kid} (${revoked.replacement.algorithm}) signs now.` : ''}`);
        reload();
      }
    });
    return button;
  }

  async function reload() {
    try {
      const answer = await api('GET', '/admin/signing-keys');
      replace(list, table('Signing keys', [
        ['Key id', (k) => h('code', {}, k.kid)],
        ['Algorithm', (k) => k.algorithm],
        ['State', (k) => h('span', {title: STATES[k.state] || ''}, k.state)],
        ['Created', (k) => time(k.created_at)],
        ['Activated', (k) => time(k.activated_at)],
        ['Retired', (k) => time(k.retired_at)],
        ['Actions', revokeButton],
      ], answer.signing_keys || [], 'No signing keys.'));
    } catch (error) {
      showError(list, error);
    }
  }

  container.append(heading('Signing keys'), h('p', {class: 'lead'},
    'The keys of the tokens Toolgate issues, published at /.well-known/jwks.json: active (signs new tokens), published (retired, kept until its tokens expire), expired, pending. Key material is never shown.'),
    form, status, h('h2', {}, 'Keys'), list);
  await reload();
}
