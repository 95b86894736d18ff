// Accounts for the browser tests: `terrier user invite` on the test database
// (TERRIER_BIN, TERRIER_DATABASE_URL from tests/web/run), an invitation
// accepted through the API, and signing in on the page.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { ready } from "./browser.mjs";

// A fresh address per call, so tests never meet each other's accounts.
export function uniqueEmail(prefix) {
  return `${prefix}.${randomBytes(4).toString("hex")}@exemple.fr`;
}

// `terrier user invite …`: the invitation path, alone on the last line.
export function invite(email, role, { circle = null, name = null } = {}) {
  const args = ["user", "invite", email, "--role", role];
  if (circle) args.push("--circle", circle);
  if (name) args.push("--name", name);
  const out = execFileSync(process.env.TERRIER_BIN, args, { encoding: "utf8" });
  const path = out.trim().split("\n").pop();
  assert.match(path, /^\/invitation\.html#token=[0-9a-f]{64}$/, `an invitation path, got ${path}`);
  return path;
}

// An account with a password, created through the API as the invitation page
// would.
export async function account(base, role, { circle = null, name = null } = {}) {
  const email = uniqueEmail(role);
  const path = invite(email, role, { circle, name: name ?? `Test ${role}` });
  const token = new URLSearchParams(path.slice(path.indexOf("#") + 1)).get("token");
  const password = `motdepasse-${randomBytes(6).toString("hex")}`;
  // The token in the body, as the invitation page sends it: no path holds it.
  const response = await fetch(`${base}/api/invitations/accept`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: base },
    body: JSON.stringify({ token, password, password_confirmation: password }),
  });
  assert.equal(response.status, 201, `accepting the invitation: ${response.status}`);
  return { email, password, name: name ?? `Test ${role}`, role, circle };
}

// Signs in on the page with the e-mail form and waits for the new role.
export async function signInWithPassword(page, who) {
  await page.click("#sign-in");
  // The sign-in dialog's own fields ("Mon compte" has another "Adresse e-mail").
  const dialog = page.locator("#email-input").locator("xpath=ancestor::form[1]");
  await dialog.getByLabel("Adresse e-mail").fill(who.email);
  await dialog.getByLabel("Mot de passe", { exact: true }).fill(who.password);
  await page.click("#password-submit");
  await page.waitForFunction(
    (r) => document.querySelector("#role-badge").dataset.role === r && window.terrier?.state?.session?.role === r,
    who.role,
  );
  // The new person's sources reloaded: nothing closes a dialog opened next.
  await ready(page);
}
