// Talking to terrier serve: the token, the JSON calls and the URLs of tiles
// and items. A person signed in with a password is known by the session
// cookie the server set (HttpOnly: the page never sees it); a pasted token
// stays in this tab's sessionStorage and is sent only to this server, never
// to a basemap.

const TOKEN_KEY = "terrier.token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function absolute(path) {
  return new URL(path, window.location.origin).href;
}

export function authHeaders(extra = {}) {
  const t = token();
  return t ? { ...extra, Authorization: `Bearer ${t}` } : extra;
}

// A refused call: the HTTP status, the problem's French detail, the JSON
// field it names (if any) and the whole problem body (a 412 carries the
// current object in "current").
export class ApiError extends Error {
  constructor(status, detail, problem = {}) {
    super(detail);
    this.status = status;
    this.field = problem.field ?? null;
    this.problem = problem;
    this.retryAfter = null;
  }
}

// Why a row could not be read, in words for people: the server's 404 and
// 403 name the row in its own terms.
export function unavailable(e) {
  return e.status === 404 || e.status === 403
    ? "Cette fiche n'existe plus, ou votre rôle ne permet pas de la lire."
    : `Fiche indisponible : ${e.message}`;
}

async function failure(response) {
  let detail = `${response.status} ${response.statusText}`;
  let problem = {};
  try {
    problem = await response.json();
    if (problem.detail) detail = problem.detail;
  } catch {
    // not a problem-details body
  }
  const error = new ApiError(response.status, detail, problem);
  error.retryAfter = Number(response.headers.get("Retry-After")) || null;
  return error;
}

// A write (POST, PATCH, PUT, DELETE) with a JSON body; the session cookie
// goes with it (same origin) and the pasted token when there is one. With
// `etag`, If-Match asks the server to refuse it (412) when the object
// changed meanwhile. Gives {status, body, etag}; throws ApiError.
export async function send(method, path, body, { etag, signal } = {}) {
  const headers = authHeaders(body === undefined ? {} : { "Content-Type": "application/json" });
  if (etag) headers["If-Match"] = etag;
  const response = await fetch(absolute(path), {
    method, headers, signal, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  const text = response.status === 204 ? "" : await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, etag: response.headers.get("ETag") };
}

// A GET that also gives the object's ETag, for a later If-Match.
export async function getWithEtag(path, { signal } = {}) {
  const response = await fetch(absolute(path), { headers: authHeaders(), signal });
  if (!response.ok) throw await failure(response);
  return { body: await response.json(), etag: response.headers.get("ETag") };
}

export async function getJson(path, { signal, headers } = {}) {
  const response = await fetch(absolute(path), { headers: headers ?? authHeaders(), signal });
  if (!response.ok) throw await failure(response);
  return response.json();
}

export async function getBlob(path) {
  const response = await fetch(absolute(path), { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1];
  return { blob: await response.blob(), name };
}

// Who the caller is (the session cookie, or a token): {role, name, email,
// circle, via, confidential, readable_visibilities}. Throws ApiError 401 for
// an unknown or revoked token.
export function session(candidate) {
  const headers = candidate ? { Authorization: `Bearer ${candidate}` } : authHeaders();
  return getJson("/api/session", { headers });
}

// The query string of a filter object, keys sorted, empty values left out.
export function queryString(params) {
  const search = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === undefined || value === null || value === "") continue;
    search.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  return search.toString();
}

export function tilesUrl(collection, params = {}) {
  const qs = queryString(params);
  // Not through URL(): it would percent-encode the template's braces.
  return `${window.location.origin}/tiles/${collection}/{z}/{x}/{y}.mvt` + (qs ? `?${qs}` : "");
}

export function itemsPath(collection, params = {}) {
  const qs = queryString(params);
  return `/ogcapi/collections/${collection}/items` + (qs ? `?${qs}` : "");
}
