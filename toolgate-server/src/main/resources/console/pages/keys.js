// The keys Toolgate signs its tokens with (list, rotate, revoke). Key material is never shown.

import {api, seg} from '../api.js';
import {confirmAction, field, h, heading, replace, run, select, showError, showOk, statusArea, table, time} from '../dom.js';

export async function renderKeys(container) {
  const status = statusArea();
  const list = h('div', {id: 'key-list'}, h('p', {}, 'Loading…'));
  const algorithm = select({id: 'key-algorithm'}, [['', 'as configured'], ['ES256', 'ES256'], ['RS256', 'RS256'], ['EdDSA', 'EdDSA']], '');
  const rotate = h('button', {type: 'submit', id: 'rotate-key'}, 'Rotate signing key');
  const form = h('form', {class: 'card', id: 'rotate-key-form', 'aria-labelledby': 'rotate-title'},
    h('h2', {id: 'rotate-title'}, 'Rotate'),
    h('p', {class: 'lead'}, 'A new key signs from now on; tokens signed with the previous one stay valid until they expire (it stays in the JWKS until then).'),
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
    if (key.state === 'revoked' || key.state === 'retired') {
      return '';
    }
    const button = h('button', {type: 'button', class: 'danger small', 'data-kid': key.kid}, 'Revoke');
    button.addEventListener('click', async () => {
      if (!await confirmAction(`Revoke signing key ${key.kid}?`,
        'Every token it signed is refused at once (access tokens, customer tokens). Revoke a key only if it leaked.', 'Revoke')) {
        return;
      }
      if (await run(status, button, () => api('POST', `/admin/signing-keys/${seg(key.kid)}/revoke`, {}))) {
        showOk(status, `Revoked signing key ${key.kid}.`);
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
        ['State', (k) => k.state],
        ['Created', (k) => time(k.created_at)],
        ['Activated', (k) => time(k.activated_at)],
        ['Retired', (k) => time(k.retired_at)],
        ['Actions', revokeButton],
      ], answer.signing_keys || [], 'No signing keys.'));
    } catch (error) {
      showError(list, error);
    }
  }

  container.append(heading('Signing keys'), h('p', {class: 'lead'}, 'The keys of the tokens Toolgate issues (published at /.well-known/jwks.json).'),
    form, status, h('h2', {}, 'Keys'), list);
  await reload();
}
