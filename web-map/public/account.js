// "Mon compte": a signed-in person's personal API tokens (created, shown
// once, revoked) and, for an administrator, the network's accounts: invite,
// change a role or a circle, disable or enable, send a new invitation, see
// and revoke a person's tokens (never their secrets: name, dates, id).

import * as api from "./api.js";
import { $, element } from "./dom.js";
import { state } from "./state.js";
import { onSessionChange } from "./session.js";
import { fieldLabel, valueLabel } from "./catalogue.js";

// The roles an administrator may give, with their labels, as the server
// sends them (GET /api/session's account_roles).
const accountRoles = () => state.session.account_roles ?? [];
const date = new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium", timeStyle: "short" });
const formatDate = (v) => (v ? date.format(new Date(v)) : "—");

function button(text, onClick, className = "secondary") {
  const b = element("button", { class: className, text });
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

function cell(...content) {
  const td = element("td");
  td.append(...content.filter((c) => c !== null && c !== undefined));
  return td;
}

// --- personal tokens -------------------------------------------------------

async function loadTokens() {
  const body = $("tokens-table").tBodies[0];
  try {
    const tokens = await api.getJson("/api/tokens");
    if (!tokens.length) {
      const none = element("td", { class: "hint", text: "Aucun jeton." });
      none.colSpan = $("tokens-table").tHead.rows[0].cells.length;
      body.replaceChildren(element("tr", {}, none));
      return;
    }
    body.replaceChildren(
      ...tokens.map((t) => {
        const tr = element("tr");
        tr.dataset.id = String(t.id);
        tr.append(
          cell(t.name),
          cell(formatDate(t.created_at ?? t.created)),
          cell(
            button("Révoquer", async () => {
              try {
                await api.send("DELETE", `/api/tokens/${t.id}`);
                await loadTokens();
              } catch (e) {
                $("tokens-error").textContent = `Révocation impossible : ${e.message}`;
              }
            }),
          ),
        );
        return tr;
      }),
    );
  } catch (e) {
    $("tokens-error").textContent = `Jetons indisponibles : ${e.message}`;
  }
}

// --- accounts (administrators) ---------------------------------------------

function invitationUrl(path) {
  return new URL(path, window.location.origin).href;
}

function showInvitation(path) {
  $("invitation-url").value = invitationUrl(path);
  $("invitation-link").hidden = false;
  $("invitation-url").select();
}

function roleSelect(value) {
  const select = element("select");
  for (const { role, label } of accountRoles()) select.add(new Option(label, role));
  select.value = value;
  select.setAttribute("aria-label", fieldLabel("account", "role"));
  return select;
}

function circleSelect(value) {
  const select = element("select");
  select.add(new Option("—", ""));
  for (const c of state.circles.features) select.add(new Option(c.properties.name, c.properties.slug));
  select.value = value ?? "";
  select.setAttribute("aria-label", fieldLabel("account", "circle"));
  return select;
}

async function patchUser(id, changes) {
  try {
    await api.send("PATCH", `/api/users/${id}`, changes);
    await loadUsers();
  } catch (e) {
    $("users-error").textContent = `Modification refusée : ${e.message}`;
  }
}

// A person's tokens, in a row under theirs: name, created, last used and a
// revoke button each.
async function showUserTokens(user, tr) {
  const next = tr.nextElementSibling;
  if (next?.classList.contains("user-tokens")) {
    next.remove();
    return;
  }
  const row = element("tr", { class: "user-tokens" });
  row.dataset.userId = String(user.id);
  const td = element("td");
  td.colSpan = tr.children.length;
  row.append(td);
  tr.after(row);
  const render = async () => {
    try {
      const tokens = await api.getJson(`/api/users/${user.id}/tokens`);
      if (!tokens.length) {
        td.replaceChildren(element("p", { class: "hint", text: `Aucun jeton actif pour ${user.email}.` }));
        return;
      }
      const table = element("table", { class: "list" });
      table.setAttribute("aria-label", `Jetons de ${user.email}`);
      const head = element("tr");
      for (const h of ["name", "created_at", "last_used_at"])
        head.append(element("th", { text: fieldLabel("token", h) }));
      head.append(element("th", { text: "" }));
      table.createTHead().append(head);
      const body = table.createTBody();
      for (const t of tokens) {
        const line = element("tr");
        line.dataset.tokenId = String(t.id);
        line.append(
          cell(t.name),
          cell(formatDate(t.created_at)),
          cell(formatDate(t.last_used_at)),
          cell(
            button("Révoquer", async () => {
              try {
                await api.send("DELETE", `/api/users/${user.id}/tokens/${t.id}`);
                await render();
              } catch (e) {
                $("users-error").textContent = `Révocation impossible : ${e.message}`;
              }
            }),
          ),
        );
        body.append(line);
      }
      td.replaceChildren(table);
    } catch (e) {
      td.replaceChildren(element("p", { class: "error", text: `Jetons indisponibles : ${e.message}` }));
    }
  };
  await render();
}

// Each list read gets a number: an answer that comes back after a later
// read's (two quick changes of the same account) is dropped, so the table
// never goes back to an older state.
let usersRead = 0;

async function loadUsers() {
  const body = $("users-table").tBodies[0];
  $("users-error").textContent = "";
  const read = ++usersRead;
  try {
    const users = await api.getJson("/api/users");
    if (read !== usersRead) return;
    body.replaceChildren(
      ...users.map((u) => {
        const tr = element("tr");
        tr.dataset.id = String(u.id);
        tr.dataset.email = u.email;
        const role = roleSelect(u.role);
        const circle = circleSelect(u.circle);
        const disabled = u.disabled;
        tr.append(
          cell(u.email),
          cell(u.name ?? ""),
          cell(role),
          cell(circle),
          cell(valueLabel(u.status)),
          cell(formatDate(u.last_sign_in)),
          cell(
            button("Enregistrer", () => patchUser(u.id, { role: role.value, circle: circle.value || null })),
            button(disabled ? "Réactiver" : "Désactiver", () => patchUser(u.id, { disabled: !disabled })),
            button("Jetons", () => showUserTokens(u, tr)),
            button("Nouvelle invitation", async () => {
              try {
                const r = await api.send("POST", `/api/users/${u.id}/reset`);
                showInvitation(r.body.invitation_path);
                await loadUsers();
              } catch (e) {
                $("users-error").textContent = `Invitation impossible : ${e.message}`;
              }
            }),
          ),
        );
        return tr;
      }),
    );
  } catch (e) {
    $("users-error").textContent = `Comptes indisponibles : ${e.message}`;
  }
}

// The invitation form's roles, filled each time the dialog opens (the
// session, and so the roles an administrator may give, is known by then).
function fillInviteRoles() {
  const roles = $("invite-role");
  const chosen = roles.value;
  roles.replaceChildren(...accountRoles().map(({ role, label }) => new Option(label, role)));
  if (chosen) roles.value = chosen;
}

function wireInvite() {
  const roles = $("invite-role");
  $("invite-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("users-error").textContent = "";
    const body = {
      email: $("invite-email").value.trim(),
      name: $("invite-name").value.trim() || null,
      role: roles.value,
      circle: $("invite-circle").value || null,
    };
    try {
      const r = await api.send("POST", "/api/users", body);
      showInvitation(r.body.invitation_path);
      $("invite-form").reset();
      await loadUsers();
    } catch (err) {
      $("users-error").textContent = `Invitation refusée : ${err.message}`;
    }
  });
}

