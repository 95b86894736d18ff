// Talking to terrier serve, the page's one client: the token, the JSON calls
// and their one error class (ApiError), and the URLs of tiles and items. A
// person signed in with a password is known by the session cookie the
// server set (HttpOnly: the page never sees it); a pasted token stays in
// this tab's sessionStorage and is sent only to this server, never to a
// basemap.

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

// A refused call, or one the server did not answer (status 0): the HTTP
// status, the problem details whole ("detail", in French; a refused
// field's "field" and "errors"; a 412's "current" object), the ETag of a
// 412's current version and a 429's Retry-After in seconds.
export class ApiError extends Error {
  constructor(status, problem = {}, { message, etag = null, retryAfter = null } = {}) {
    super(message ?? problem.detail ?? String(status));
    this.status = status;
    this.problem = problem;
    this.field = problem.field ?? null;
    this.etag = etag;
    this.retryAfter = retryAfter;
  }

  // [{field, detail}] of every refused field, the first one when only it is named.
  get fields() {
    if (Array.isArray(this.problem.errors) && this.problem.errors.length) return this.problem.errors;
    return this.field ? [{ field: this.field, detail: this.problem.detail }] : [];
  }
}

// Why a row could not be read, in words for people: the server's 404 and
// 403 name the row in its own terms.
export function unavailable(e) {
  return e.status === 404 || e.status === 403
    ? "Cette fiche n'existe plus, ou votre rôle ne permet pas de la lire."
    : `Fiche indisponible : ${e.message}`;
}

// The refusal of an answer read whole ({status, body}: answer()).
export function refusal({ status, body }) {
  return new ApiError(status, body ?? {});
}

async function failure(response) {
  let problem = {};
  try {
    problem = (await response.json()) ?? {};
  } catch {
    // not a problem-details body
  }
  return new ApiError(response.status, problem, {
    message: problem.detail ?? `${response.status} ${response.statusText}`,
    etag: response.headers.get("ETag"),
    retryAfter: Number(response.headers.get("Retry-After")) || null,
  });
}

// Every call of the page's own server goes through here: the session
// cookie goes with it (same origin) and the pasted token when there is one.
// Throws ApiError with status 0 when the server does not answer; an abort
// (`signal`) stays an AbortError.
async function call(method, path, { body, headers, signal, cache } = {}) {
  try {
    return await fetch(absolute(path), {
      method,
      headers: headers ?? authHeaders(),
      body,
      signal,
      cache,
      credentials: "same-origin",
    });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, { detail: `le serveur ne répond pas (${e.message})` });
  }
}

async function request(method, path, options) {
  const response = await call(method, path, options);
  if (!response.ok) throw await failure(response);
  return response;
}

// A write (POST, PATCH, PUT, DELETE) with a JSON body. With `etag`,
// If-Match asks the server to refuse it (412) when the object changed
// meanwhile. Gives {status, body, etag}; throws ApiError.
export async function send(method, path, body, { etag, signal } = {}) {
  const headers = authHeaders(body === undefined ? {} : { "Content-Type": "application/json" });
  if (etag) headers["If-Match"] = etag;
  const response = await request(method, path, {
    headers,
    signal,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = response.status === 204 ? "" : await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, etag: response.headers.get("ETag") };
}

// Any body (a file's piece…) whose answer is read whole, whatever its
// status: {status, body} (the problem details of a refusal: refusal()
// makes it an ApiError). Throws ApiError 0 when the server does not answer.
export async function answer(method, path, body, contentType) {
  const response = await call(method, path, {
    body,
    headers: authHeaders(contentType ? { "Content-Type": contentType } : {}),
  });
  let parsed = null;
  try {
    parsed = response.status === 204 ? {} : await response.json();
  } catch {
    parsed = { detail: response.statusText };
  }
  return { status: response.status, body: parsed };
}

// A GET that also gives the object's ETag, for a later If-Match; `cache:
// "no-store"` for a version a write will be checked against.
export async function getWithEtag(path, { signal, cache } = {}) {
  const response = await request("GET", path, { signal, cache });
  return { body: await response.json(), etag: response.headers.get("ETag") };
}

export async function getJson(path, { signal, headers } = {}) {
  return (await request("GET", path, { signal, headers })).json();
}

export async function getBlob(path) {
  const response = await request("GET", path);
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
