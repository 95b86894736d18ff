// Talking to terrier serve: the token, the JSON calls and the URLs of tiles
// and items. The token stays in this tab's sessionStorage and is sent only to
// this server, never to a basemap.

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

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function failure(response) {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body.detail) detail = body.detail;
  } catch {
    // not a problem-details body
  }
  return new ApiError(response.status, detail);
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

// Who a token is: {role, name, territory, confidential}. Throws ApiError 401
// for an unknown or revoked token.
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
