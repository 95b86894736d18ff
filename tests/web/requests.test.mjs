// The request form ("Nouvelle sollicitation", "Modifier la sollicitation")
// built from the catalogue's request fields (/api/map-config), in Debian's
// chromium against a real `terrier serve` (tests/web/run): its labels,
// controls, limits and required fields are the catalogue's; its confidential
// box only for a session that reads contacts and notes; refusals next to their
// field; a request saved, edited and deleted reaches the API.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { BASE, api, get } from "./lib/api.mjs";
import { launch, openPage, signInWithToken } from "./lib/browser.mjs";

const RUN = Date.now().toString(36);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The requests `role` reads (GET /api/requests).
async function requestsRead(role) {
  const answer = await get("/api/requests", role);
  assert.ok(Array.isArray(answer.requests), "GET /api/requests answers {requests: [...]}");
  return answer.requests;
}

// A page signed in as `role`, the requests' list open.
async function requestsOf(role, viewport) {
  const opened = await openPage(browser, BASE, viewport ? { viewport } : {});
  await signInWithToken(opened.page, role);
  await opened.page.click("#requests-open");
  await opened.page.waitForFunction(() => /sollicitation/.test(document.querySelector("#requests-count").textContent));
  return opened;
}

// The form's fields as the page built them: [{name, label, tag, required, maxLength, confidential}].
function formControls(page) {
  return page.$$eval("#request-fields .form-field", (blocks) =>
    blocks.map((b) => {
      const control = b.querySelector("input, select, textarea");
      return {
        name: b.dataset.field,
        label: b.querySelector("label")?.textContent,
        tag: control.tagName.toLowerCase(),
        type: control.type,
        required: control.required,
        maxLength: control.maxLength,
        confidential: Boolean(b.closest("#request-confidential")),
      };
    }),
  );
}

