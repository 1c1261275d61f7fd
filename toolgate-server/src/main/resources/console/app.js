// The console's entry point: the session (sign in, sign out) and a small router on location.hash.
// Routes are "#/page" or "#/page/id", with an optional "?query" (the audit log's filters).

import {api, setCsrfToken, whenSessionEnds} from './api.js';
import {h, replace, showError} from './dom.js';
import {renderSignIn} from './pages/signin.js';
import {renderTools} from './pages/tools.js';
import {renderClients} from './pages/clients.js';
import {renderClient} from './pages/client.js';
import {renderUsers} from './pages/users.js';
import {renderKeys} from './pages/keys.js';
import {renderAdminTokens} from './pages/admin-tokens.js';
import {renderAudit} from './pages/audit.js';
import {renderDecision} from './pages/decision.js';
import {renderTestCall} from './pages/test-call.js';

const PAGES = [
  {name: 'tools', title: 'Tools', list: renderTools},
  {name: 'clients', title: 'Clients', list: renderClients, item: renderClient},
  {name: 'users', title: 'Users', list: renderUsers},
  {name: 'keys', title: 'Signing keys', list: renderKeys},
  {name: 'admin-tokens', title: 'Admin tokens', list: renderAdminTokens},
  {name: 'audit', title: 'Audit log', list: renderAudit, item: renderDecision},
  {name: 'test', title: 'Test a tool call', list: renderTestCall},
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let session = null;
let shown = 0;

/** The current route: {page, id, params}. */
export function currentRoute() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [path, query] = hash.split('?', 2);
  const [name, ...rest] = path.split('/');
  const page = PAGES.find((p) => p.name === name) || PAGES[0];
  return {page, id: rest.length ? decodeURIComponent(rest.join('/')) : null, params: new URLSearchParams(query || '')};
}

/** Goes to a route ("#/clients/c_1"); the page is drawn by the hashchange that follows. */
export function navigate(hash) {
  if (location.hash === hash) {
    show();
  } else {
    location.hash = hash;
  }
}

function show() {
  if (!session) {
    return;
  }
  const {page, id, params} = currentRoute();
  const render = id !== null && page.item ? page.item : page.list;
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.page === page.name) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  document.title = `${page.title} · Toolgate console`;
  shown += 1;
  const mine = shown;
  // A page draws into its own container; one left behind by a later navigation is simply dropped.
  const container = h('div', {class: 'page', id: `page-${page.name}${id !== null && page.item ? '-item' : ''}`});
  replace(main, container);
  Promise.resolve(render(container, {id, params, navigate, session})).catch((error) => {
    if (mine === shown) {
      showError(container, error);
    }
  }).finally(() => {
    if (mine === shown) {
      container.dataset.ready = 'true';
    }
  });
  const title = container.querySelector('h1');
  if (title && document.activeElement !== title && !main.contains(document.activeElement)) {
    title.focus();
  }
}

function signedIn(answer) {
  session = answer;
  setCsrfToken(answer.csrf_token);
  replace(nav, h('ul', {}, PAGES.map((p) => h('li', {}, h('a', {href: `#/${p.name}`, 'data-page': p.name}, p.title)))));
  nav.hidden = false;
  const signOut = h('button', {type: 'button', class: 'secondary', id: 'sign-out', onclick: signOutNow}, 'Sign out');
  replace(who, h('span', {}, 'Signed in as ', h('strong', {id: 'who-name'}, answer.admin_token.name), ` (${answer.admin_token.role})`), signOut);
  who.hidden = false;
  show();
}

function signedOut(message) {
  session = null;
  setCsrfToken(null);
  nav.hidden = true;
  who.hidden = true;
  nav.replaceChildren();
  who.replaceChildren();
  document.title = 'Sign in · Toolgate console';
  renderSignIn(main, {message, onSignedIn: signedIn});
}

async function signOutNow() {
  try {
    await api('DELETE', '/console/session');
  } finally {
    signedOut('You signed out.');
  }
}

async function start() {
  whenSessionEnds(() => signedOut('Your session has ended (its admin token was revoked or expired, or 8 hours passed). Sign in again.'));
  window.addEventListener('hashchange', show);
  try {
    const current = await api('GET', '/console/session');
    if (current.signed_in) {
      signedIn(current);
    } else {
      signedOut(null);
    }
  } catch (error) {
    showError(main, error);
  }
}

start();
