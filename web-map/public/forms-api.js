// The writes of the editing forms: JSON bodies with If-Match, and reads that
// keep the ETag the next write must send. Problem details come back whole so
// that a form can show a refused field next to that field (the problem's
// "field" and "errors") and a conflict (412) with the current version.

import * as api from "./api.js";

// A problem-details answer, or a network failure (status 0).
export class WriteError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  // [{field, detail}] of every refused field, the first one when only it is named.
  get fields() {
    if (Array.isArray(this.problem.errors) && this.problem.errors.length) return this.problem.errors;
    return this.problem.field ? [{ field: this.problem.field, detail: this.problem.detail }] : [];
  }
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { detail: `${response.status} ${response.statusText}` };
  }
}

// {feature, etag}: an item as this role reads it, with the validator its
// PATCH must send.
export async function readItem(collection, id) {
  const response = await fetch(api.absolute(`/ogcapi/collections/${collection}/items/${encodeURIComponent(id)}`),
    { headers: api.authHeaders(), cache: "no-store" });
  if (!response.ok) throw new WriteError(response.status, await problemOf(response));
  return { feature: await response.json(), etag: response.headers.get("ETag") };
}

// POST, PATCH or DELETE with a JSON body; resolves to the parsed answer (or
// null for 204), rejects with WriteError.
export async function send(method, path, body, { ifMatch } = {}) {
  const headers = api.authHeaders({ "Content-Type": "application/json" });
  if (ifMatch) headers["If-Match"] = ifMatch;
  let response;
  try {
    response = await fetch(api.absolute(path), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new WriteError(0, { detail: `le serveur ne répond pas (${e.message})` });
  }
  if (!response.ok) throw new WriteError(response.status, await problemOf(response));
  if (response.status === 204) return null;
  return response.json();
}

// Communes of the region whose name starts like `q`, for the "Commune"
// suggestions: [{name, code, slug, geometry}].
export async function communes(q, signal) {
  const page = await api.getJson(api.itemsPath("territories", { level: "commune", q, limit: 8 }), { signal });
  return page.features.map((f) => ({
    name: f.properties.name, code: f.properties.code, slug: f.properties.slug, geometry: f.geometry,
  }));
}
