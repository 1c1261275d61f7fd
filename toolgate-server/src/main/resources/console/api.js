// The one way the console talks to Toolgate: same-origin fetch of the admin API. The session cookie
// goes by itself (HttpOnly: no script sees it); every request adds the session's CSRF token, which
// the page learns when it signs in and keeps in memory only.

let csrfToken = null;
let onSessionEnded = null;

/** A refused or failed request, with the fields of its RFC 9457 problem. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
    this.code = problem && problem.code ? problem.code : null;
    this.detail = problem && problem.detail ? problem.detail : (problem && problem.title) || `HTTP ${status}`;
    this.requestId = problem && problem.request_id ? problem.request_id : null;
    this.problems = problem && Array.isArray(problem.problems) ? problem.problems.map(String) : [];
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

/** The header a request of this session must carry, for a fetch made outside api() (a download). */
export function csrfHeaders() {
  return csrfToken ? {'x-csrf-token': csrfToken} : {};
}

/** Called when the server says the session is over (401): the console shows the sign-in form. */
export function whenSessionEnds(handler) {
  onSessionEnded = handler;
}

/**
 * Calls the admin API. Resolves to the parsed JSON answer (null for 204); rejects with an ApiError
 * carrying the problem's detail, code and request id.
 */
export async function api(method, path, body, headers = {}) {
  return (await apiTagged(method, path, body, headers)).data;
}

/**
 * As api(), resolving to {data, etag}: the answer and its ETag header (null without one), for the
 * read-modify-write routes that take it back in If-Match.
 */
export async function apiTagged(method, path, body, headers = {}) {
  const init = {method, credentials: 'same-origin', cache: 'no-store', redirect: 'error', headers: {accept: 'application/json', ...headers}};
  if (csrfToken) {
    init.headers['x-csrf-token'] = csrfToken;
  }
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, {detail: `Toolgate could not be reached (${error.message}).`});
  }
  if (response.status === 204) {
    return {data: null, etag: response.headers.get('etag')};
  }
  const type = response.headers.get('content-type') || '';
  let data = null;
  if (type.includes('json')) {
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
  } else {
    data = {detail: (await response.text()).slice(0, 500)};
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && onSessionEnded && path.startsWith('/admin/')) {
      onSessionEnded(error);
    }
    throw error;
  }
  return {data, etag: response.headers.get('etag')};
}

/** A path with its query: query({tool: 'a', x: ''}) leaves out empty values. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') {
      query.set(name, value);
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** One path segment, encoded (ids come from the server, but a path is built from them). */
export function seg(value) {
  return encodeURIComponent(String(value));
}
