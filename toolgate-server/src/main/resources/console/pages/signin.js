// Sign in with an admin token. The token goes to Toolgate once; the browser keeps only a sealed
// session cookie (HttpOnly) naming the token's id, and this page keeps the session's CSRF token.

import {api} from '../api.js';
import {field, h, heading, replace, run, statusArea} from '../dom.js';

export function renderSignIn(main, {message, onSignedIn}) {
  const token = h('input', {type: 'password', id: 'admin-token', name: 'token', autocomplete: 'off', spellcheck: 'false', required: true});
  const submit = h('button', {type: 'submit', id: 'sign-in'}, 'Sign in');
  const status = statusArea();
  const form = h('form', {class: 'card narrow', id: 'sign-in-form'},
    field('Admin token', token, 'A tga_… token from "toolgate admin-token create --name NAME" (toolgate demo prints one). Its role decides what you may do here.'),
    h('div', {class: 'actions'}, submit),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await run(status, submit, () => api('POST', '/console/session', {token: token.value.trim()}));
    if (answer) {
      token.value = '';
      onSignedIn(answer);
    } else {
      token.focus();
      token.select();
    }
  });
  const title = heading('Sign in');
  replace(main, h('div', {class: 'page', id: 'page-sign-in'},
    title,
    message ? h('p', {class: 'notice', role: 'status'}, message) : null,
    form));
  token.focus();
}
