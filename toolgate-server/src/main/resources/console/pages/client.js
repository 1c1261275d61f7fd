// One client and its credentials: signing secrets, static tokens, API keys, client secrets (create,
// rotate, revoke; a new secret is shown once), its OAuth settings and private_key_jwt keys
// (client-oauth.js).

import {api, seg, withQuery} from '../api.js';
import {confirmAction, facts, field, h, heading, replace, run, select, showError, showOk, statusArea, table, time, utc} from '../dom.js';
import {showSecret} from '../secret.js';
import {oauthSections} from './client-oauth.js';

const OVERLAPS = [['86400', 'after 24 hours'], ['3600', 'after 1 hour'], ['0', 'at once']];

/** active, expired or revoked, as of now. */
function state(credential) {
  if (credential.revoked_at) {
    return 'revoked';
  }
  if (credential.expires_at && new Date(credential.expires_at) <= new Date()) {
    return 'expired';
  }
  return 'active';
}

/**
 * A section for one kind of credential. kind: {key, title, noun, path, list, rotatable, intro,
 * fields(): [{name, control, value(): body value}], columns: extra [[heading, cell]]}.
 */
function credentialSection(client, kind) {
  const status = statusArea();
  const secretSlot = h('div', {class: 'secret-slot'});
  const list = h('div', {id: `${kind.key}-list`}, h('p', {}, 'Loading…'));
  const overlap = kind.rotatable ? select({id: `${kind.key}-overlap`}, OVERLAPS, '86400') : null;

  async function reload() {
    try {
      const answer = await api('GET', withQuery(kind.path, {client_id: client.id}));
      const items = answer[kind.list] || [];
      replace(list, table(kind.title, [
        ['Id', (c) => h('code', {}, c.id)],
        ...(kind.columns || []),
        ['Created', (c) => time(c.created_at)],
        ['Expires', (c) => time(c.expires_at)],
        ['State', (c) => state(c)],
        ['Actions', (c) => actions(c)],
      ], items, `No ${kind.noun}s yet.`));
    } catch (error) {
      showError(list, error);
    }
  }

  function actions(credential) {
    if (state(credential) !== 'active') {
      return credential.revoked_at ? time(credential.revoked_at) : '';
    }
    const buttons = [];
    if (kind.rotatable) {
      const rotate = h('button', {type: 'button', class: 'secondary small', 'data-action': 'rotate', 'data-id': credential.id}, 'Rotate');
      rotate.addEventListener('click', async () => {
        const when = overlap.value === '0' ? 'stops working at once' : `keeps working ${overlap.options[overlap.selectedIndex].text}, then stops`;
        if (!await confirmAction(`Rotate ${kind.noun} ${credential.id}?`, `A new ${kind.noun} is issued; the old one ${when}.`, 'Rotate')) {
          return;
        }
        const issued = await run(status, rotate, () => api('POST', `${kind.path}/${seg(credential.id)}/rotate`, {overlap_seconds: Number(overlap.value)}));
        if (issued) {
          showSecret(secretSlot, `${kind.noun} ${issued.id}`, issued.secret);
          reload();
        }
      });
      buttons.push(rotate);
    }
    const revoke = h('button', {type: 'button', class: 'danger small', 'data-action': 'revoke', 'data-id': credential.id}, 'Revoke');
    revoke.addEventListener('click', async () => {
      if (!await confirmAction(`Revoke ${kind.noun} ${credential.id}?`, 'Calls that use it are refused at once. This cannot be undone.', 'Revoke')) {
        return;
      }
      const done = await run(status, revoke, () => api('POST', `${kind.path}/${seg(credential.id)}/revoke`, {}));
      if (done) {
        showOk(status, `Revoked ${kind.noun} ${credential.id}.`);
        reload();
      }
    });
    buttons.push(revoke);
    return h('div', {class: 'buttons'}, buttons);
  }

  const fields = kind.fields ? kind.fields() : [];
  const expires = h('input', {type: 'datetime-local', id: `${kind.key}-expires`});
  const create = h('button', {type: 'submit', id: `create-${kind.key}`}, `Add ${kind.noun}`);
  const form = h('form', {class: 'inline-form', id: `${kind.key}-form`},
    h('div', {class: 'row'}, fields.map((f) => f.element), field('Expires (optional)', expires, 'Your local time; empty: never.')),
    h('div', {class: 'actions'}, create));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {client_id: client.id};
    for (const f of fields) {
      const value = f.value();
      if (value !== null && value !== undefined && value !== '') {
        body[f.name] = value;
      }
    }
    if (expires.value) {
      body.expires_at = utc(expires.value);
    }
    const issued = await run(status, create, () => api('POST', kind.path, body));
    if (issued) {
      form.reset();
      showSecret(secretSlot, `${kind.noun} ${issued.id}`, issued.secret);
      reload();
    }
  });

  const titleId = `${kind.key}-title`;
  const section = h('section', {class: 'card', id: `${kind.key}-section`, 'aria-labelledby': titleId},
    h('h2', {id: titleId}, kind.title),
    h('p', {class: 'lead'}, kind.intro),
    secretSlot,
    form,
    kind.rotatable ? h('div', {class: 'row'}, field('When rotating, the old one stops', overlap)) : null,
    status,
    list);
  reload();
  return section;
}

