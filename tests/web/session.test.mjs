// People on the page: an invitation becomes an account, which signs in with
// a password (an HttpOnly cookie) and out; a personal token is created and
// works; an administrator invites, changes a role and disables an account;
// the pasted token keeps working. Against a real `terrier serve` (the demo
// server of tests/web/run) in Debian's chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, ready } from "./lib/browser.mjs";
import { account, invite, signInWithPassword, uniqueEmail } from "./lib/accounts.mjs";

const BASE = process.env.TERRIER_URL;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe("accounts on the page", () => {
  test("invitation → account → signed in → signed out → signed in again with the password", async () => {
    const email = uniqueEmail("membre");
    const path = invite(email, "member", { circle: "mel", name: "Camille Invitée" });
    const { page, context, problems } = await openPage(browser, BASE, { path, wait: false });
    await page.waitForSelector("#invitation-form:not([hidden])");
    assert.match(await page.textContent("#invitation-who"), new RegExp(email.replace(/\./g, "\\.")));
    // The token stays in the fragment and in request bodies: no URL the page
    // asked for holds it.
    const token = new URLSearchParams(path.slice(path.indexOf("#") + 1)).get("token");
    assert.match(token, /^[0-9a-f]{64}$/);
    const asked = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    assert.ok(
      asked.some((u) => u.endsWith("/api/invitations/lookup")),
      asked.join(" "),
    );
    assert.deepEqual(
      asked.filter((u) => u.includes(token)),
      [],
    );
    // Too short, then different: said next to each field, nothing sent.
    await page.getByLabel("Mot de passe", { exact: true }).fill("court");
    await page.getByLabel("Confirmer le mot de passe").fill("court");
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    assert.match(await page.textContent("#new-password-error"), /au moins 12 caractères/);
    const password = "un mot de passe assez long";
    await page.getByLabel("Mot de passe", { exact: true }).fill(password);
    await page.getByLabel("Confirmer le mot de passe").fill(`${password}!`);
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    assert.equal(await page.textContent("#new-password-error"), "");
    assert.match(await page.textContent("#confirm-password-error"), /différents/);
    await page.getByLabel("Confirmer le mot de passe").fill(password);
    await page.getByRole("button", { name: "Créer mon compte" }).click();

    // Signed in on the map: name and role in the header, a cookie the page
    // cannot read.
    await page.waitForURL(`${BASE}/`);
    await ready(page);
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "member");
    assert.equal(await page.textContent("#role-badge"), "Membre du groupe foncier — Camille Invitée (mel)");
    assert.equal(await page.isVisible("#sign-out"), true);
    assert.equal(await page.isVisible("#sign-in"), false);
    const cookies = await context.cookies(BASE);
    const session = cookies.find((c) => c.name === "terrier_session");
    assert.ok(session, "the session cookie");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie.includes("terrier_session")), false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("terrier.token")), null);

    // The invitation is used: a second visit says so.
    const again = await openPage(browser, BASE, { path, wait: false });
    await again.page.waitForFunction(() =>
      /inconnue, déjà utilisée ou expirée/.test(document.querySelector("#invitation-status").textContent),
    );
    await again.context.close();

    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "public");
    await ready(page);
    assert.equal(await page.textContent("#role-badge"), "Visiteur");
    assert.equal((await context.cookies(BASE)).find((c) => c.name === "terrier_session")?.value ?? "", "");

    // A wrong password is refused with a message; the right one signs in.
    await page.click("#sign-in");
    await page.fill("#email-input", email);
    await page.fill("#password-input", "pas le bon mot de passe");
    await page.click("#password-submit");
    await page.waitForFunction(() => document.querySelector("#password-error").textContent !== "");
    assert.equal(await page.textContent("#password-error"), "Adresse e-mail ou mot de passe incorrect.");
    await page.fill("#password-input", password);
    await page.click("#password-submit");
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "member");
    await ready(page);
    // Reloading keeps the person signed in (the cookie).
    await page.reload();
    await ready(page);
    assert.equal(await page.getAttribute("#role-badge", "data-role"), "member");
    // The refused sign-in answered 401: the only HTTP error of the run.
    assert.deepEqual(
      problems.filter(
        (p) => !/HTTP 401: .*\/api\/session$/.test(p) && !/console: Failed to load resource: .*401/.test(p),
      ),
      [],
    );
    await context.close();
  });

  test("a signed-in person creates a personal token, shown once, that works for scripts", async () => {
    const who = await account(BASE, "member", { circle: "littoral", name: "Dominique Jeton" });
    const { page, context, problems } = await openPage(browser, BASE);
    await signInWithPassword(page, who);
    await page.getByRole("button", { name: "Mon compte" }).click();
    await page.getByLabel("Nom du jeton").fill("QGIS du bureau");
    await page.getByRole("button", { name: "Créer un jeton" }).click();
    await page.waitForSelector("#token-created:not([hidden])");
    const token = await page.inputValue("#token-value");
    assert.ok(token.length >= 32, "the token is shown");
    await page.waitForSelector('#tokens-table tbody tr:has-text("QGIS du bureau")');
    const s = await (await fetch(`${BASE}/api/session`, { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.equal(s.role, "member");
    assert.equal(s.via, "token");
    // Shown once: the list never has it again.
    assert.equal((await page.textContent("#tokens-table")).includes(token), false);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("an administrator invites, changes a role and disables an account on the page", async () => {
    const admin = await account(BASE, "admin", { name: "Alex Admin" });
    const { page, context, problems } = await openPage(browser, BASE);
    await signInWithPassword(page, admin);
    await page.getByRole("button", { name: "Mon compte" }).click();
    await page.waitForSelector("#users-section:not([hidden])");
    const email = uniqueEmail("invitee");
    await page.fill("#invite-email", email);
    await page.fill("#invite-name", "Sacha Nouvelle");
    await page.selectOption("#invite-role", "animator");
    await page.selectOption("#invite-circle", "mel");
    await page.getByRole("button", { name: "Inviter" }).click();
    await page.waitForSelector("#invitation-link:not([hidden])");
    const link = new URL(await page.inputValue("#invitation-url"));
    assert.equal(link.origin, BASE);
    assert.equal(link.pathname, "/invitation.html");
    assert.match(link.hash, /^#token=[0-9a-f]{64}$/);
    const row = page.locator(`#users-table tbody tr[data-email="${email}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /invitée/);

    // The link works: the invited person creates the account.
    const invited = await openPage(browser, BASE, { path: `${link.pathname}${link.hash}`, wait: false });
    await invited.page.waitForSelector("#invitation-form:not([hidden])");
    await invited.page.getByLabel("Mot de passe", { exact: true }).fill("sacha a un long mot de passe");
    await invited.page.getByLabel("Confirmer le mot de passe").fill("sacha a un long mot de passe");
    await invited.page.getByRole("button", { name: "Créer mon compte" }).click();
    await invited.page.waitForURL(`${BASE}/`);
    await ready(invited.page);
    await invited.page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "animator");

    // Sacha makes a token; the administrator sees it under Sacha's row (never
    // its secret) and revokes it: it stops at once.
    await invited.page.getByRole("button", { name: "Mon compte" }).click();
    await invited.page.fill("#token-name", "QGIS de Sacha");
    await invited.page.click("#token-create");
    await invited.page.waitForSelector("#token-created:not([hidden])");
    const secret = await invited.page.inputValue("#token-value");
    assert.equal((await fetch(`${BASE}/api/session`, { headers: { Authorization: `Bearer ${secret}` } })).status, 200);
    await page.getByRole("button", { name: "Fermer" }).click();
    await page.getByRole("button", { name: "Mon compte" }).click();
    await row.waitFor();
    await row.getByRole("button", { name: "Jetons" }).click();
    const tokens = page.locator("#users-table tr.user-tokens");
    await tokens.getByText("QGIS de Sacha").waitFor();
    assert.equal((await tokens.textContent()).includes(secret), false);
    await tokens.getByRole("button", { name: "Révoquer" }).click();
    await tokens.getByText(/Aucun jeton actif/).waitFor();
    assert.equal((await fetch(`${BASE}/api/session`, { headers: { Authorization: `Bearer ${secret}` } })).status, 401);

    // A role changed, then the account disabled: its session stops at once.
    await page.getByRole("button", { name: "Fermer" }).click();
    await page.getByRole("button", { name: "Mon compte" }).click();
    await row.waitFor();
    await row.locator('select[aria-label="Rôle"]').selectOption("member");
    await row.getByRole("button", { name: "Enregistrer" }).click();
    await page.waitForFunction(
      (e) => document.querySelector(`#users-table tr[data-email="${e}"] select[aria-label="Rôle"]`)?.value === "member",
      email,
    );
    await row.getByRole("button", { name: "Désactiver" }).click();
    await page.waitForFunction(
      (e) => /désactivée/.test(document.querySelector(`#users-table tr[data-email="${e}"]`)?.textContent ?? ""),
      email,
    );
    await invited.page.reload();
    await ready(invited.page);
    assert.equal(await invited.page.getAttribute("#role-badge", "data-role"), "public");
    assert.deepEqual(problems, []);
    await invited.context.close();
    await context.close();
  });

  test("a pasted token still signs in, and the e-mail form says who is refused", async () => {
    const { page, context } = await openPage(browser, BASE);
    await page.click("#sign-in");
    await page.fill("#token-input", process.env.TERRIER_FOUNDATION_TOKEN);
    await page.click("#sign-in-submit");
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "foundation");
    await ready(page);
    assert.equal(
      await page.evaluate(() => sessionStorage.getItem("terrier.token")),
      process.env.TERRIER_FOUNDATION_TOKEN,
    );
    assert.equal(await page.isVisible("#account-open"), false, "no account behind a token");
    await page.click("#sign-out");
    await page.waitForFunction(() => document.querySelector("#role-badge").dataset.role === "public");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("terrier.token")), null);
    await context.close();
  });
});
