// The server under test (tests/web/run): its address, the four roles'
// tokens, and requests to its API.
import assert from "node:assert/strict";

export const BASE = process.env.TERRIER_URL;
export const TOKENS = {
  member: process.env.TERRIER_MEMBER_TOKEN,
  foundation: process.env.TERRIER_FOUNDATION_TOKEN,
  animator: process.env.TERRIER_ANIMATOR_TOKEN,
  admin: process.env.TERRIER_ADMIN_TOKEN,
};

// A request as `role` (anonymous without one), a JSON body when given: the
// status, the ETag and the parsed body.
export async function api(path, role, { method = "GET", body, headers = {} } = {}) {
  const h = { ...headers };
  if (role) h.Authorization = `Bearer ${TOKENS[role]}`;
  if (body !== undefined) h["Content-Type"] = "application/json";
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get("ETag"), json: text ? JSON.parse(text) : null };
}

// GET as `role`, which must answer 200: the parsed body.
export async function get(path, role) {
  const r = await api(path, role);
  assert.equal(r.status, 200, `${path} as ${role ?? "anonymous"}: ${r.status}`);
  return r.json;
}