function signingSecrets() {
  const value = h('input', {type: 'password', id: 'signing-secret-value', autocomplete: 'off', spellcheck: 'false', maxlength: '1024'});
  return {
    key: 'signing-secret', title: 'Signing secrets', noun: 'signing secret', path: '/admin/signing-secrets', list: 'signing_secrets',
    intro: 'What the platform signs its calls with (Sendbird: the master API token). Toolgate keeps it encrypted and checks each signature with it.',
    fields: () => [{name: 'value', element: field('Value (optional)', value, "The platform's secret; leave empty and Toolgate generates one."),
      value: () => value.value}],
  };
}

function staticTokens() {
  return {
    key: 'static-token', title: 'Static tokens', noun: 'static token', path: '/admin/static-tokens', list: 'static_tokens', rotatable: true,
    intro: 'Bearer tokens for tools that take static_token. Toolgate keeps only a digest.',
    columns: [['Last used', (c) => time(c.last_used_at)]],
  };
}

function apiKeys(toolNames) {
  const tools = h('input', {type: 'text', id: 'api-key-tools', required: true, autocomplete: 'off', value: '*'});
  return {
    key: 'api-key', title: 'API keys', noun: 'API key', path: '/admin/api-keys', list: 'api_keys', rotatable: true,
    intro: 'Keys for tools that take api_key, each scoped to the tools it may call.',
    columns: [['Tools', (c) => (c.tools || []).join(', ')], ['Last used', (c) => time(c.last_used_at)]],
    fields: () => [{name: 'tools', element: field('Tools', tools, `Comma-separated tool names, or * for every tool.${toolNames.length ? ` Tools: ${toolNames.join(', ')}.` : ''}`),
      value: () => tools.value.split(',').map((t) => t.trim()).filter(Boolean)}],
  };
}

function clientSecrets() {
  return {
    key: 'client-secret', title: 'Client secrets', noun: 'client secret', path: '/admin/client-secrets', list: 'client_secrets',
    intro: "The client's OAuth secrets (client_secret_basic / client_secret_post at the token endpoint). Toolgate keeps only a digest. "
      + 'To rotate one, add a new secret, switch the caller over, then revoke the old one.',
    columns: [['Last used', (c) => time(c.last_used_at)]],
  };
}

function overview(client, reloadPage) {
  const status = statusArea();
  const toggle = h('button', {type: 'button', id: 'toggle-client', class: client.enabled ? 'danger' : ''}, client.enabled ? 'Disable client' : 'Enable client');
  toggle.addEventListener('click', async () => {
    if (client.enabled && !await confirmAction(`Disable ${client.name}?`,
      'Every credential of this client stops working at once (its tokens, refresh tokens and codes too) until you enable it again.', 'Disable')) {
      return;
    }
    const changed = await run(status, toggle, () => api('POST', `/admin/clients/${seg(client.id)}/${client.enabled ? 'disable' : 'enable'}`, {}));
    if (changed) {
      reloadPage();
    }
  });
  return h('section', {class: 'card', 'aria-label': 'Client'},
    facts([
      ['Id', h('code', {id: 'client-id'}, client.id)],
      ['Platform', client.platform],
      ['State', client.enabled ? 'enabled' : 'disabled'],
      ['Registration', client.registration],
      ['Application type', client.application_type],
      ['Created', time(client.created_at)],
    ]),
    h('div', {class: 'actions'}, toggle, h('a', {href: `#/test?client=${seg(client.id)}`, class: 'button-link'}, 'Test a tool call as this client')),
    status);
}

export async function renderClient(container, {id, navigate}) {
  container.append(h('p', {}, h('a', {href: '#/clients'}, '← All clients')));
  const title = heading('Client');
  container.append(title);
  const client = await api('GET', `/admin/clients/${seg(id)}`);
  title.textContent = `Client ${client.name}`;
  let toolNames = [];
  try {
    toolNames = ((await api('GET', '/admin/tools')).tools || []).map((t) => t.name);
  } catch (error) {
    toolNames = [];
  }
  container.append(
    overview(client, () => navigate(`#/clients/${seg(client.id)}`)),
    credentialSection(client, signingSecrets()),
    credentialSection(client, staticTokens()),
    credentialSection(client, apiKeys(toolNames)),
    credentialSection(client, clientSecrets()),
    ...oauthSections(client));
}
