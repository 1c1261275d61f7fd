// A client's OAuth settings (GET, edit, PUT with If-Match) and its private_key_jwt keys (add one or
// a set, remove one, each with If-Match). Both edit the same stored settings, so a change in one
// reloads the other; a 412 (someone changed them since this page read them) reloads and says so.

import {api, apiTagged, seg} from '../api.js';
import {confirmAction, field, h, replace, run, showError, showOk, statusArea, table, uid} from '../dom.js';

const AUTH_METHODS = [
  ['client_secret_basic', 'client_secret_basic: a client secret in HTTP Basic'],
  ['client_secret_post', 'client_secret_post: a client secret in the form'],
  ['private_key_jwt', 'private_key_jwt: a JWT signed with one of its keys (below)'],
  ['none', 'none: a public client (PKCE only; alone)'],
];

/** What a 412 means to the person who pressed the button. */
export const CHANGED_ELSEWHERE = 'Someone else changed this client\'s OAuth settings since this page read them, so nothing was saved. '
  + 'The current settings are shown now: check them and make your change again.';

function words(text) {
  return text.split(/\s+/).filter(Boolean);
}

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Shows a failure; for a 412 the plain-words message, then reload() draws what is stored now. */
function failed(status, error, reload) {
  if (error.status === 412) {
    showError(status, {status: 412, detail: CHANGED_ELSEWHERE, code: error.code, requestId: error.requestId});
    reload();
  } else {
    showError(status, error);
  }
}

/**
 * The OAuth settings form. {section, reload}; onChange() runs after a save (the keys list follows).
 */
export function oauthSection(client, onChange) {
  const status = statusArea();
  const body = h('div', {id: 'oauth-settings'}, h('p', {}, 'Loading…'));
  let etag = null;
  let jwks = null;

  function draw(settings) {
    jwks = settings.jwks;
    const scopes = h('input', {type: 'text', id: 'oauth-scopes', autocomplete: 'off', spellcheck: 'false', value: (settings.scopes || []).join(' ')});
    const ttl = h('input', {type: 'number', id: 'oauth-ttl', required: true, min: '1', step: '1', value: String(settings.token_ttl_seconds)});
    const uris = h('textarea', {id: 'oauth-redirect-uris', rows: '3', spellcheck: 'false', autocomplete: 'off'});
    uris.value = (settings.redirect_uris || []).join('\n');
    const methods = AUTH_METHODS.map(([value, text]) => {
      const box = h('input', {type: 'checkbox', id: `oauth-method-${value}`, name: 'auth_methods', value, checked: (settings.auth_methods || []).includes(value)});
      return {value, box, element: h('div', {class: 'check'}, box, h('label', {for: box.id}, text))};
    });
    const save = h('button', {type: 'submit', id: 'save-oauth'}, 'Save OAuth settings');
    const hintId = uid('hint');
    const form = h('form', {id: 'oauth-form'},
      h('div', {class: 'row'},
        field('Scopes', scopes, 'Space-separated scopes the client may ask for; empty: none.'),
        field('Token lifetime (seconds)', ttl, 'Capped by authorization_server.max_token_ttl.')),
      h('fieldset', {class: 'checks', 'aria-describedby': hintId},
        h('legend', {}, 'Token endpoint authentication'),
        methods.map((m) => m.element),
        h('small', {id: hintId, class: 'hint'}, 'One or more; private_key_jwt needs a key below.')),
      field('Redirect URIs', uris, 'One per line: https (http on loopback only) or a native app\'s scheme; at most 20.'),
      h('div', {class: 'actions'}, save));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const wanted = {
        client_id: client.id,
        scopes: words(scopes.value),
        token_ttl_seconds: Number(ttl.value),
        auth_methods: methods.filter((m) => m.box.checked).map((m) => m.value),
        redirect_uris: lines(uris.value),
        jwks,
      };
      try {
        const saved = await run(null, save, () => apiTagged('PUT', `/admin/clients/${seg(client.id)}/oauth`, wanted, {'if-match': etag || '*'}));
        etag = saved.etag;
        draw(saved.data);
        showOk(status, 'Saved the OAuth settings.');
        onChange();
      } catch (error) {
        failed(status, error, reload);
      }
    });
    replace(body, form);
  }

  async function reload() {
    try {
      const answer = await apiTagged('GET', `/admin/clients/${seg(client.id)}/oauth`);
      etag = answer.etag;
      draw(answer.data);
    } catch (error) {
      if (error.status === 409) {
        // Stored settings edited by hand into something unusable: a save (If-Match *) replaces them.
        etag = '*';
        draw({scopes: [], token_ttl_seconds: 3600, auth_methods: ['client_secret_basic', 'client_secret_post'], redirect_uris: [], jwks: null});
        body.prepend(h('div', {class: 'notice error', role: 'alert'}, `${error.detail} Saving this form replaces them.`));
      } else {
        showError(body, error);
      }
    }
  }

  const section = h('section', {class: 'card', id: 'oauth-section', 'aria-labelledby': 'oauth-title'},
    h('h2', {id: 'oauth-title'}, 'OAuth settings'),
    h('p', {class: 'lead'}, 'How this client uses the token endpoint. Saving replaces them all, and only if nobody changed them since this page read them.'),
    status,
    body);
  reload();
  return {section, reload};
}

