// Headless "browser" for Toolgate's server-rendered authorization pages (brief12, "HTML contract"):
// GET the authorize URL with a cookie jar and manual redirects; while the answer is an HTML page,
// take its first <form>, send every <input> (hidden values as given, username/password filled in)
// plus the submit button (decision=allow|deny when the form has such buttons), form-urlencoded, to
// the action resolved against the page URL; stop at the 3xx whose Location is the redirect_uri.
//
// No HTML parser dependency: Toolgate's pages are our own small server-rendered forms, and the
// regexes below respect quoted attribute values (a '>' inside quotes does not end a tag), strip
// comments, and decode character references, which is all those pages need.
//
// authorize(url, {username, password, redirectUri, decision='allow', deliver=false, onPage, jar})
//   → {redirect, params: {code, state, iss, error, error_description}, query, pages, jar, delivered}
//   - deliver: also GET the final redirect URL (a callback server that must receive the code).
//   - timeoutMs: bound on each request (default 30 s), so a silent server fails the run, never hangs it.
//   - onPage(page): hook for hostile tests, called for every HTML page before it is submitted.
//     page = {step, url, status, headers, html, form, submission}; return undefined to go on as
//     usual, 'stop' to end the run there (authorize then resolves {stopped: page, pages, jar}),
//     or {fields, action, method} to send something else (e.g. the submission without `csrf`).
// A flow that ends anywhere but at the redirect_uri throws AuthorizeError (status, url, excerpt).

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const DEFAULT_TIMEOUT_MS = 30_000;

export class AuthorizeError extends Error {
  constructor(message, { status, url, html, pages } = {}) {
    super(`${message}${status ? ` (HTTP ${status} at ${redactQuery(url)})` : ''}${html ? `: ${excerpt(html)}` : ''}`);
    this.name = 'AuthorizeError';
    this.status = status;
    this.url = url;
    this.html = html;
    this.pages = pages;
  }
}

// A minimal RFC 6265 jar: host-only cookies keyed by host and name, path-matched, expiry honoured.
// `Secure` cookies are sent over http only to loopback hosts, as browsers do for localhost.
export class CookieJar {
  #cookies = new Map();

  store(requestUrl, response) {
    const url = new URL(requestUrl);
    for (const line of response.headers.getSetCookie?.() ?? []) this.#set(url, line);
  }

  header(requestUrl) {
    const url = new URL(requestUrl);
    const now = Date.now();
    const pairs = [];
    for (const [key, c] of this.#cookies) {
      if (c.expires !== undefined && c.expires <= now) { this.#cookies.delete(key); continue; }
      if (!domainMatches(url.hostname, c)) continue;
      if (!pathMatches(url.pathname, c.path)) continue;
      if (c.secure && url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) continue;
      pairs.push(`${c.name}=${c.value}`);
    }
    return pairs.join('; ');
  }

  names() {
    return [...this.#cookies.values()].map((c) => c.name);
  }

  #set(url, line) {
    const [pair, ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), host: url.hostname,
      path: defaultPath(url.pathname), secure: false, domain: undefined, expires: undefined };
    for (const attribute of attributes) {
      const [rawKey, ...rest] = attribute.split('=');
      const key = rawKey.trim().toLowerCase();
      const value = rest.join('=').trim();
      if (key === 'path' && value.startsWith('/')) cookie.path = value;
      else if (key === 'secure') cookie.secure = true;
      else if (key === 'domain' && value) cookie.domain = value.replace(/^\./, '').toLowerCase();
      else if (key === 'max-age' && /^-?\d+$/.test(value)) cookie.expires = Date.now() + Number(value) * 1000;
      else if (key === 'expires' && cookie.expires === undefined && !Number.isNaN(Date.parse(value))) cookie.expires = Date.parse(value);
    }
    const key = `${cookie.domain ?? cookie.host}|${cookie.path}|${cookie.name}`;
    if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.#cookies.delete(key);
    else this.#cookies.set(key, cookie);
  }
}

function domainMatches(hostname, cookie) {
  if (!cookie.domain) return hostname === cookie.host;
  return hostname === cookie.domain || hostname.endsWith(`.${cookie.domain}`);
}

