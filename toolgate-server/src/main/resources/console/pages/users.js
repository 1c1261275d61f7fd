// Users (Toolgate's directory) and platform user ids (which platform user is which user); what is
// done to one user, opaque id keys and session tokens are in user-actions.js.

import {api, seg} from '../api.js';
import {confirmAction, facts, field, h, heading, replace, run, showError, statusArea, table, time} from '../dom.js';
import {oneUser, opaqueIdKeys, sessionTokens} from './user-actions.js';

function createUserForm(reload) {
  const status = statusArea();
  const username = h('input', {type: 'text', id: 'user-name', required: true, autocomplete: 'off', maxlength: '64'});
  const password = h('input', {type: 'password', id: 'user-password', autocomplete: 'new-password', minlength: '8', maxlength: '128'});
  const create = h('button', {type: 'submit', id: 'create-user'}, 'Create user');
  const form = h('form', {class: 'card', id: 'create-user-form', 'aria-labelledby': 'create-user-title'},
    h('h2', {id: 'create-user-title'}, 'New user'),
    h('div', {class: 'row'}, field('Username', username), field('Password (optional)', password, '8 to 128 characters; without one the user never signs in at Toolgate.')),
    h('div', {class: 'actions'}, create),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {username: username.value.trim()};
    if (password.value) {
      body.password = password.value;
    }
    const user = await run(status, create, () => api('POST', '/admin/users', body));
    if (user) {
      form.reset();
      replace(status, h('div', {class: 'notice ok'}, 'Created user ', h('code', {}, user.username), ' (', h('code', {}, user.id), ').'));
      reload();
    }
  });
  return form;
}

function platformIds() {
  const status = statusArea();
  const result = h('div', {id: 'platform-user'});
  const platform = h('input', {type: 'text', id: 'platform-name', required: true, autocomplete: 'off', value: 'sendbird'});
  const platformUserId = h('input', {type: 'text', id: 'platform-user-id', required: true, autocomplete: 'off'});
  const username = h('input', {type: 'text', id: 'platform-username', autocomplete: 'off'});
  const look = h('button', {type: 'submit', id: 'look-up-platform-user'}, 'Look up');
  const map = h('button', {type: 'button', id: 'map-platform-user', class: 'secondary'}, 'Map to user');
  const show = (mapped) => replace(result, facts([
    ['Platform', mapped.platform],
    ['Platform user id', h('code', {}, mapped.user_id)],
    ['Toolgate user', mapped.username],
    ['Toolgate user id', h('code', {}, mapped.toolgate_user_id)],
  ]), sessionTokens(mapped.platform, mapped.user_id));
  const form = h('form', {class: 'card', id: 'platform-user-form', 'aria-labelledby': 'platform-title'},
    h('h2', {id: 'platform-title'}, 'Platform user ids'),
    h('p', {class: 'lead'}, "A platform's own user id (Sendbird's user_id) names one Toolgate user; tools that bind the user check it. Look one up, or map it to a user by username; then manage its session tokens."),
    h('div', {class: 'row'}, field('Platform', platform), field('Platform user id', platformUserId), field('Username (to map)', username)),
    h('div', {class: 'actions'}, look, map),
    status,
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.replaceChildren();
    const mapped = await run(status, look, () => api('GET', `/admin/platforms/${seg(platform.value.trim())}/users/${seg(platformUserId.value.trim())}`));
    if (mapped) {
      show(mapped);
    }
  });
  map.addEventListener('click', async () => {
    if (!form.reportValidity()) {
      return;
    }
    result.replaceChildren();
    const mapped = await run(status, map, () => api('POST', `/admin/platforms/${seg(platform.value.trim())}/users`,
      {user_id: platformUserId.value.trim(), username: username.value.trim()}));
    if (mapped) {
      show(mapped);
    }
  });
  return form;
}

function opaqueIds() {
  const status = statusArea();
  const result = h('div', {id: 'opaque-user'});
  const opaque = h('input', {type: 'text', id: 'opaque-id', required: true, autocomplete: 'off', spellcheck: 'false'});
  const resolve = h('button', {type: 'submit', id: 'resolve-opaque-id', class: 'secondary'}, 'Whose is it?');
  const form = h('form', {class: 'card', id: 'opaque-id-form', 'aria-labelledby': 'opaque-title'},
    h('h2', {id: 'opaque-title'}, 'Opaque ids'),
    h('p', {class: 'lead'}, 'What an upstream receives in X-Toolgate-User instead of the user: find out whose one is (a support case).'),
    h('div', {class: 'row'}, field('Opaque id', opaque)),
    h('div', {class: 'actions'}, resolve),
    status,
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.replaceChildren();
    const found = await run(status, resolve, () => api('GET', `/admin/opaque-ids/${seg(opaque.value.trim())}`));
    if (found) {
      replace(result, facts([
        ['Platform', found.platform],
        ['User', found.user ? found.user.username : null],
        ['User id', h('code', {}, found.user_id)],
        ['Key version', found.key_version === undefined ? null : String(found.key_version)],
      ]));
    }
  });
  return form;
}

export async function renderUsers(container) {
  const status = statusArea();
  const list = h('div', {id: 'user-list'}, h('p', {}, 'Loading…'));
  const userSlot = h('div', {});
  async function reload() {
    try {
      const answer = await api('GET', '/admin/users');
      replace(userSlot, oneUser(answer.users || []));
      replace(list, table('Users', [
        ['Username', (u) => u.username],
        ['Id', (u) => h('code', {}, u.id)],
        ['State', (u) => (u.disabled ? h('strong', {}, 'disabled') : 'enabled')],
        ['Password', (u) => (u.has_password ? 'set' : 'none')],
        ['Created', (u) => time(u.created_at)],
        ['Actions', (u) => toggle(u)],
      ], answer.users || [], 'No users yet.'));
    } catch (error) {
      showError(list, error);
    }
  }
  function toggle(user) {
    const button = h('button', {type: 'button', class: `small ${user.disabled ? 'secondary' : 'danger'}`}, user.disabled ? 'Enable' : 'Disable');
    button.addEventListener('click', async () => {
      if (!user.disabled && !await confirmAction(`Disable ${user.username}?`, 'Their tokens and sessions stop working at once, and they cannot sign in.', 'Disable')) {
        return;
      }
      if (await run(status, button, () => api('POST', `/admin/users/${seg(user.id)}/${user.disabled ? 'enable' : 'disable'}`, {}))) {
        reload();
      }
    });
    return button;
  }
  container.append(heading('Users'), h('p', {class: 'lead'}, "Toolgate's users: the people agents act for."),
    createUserForm(reload), h('h2', {}, 'All users'), status, list, userSlot, platformIds(), opaqueIds(), opaqueIdKeys());
  await reload();
}