/** The keys a pasted text names: one JWK, or each key of a JWK set. Throws with a plain message. */
function pastedKeys(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw {detail: 'That is not JSON: paste one public JWK ({"kty": …, "kid": …}) or a JWK set ({"keys": […]}).'};
  }
  if (value && Array.isArray(value.keys)) {
    if (!value.keys.length) {
      throw {detail: 'The JWK set has no keys.'};
    }
    return value.keys;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw {detail: 'Paste one public JWK (a JSON object) or a JWK set ({"keys": […]}).'};
  }
  return [value];
}

/**
 * The client's public keys for private_key_jwt: list, add (one JWK or each key of a set), remove.
 * {section, reload}; onChange() runs after a change (the settings form follows).
 */
export function keysSection(client, onChange) {
  const status = statusArea();
  const list = h('div', {id: 'client-key-list'}, h('p', {}, 'Loading…'));
  const path = `/admin/clients/${seg(client.id)}/keys`;
  let etag = null;

  function removeButton(key) {
    if (!key.kid) {
      return h('span', {class: 'meta'}, 'no kid: change with the settings');
    }
    const button = h('button', {type: 'button', class: 'danger small', 'data-action': 'remove-key', 'data-kid': key.kid}, 'Remove');
    button.addEventListener('click', async () => {
      if (!await confirmAction(`Remove key ${key.kid}?`, 'Client assertions signed with it are refused from now on.', 'Remove')) {
        return;
      }
      try {
        const left = await run(null, button, () => apiTagged('DELETE', `${path}/${seg(key.kid)}`, undefined, etag ? {'if-match': etag} : {}));
        etag = left.etag;
        draw(left.data.keys || []);
        showOk(status, `Removed key ${key.kid}.`);
        onChange();
      } catch (error) {
        failed(status, error, reload);
      }
    });
    return button;
  }

  function draw(keys) {
    replace(list, table('Keys for private_key_jwt', [
      ['Key id', (k) => (k.kid ? h('code', {}, k.kid) : '—')],
      ['Type', (k) => [k.kty, k.crv].filter(Boolean).join(' ')],
      ['Algorithm', (k) => k.alg || ''],
      ['Use', (k) => k.use || ''],
      ['Actions', removeButton],
    ], keys, 'No keys: add one to let this client authenticate with private_key_jwt.'));
  }

  async function reload() {
    try {
      const answer = await apiTagged('GET', path);
      etag = answer.etag;
      draw(answer.data.keys || []);
    } catch (error) {
      showError(list, error);
    }
  }

  const jwk = h('textarea', {id: 'client-key-jwk', rows: '5', required: true, spellcheck: 'false', autocomplete: 'off'});
  const add = h('button', {type: 'submit', id: 'add-client-key'}, 'Add key');
  const form = h('form', {class: 'inline-form', id: 'client-key-form'},
    field('Public JWK or JWK set', jwk, 'Each key needs a kid. Public keys only: a private or symmetric key, an RSA key under 2048 bits or an encryption key is refused.'),
    h('div', {class: 'actions'}, add));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.replaceChildren();
    let keys;
    try {
      keys = pastedKeys(jwk.value);
    } catch (problem) {
      showError(status, problem);
      return;
    }
    const added = [];
    try {
      await run(null, add, async () => {
        for (const key of keys) {
          const answer = await api('POST', path, {jwk: key}, etag ? {'if-match': etag} : {});
          added.push(answer.kid);
          const now = await apiTagged('GET', path);
          etag = now.etag;
          draw(now.data.keys || []);
        }
      });
      form.reset();
      showOk(status, `Added ${added.length === 1 ? 'key' : 'keys'} ${added.join(', ')}.`);
    } catch (error) {
      failed(status, added.length ? {...error, detail: `Added ${added.join(', ')}; then: ${error.detail}`} : error, reload);
    }
    if (added.length) {
      onChange();
    }
  });

  const section = h('section', {class: 'card', id: 'client-keys-section', 'aria-labelledby': 'client-keys-title'},
    h('h2', {id: 'client-keys-title'}, 'Keys for private_key_jwt'),
    h('p', {class: 'lead'}, 'The public keys this client signs its token endpoint assertions with (the jwks of its OAuth settings).'),
    form,
    status,
    list);
  reload();
  return {section, reload};
}

/** Both sections, each reloading the other after a change. */
export function oauthSections(client) {
  let keys = null;
  const settings = oauthSection(client, () => keys.reload());
  keys = keysSection(client, () => settings.reload());
  return [settings.section, keys.section];
}
