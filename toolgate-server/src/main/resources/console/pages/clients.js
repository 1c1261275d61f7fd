// Clients: the list, and a form to create one. A client's credentials are on its own page.

import {api, seg} from '../api.js';
import {field, h, heading, replace, run, statusArea, table, time, showError} from '../dom.js';

export async function renderClients(container, {navigate}) {
  const status = statusArea();
  const name = h('input', {type: 'text', id: 'client-name', required: true, maxlength: '64', autocomplete: 'off'});
  const platform = h('input', {type: 'text', id: 'client-platform', required: true, list: 'platform-names', autocomplete: 'off'});
  const platforms = h('datalist', {id: 'platform-names'});
  const create = h('button', {type: 'submit', id: 'create-client'}, 'Create client');
  const form = h('form', {class: 'card', id: 'create-client-form', 'aria-labelledby': 'create-client-title'},
    h('h2', {id: 'create-client-title'}, 'New client'),
    h('div', {class: 'row'},
      field('Name', name, 'Who calls: sendbird-prod, asapp-staging.'),
      field('Platform', platform, 'A platform of toolgate.yaml (sendbird, asapp…): its signature and header settings apply.')),
    platforms,
    h('div', {class: 'actions'}, create),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const client = await run(status, create, () => api('POST', '/admin/clients', {name: name.value.trim(), platform: platform.value.trim()}));
    if (client) {
      navigate(`#/clients/${seg(client.id)}`);
    }
  });
  const list = h('div', {id: 'client-list'}, h('p', {}, 'Loading…'));
  container.append(heading('Clients'), h('p', {class: 'lead'}, 'The callers of your tools (an agent platform, a backend) and the OAuth clients that registered. Open one to manage its credentials.'),
    form, h('h2', {}, 'All clients'), list);

  // Platform names from the tools, as suggestions (the list still works if /admin/tools is not there).
  api('GET', '/admin/tools').then((answer) => {
    const names = [...new Set((answer.tools || []).map((t) => t.platform).filter(Boolean))].sort();
    replace(platforms, names.map((n) => h('option', {value: n})));
  }).catch(() => {});

  let answer;
  try {
    answer = await api('GET', '/admin/clients');
  } catch (error) {
    showError(list, error);
    return;
  }
  replace(list, table('Clients', [
    ['Name', (c) => h('a', {href: `#/clients/${seg(c.id)}`}, c.name)],
    ['Id', (c) => h('code', {}, c.id)],
    ['Platform', (c) => c.platform],
    ['Registration', (c) => c.registration],
    ['State', (c) => (c.enabled ? 'enabled' : h('strong', {}, 'disabled'))],
    ['Created', (c) => time(c.created_at)],
  ], answer.clients || [], 'No clients yet: create one above.'));
}