describe("the request form", () => {
  test("a member's form is the catalogue's fields without the confidential ones", async () => {
    const specs = (await get("/api/map-config")).fields.request;
    const { page, context, problems } = await requestsOf("member");
    // The list's headings and filters are the catalogue's labels too.
    const label = (name) => specs.find((f) => f.name === name).label;
    assert.deepEqual(
      await page.$$eval("#requests-table th", (ths) => ths.map((th) => th.textContent)),
      ["received_on", "requester", "organisation", "commune", "subject", "channel", "orientation", "status"].map(label),
    );
    assert.equal((await page.textContent("label:has(#requests-status-filter) span")).trim(), label("status"));

    await page.click("#request-new");
    await page.waitForSelector("#request-dialog[open]");
    const shown = await formControls(page);
    const open = specs.filter((f) => f.control !== "none" && !f.confidential);
    assert.deepEqual(
      shown.map((c) => c.name),
      open.map((f) => f.name),
    );
    for (const f of open) {
      const c = shown.find((s) => s.name === f.name);
      assert.equal(c.label, f.labelled, f.name);
      assert.equal(c.required, f.required, `${f.name} required`);
      if (f.maxlength) assert.equal(c.maxLength, f.maxlength, `${f.name} maxlength`);
      assert.equal(c.tag, { choice: "select", textarea: "textarea" }[f.control] ?? "input", f.name);
    }
    assert.equal(shown.find((c) => c.name === "need_id").type, "number");
    assert.equal(await page.$("#request-confidential"), null, "no confidential box for a member");
    assert.equal(await page.isHidden("#request-delete"), true, "nothing to delete in a new request");
    // A new request: today, each list's first value.
    const config = await get("/api/map-config");
    assert.equal(await page.inputValue('#request-form [name="channel"]'), config.vocabularies.request_channels[0]);
    assert.equal(await page.inputValue('#request-form [name="status"]'), config.vocabularies.request_statuses[0]);
    assert.match(await page.inputValue('#request-form [name="received_on"]'), /^\d{4}-\d{2}-\d{2}$/);

    // Required fields are named next to their control; nothing is sent.
    await page.fill('#request-form [name="received_on"]', "");
    await page.click("#request-save");
    for (const name of ["received_on", "requester", "subject"]) {
      assert.equal(
        await page.textContent(`#request-form .field-error[data-error-for="${name}"]`),
        "Champ obligatoire.",
        name,
      );
    }
    assert.ok(await page.isVisible("#request-dialog[open]"));

    // A refusal of the server next to its field: an unknown commune.
    await page.fill('#request-form [name="received_on"]', "2026-03-02");
    await page.fill('#request-form [name="requester"]', `Demandeur ${RUN}`);
    await page.fill('#request-form [name="subject"]', "Un local pour une ressourcerie");
    await page.fill('#request-form [name="commune"]', "Atlantide");
    await page.click("#request-save");
    const communeError = page.locator('#request-form .field-error[data-error-for="commune"]');
    await communeError.filter({ hasText: /./ }).waitFor();
    assert.equal(await page.textContent('#request-form .field-error[data-error-for="requester"]'), "");

    // Saved, then edited and deleted.
    await page.fill('#request-form [name="commune"]', "Roubaix");
    await page.click("#request-save");
    await page.waitForFunction(() => !document.querySelector("#request-dialog").open);
    const mine = (await requestsRead("member")).find((r) => r.requester === `Demandeur ${RUN}`);
    assert.ok(mine, "the request reached the API");
    assert.equal(mine.commune_name, "Roubaix");
    assert.equal(mine.contact, undefined);
    await page.click(`#requests-table tr[data-id="${mine.id}"]`);
    // The closed form still holds what was just saved: the dialog opening is
    // the sign that the edit's read came back (edit() opens it, then fills it).
    await page.waitForSelector("#request-dialog[open]");
    await page.waitForFunction(
      (v) => document.querySelector('#request-form [name="requester"]')?.value === v,
      `Demandeur ${RUN}`,
    );
    assert.equal(await page.isVisible("#request-delete"), true);
    await page.fill('#request-form [name="orientation"]', "Orientée vers le cercle de Roubaix");
    await page.click("#request-save");
    await page.waitForFunction(() => !document.querySelector("#request-dialog").open);
    assert.equal((await get(`/api/requests/${mine.id}`, "member")).orientation, "Orientée vers le cercle de Roubaix");
    await page.click(`#requests-table tr[data-id="${mine.id}"]`);
    await page.waitForSelector("#request-dialog[open]");
    await page.waitForFunction(() => document.querySelector('#request-form [name="requester"]')?.value !== "");
    await page.click("#request-delete");
    await page.waitForFunction(() => !document.querySelector("#request-dialog").open);
    assert.equal((await api(`/api/requests/${mine.id}`, "member")).status, 404);
    assert.deepEqual(
      problems.filter((p) => !/\b400\b/.test(p)),
      [],
    );
    await context.close();
  });

  test("a foundation's form has the confidential box, and what it writes there stays from members", async () => {
    const specs = (await get("/api/map-config")).fields.request;
    const { page, context, problems } = await requestsOf("foundation", { width: 390, height: 844 });
    await page.click("#request-new");
    await page.waitForSelector("#request-dialog[open]");
    const shown = await formControls(page);
    assert.deepEqual(
      shown.filter((c) => c.confidential).map((c) => c.name),
      specs.filter((f) => f.control !== "none" && f.confidential).map((f) => f.name),
    );
    assert.ok(
      shown.some((c) => c.confidential),
      "contact and notes are in the form",
    );
    assert.ok(await page.isVisible("#request-confidential"));
    // At phone width the form fits its dialog.
    assert.equal(
      await page.$eval("#request-dialog", (d) => d.scrollWidth <= d.clientWidth),
      true,
      "the form does not overflow its dialog",
    );
    await page.fill('#request-form [name="requester"]', `Fondation ${RUN}`);
    await page.fill('#request-form [name="subject"]', "Un terrain pour un jardin partagé");
    await page.fill('#request-form [name="contact"]', "06 98 76 54 32");
    await page.fill('#request-form [name="notes"]', `Rappeler ${RUN}`);
    await page.click("#request-save");
    await page.waitForFunction(() => !document.querySelector("#request-dialog").open);
    const saved = (await requestsRead("foundation")).find((r) => r.requester === `Fondation ${RUN}`);
    assert.equal(saved.contact, "06 98 76 54 32");
    assert.equal(saved.notes, `Rappeler ${RUN}`);
    const asMember = await get(`/api/requests/${saved.id}`, "member");
    assert.equal(asMember.contact, undefined);
    assert.equal(asMember.notes, undefined);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