function defaultPath(pathname) {
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(requestPath, cookiePath) {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

// --- HTML form parsing -------------------------------------------------------------------------

const ATTRS = String.raw`((?:[^>"']|"[^"]*"|'[^']*')*)`;
const FORM_RE = new RegExp(String.raw`<form\b${ATTRS}>([\s\S]*?)</form\s*>`, 'i');
const INPUT_RE = new RegExp(String.raw`<input\b${ATTRS}>`, 'gi');
const BUTTON_RE = new RegExp(String.raw`<button\b${ATTRS}>([\s\S]*?)</button\s*>`, 'gi');
const ATTR_RE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (whole, ref) => {
    const r = ref.toLowerCase();
    if (r.startsWith('#x')) return String.fromCodePoint(parseInt(r.slice(2), 16));
    if (r.startsWith('#')) return String.fromCodePoint(parseInt(r.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[r] ?? whole;
  });
}

function parseAttributes(text) {
  const attributes = {};
  for (const m of text.matchAll(ATTR_RE)) {
    const name = m[1].toLowerCase();
    if (!(name in attributes)) attributes[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attributes;
}

// The first <form> of a page: {action (absolute), method, inputs: [{name,type,value,checked}], buttons: [{name,value,type,text}]}.
export function parseForm(html, pageUrl) {
  const match = FORM_RE.exec(html.replace(/<!--[\s\S]*?-->/g, ''));
  if (!match) return undefined;
  const attributes = parseAttributes(match[1]);
  const body = match[2];
  const inputs = [];
  const buttons = [];
  for (const m of body.matchAll(INPUT_RE)) {
    const a = parseAttributes(m[1]);
    const type = (a.type ?? 'text').toLowerCase();
    if ('disabled' in a) continue;
    if (type === 'submit' || type === 'image') buttons.push({ name: a.name, value: a.value ?? '', type, text: a.value ?? '' });
    else if (type !== 'button' && type !== 'reset' && type !== 'file' && a.name) {
      inputs.push({ name: a.name, type, value: a.value ?? (type === 'checkbox' || type === 'radio' ? 'on' : ''), checked: 'checked' in a });
    }
  }
  for (const m of body.matchAll(BUTTON_RE)) {
    const a = parseAttributes(m[1]);
    const type = (a.type ?? 'submit').toLowerCase();
    if (type === 'submit' && !('disabled' in a)) buttons.push({ name: a.name, value: a.value ?? '', type, text: m[2].replace(/<[^>]*>/g, '').trim() });
  }
  return {
    action: new URL(attributes.action || pageUrl, pageUrl).href,
    method: (attributes.method ?? 'get').toLowerCase(),
    inputs,
    buttons,
  };
}

// What a person would send: every input as given, the credentials typed in, and the chosen button.
export function defaultSubmission(form, { username, password, decision }) {
  const fields = [];
  for (const input of form.inputs) {
    if ((input.type === 'checkbox' || input.type === 'radio') && !input.checked) continue;
    let value = input.value;
    if (input.type === 'password') value = password ?? '';
    else if (input.name === 'username') value = username ?? '';
    fields.push([input.name, value]);
  }
  const button = form.buttons.find((b) => b.name === 'decision' && b.value === decision)
    ?? form.buttons.find((b) => b.name !== 'decision')
    ?? form.buttons[0];
  if (button?.name) fields.push([button.name, button.value]);
  return { action: form.action, method: form.method, fields };
}

// --- the flow ----------------------------------------------------------------------------------

// Every request is bounded (timeoutMs) so a server that never answers fails the run instead of hanging it.
export async function fetchWithJar(jar, url, { method = 'GET', fields, fetchImpl = fetch, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const target = new URL(url);
  const headers = { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5', 'user-agent': 'toolgate-interop-browser' };
  let body;
  if (fields && method.toUpperCase() === 'POST') {
    body = new URLSearchParams(fields).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (fields) {
    for (const [k, v] of new URLSearchParams(fields)) target.searchParams.append(k, v);
  }
  const cookie = jar.header(target);
  if (cookie) headers.cookie = cookie;
  const response = await fetchImpl(target, { method: method.toUpperCase(), headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  jar.store(target, response);
  return { response, url: target.href };
}

function isRedirectUri(target, redirectUri) {
  const expected = new URL(redirectUri);
  return target.origin === expected.origin && target.pathname === expected.pathname;
}

export async function authorize(authorizationUrl, options = {}) {
  const { username, password, redirectUri, decision = 'allow', deliver = false, onPage, maxSteps = 10,
    jar = new CookieJar(), fetchImpl = fetch, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  if (!redirectUri) throw new TypeError('authorize: redirectUri is required');
  const pages = [];
  const submittedActions = new Set();
  let next = { url: String(authorizationUrl), method: 'GET', fields: undefined };
  for (let step = 0; step < maxSteps; step++) {
    const { response, url } = await fetchWithJar(jar, next.url, { method: next.method, fields: next.fields, fetchImpl, timeoutMs });
    if (REDIRECT_CODES.has(response.status)) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location) throw new AuthorizeError('redirect without Location', { status: response.status, url, pages });
      const target = new URL(location, url);
      pages.push({ step, url: redactQuery(url), status: response.status, location: redactQuery(target.href) });
      if (isRedirectUri(target, redirectUri)) return finish(target, { pages, jar, deliver, fetchImpl, timeoutMs, status: response.status });
      next = { url: target.href, method: 'GET', fields: undefined };
      continue;
    }
    const html = await response.text();
    const form = parseForm(html, url);
    const page = { step, url, status: response.status, headers: response.headers, html, form,
      submission: form && defaultSubmission(form, { username, password, decision }) };
    pages.push({ step, url: redactQuery(url), status: response.status, form: form && { action: form.action,
      fields: form.inputs.map((i) => i.name), buttons: form.buttons.map((b) => (b.name ? `${b.name}=${b.value}` : `(${b.text || b.type})`)) } });
    const override = onPage ? await onPage(page) : undefined;
    if (override === 'stop') return { stopped: page, pages, jar };
    if (!override && (response.status !== 200 || !form)) {
      throw new AuthorizeError(form ? 'page answered with an error status' : 'page without a form', { status: response.status, url, html, pages });
    }
    const submission = { ...page.submission, ...override };
    if (!override && submittedActions.has(submission.action)) {
      throw new AuthorizeError('the same form came back after it was submitted (wrong credentials, or a rejected step)', { status: response.status, url, html, pages });
    }
    submittedActions.add(submission.action);
    next = { url: submission.action, method: submission.method ?? 'post', fields: submission.fields };
  }
  throw new AuthorizeError(`no redirect to ${redirectUri} within ${maxSteps} steps`, { pages });
}

async function finish(target, { pages, jar, deliver, fetchImpl, timeoutMs, status }) {
  const q = target.searchParams;
  const params = {};
  for (const name of ['code', 'state', 'iss', 'error', 'error_description', 'error_uri']) {
    if (q.has(name)) params[name] = q.get(name);
  }
  const result = { redirect: target.href, redirectStatus: status, params, query: q, pages, jar };
  if (deliver) {
    const answer = await fetchImpl(target, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    result.delivered = { status: answer.status, body: excerpt(await answer.text()) };
  }
  return result;
}

// Page text for error messages: tags stripped, whitespace collapsed, bounded.
export function excerpt(html, max = 300) {
  const text = String(html).replace(/<!--[\s\S]*?-->|<![^>]*>/g, ' ').replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(new RegExp(String.raw`<\/?[a-z][^\s/>]*${ATTRS}>`, 'gi'), ' ')
    .replace(/\s+/g, ' ').trim();
  return decodeEntities(text).slice(0, max);
}

// Authorization codes and PKCE values stay out of logs: URLs are reported with their query redacted.
function redactQuery(url) {
  if (!url) return url;
  try {
    const u = new URL(url);
    return u.search ? `${u.origin}${u.pathname}?[${[...u.searchParams.keys()].join(',')}]` : u.href;
  } catch {
    return String(url);
  }
}