export function wireAccount() {
  const dialog = $("account-dialog");
  $("account-open").addEventListener("click", async () => {
    $("tokens-error").textContent = "";
    $("token-created").hidden = true;
    $("invitation-link").hidden = true;
    const admin = Boolean(state.session.may_manage_users);
    $("users-section").hidden = !admin;
    if (admin) {
      fillInviteRoles();
      // The rows of the last opening go at once: a change made on them while
      // the list is read again would be lost when the fresh rows replace them.
      const loading = element("td", { class: "hint", text: "Chargement des comptes…" });
      loading.colSpan = $("users-table").tHead.rows[0].cells.length;
      $("users-table").tBodies[0].replaceChildren(element("tr", {}, loading));
    }
    dialog.showModal();
    await Promise.all([loadTokens(), admin ? loadUsers() : null]);
  });
  $("account-close").addEventListener("click", () => dialog.close());
  $("token-create-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("tokens-error").textContent = "";
    try {
      const r = await api.send("POST", "/api/tokens", { name: $("token-name").value.trim() });
      $("token-value").value = r.body.token;
      $("token-created").hidden = false;
      $("token-value").select();
      $("token-name").value = "";
      await loadTokens();
    } catch (err) {
      $("tokens-error").textContent = `Création refusée : ${err.message}`;
    }
  });
  wireInvite();
  onSessionChange(() => {
    if (dialog.open) dialog.close();
  });
}
