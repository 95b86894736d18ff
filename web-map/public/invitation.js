// The invitation page (/invitation.html#token=TOKEN): the token stays in the
// URL's fragment, which a browser never sends, and goes to the server only in
// the bodies of POST /api/invitations/lookup and /accept, so it never reaches
// a server's or a proxy's log; the person chooses a password (12 characters
// at least, typed twice), the server creates the account and signs them in,
// and the map opens.

import * as api from "./api.js";
import { fieldLabel, setConfig } from "./catalogue.js";
import { $, element } from "./dom.js";

const MIN_LENGTH = 12;
const FIELDS = { password: "new-password-error", password_confirmation: "confirm-password-error" };

function fieldError(field, message) {
  $(FIELDS[field]).textContent = message;
  const input = $(field === "password" ? "new-password" : "confirm-password");
  input.setAttribute("aria-invalid", message ? "true" : "false");
}

function who(invitation) {
  const dl = $("invitation-who");
  const rows = [
    ["email", invitation.email],
    ["name", invitation.name],
    ["role", invitation.role_label],
    ["circle", invitation.circle],
  ].map(([field, value]) => [fieldLabel("account", field), value]);
  for (const [label, value] of rows) {
    if (!value) continue;
    dl.append(element("dt", { text: label }), element("dd", { text: value }));
  }
}

// The checks the server makes too, said next to the field before sending.
function check(password, confirmation) {
  let ok = true;
  fieldError("password", "");
  fieldError("password_confirmation", "");
  if (password.length < MIN_LENGTH) {
    fieldError("password", `Le mot de passe doit compter au moins ${MIN_LENGTH} caractères.`);
    ok = false;
  }
  if (confirmation !== password) {
    fieldError("password_confirmation", "Les deux mots de passe sont différents.");
    ok = false;
  }
  return ok;
}

// "#token=…"; a bare "#…" is a link printed before the fragment was named.
function tokenOfFragment(hash) {
  const fragment = hash.replace(/^#/, "");
  if (!fragment.includes("=")) return decodeURIComponent(fragment);
  return new URLSearchParams(fragment).get("token") ?? "";
}

async function start() {
  const token = tokenOfFragment(window.location.hash);
  const status = $("invitation-status");
  if (!token) {
    status.textContent = "Ce lien d'invitation est incomplet : ouvrez le lien reçu en entier.";
    return;
  }
  let invitation;
  try {
    // The catalogue names the invitation's fields.
    const config = api.getJson("/api/map-config").catch(() => null);
    invitation = (await api.send("POST", "/api/invitations/lookup", { token })).body;
    const read = await config;
    if (read) setConfig(read);
  } catch (e) {
    status.textContent =
      e.status === 404
        ? "Cette invitation est inconnue, déjà utilisée ou expirée. Demandez-en une nouvelle à l'administrateur du réseau."
        : `Invitation illisible : ${e.message}`;
    return;
  }
  status.textContent = `Bienvenue${invitation.name ? `, ${invitation.name}` : ""} : choisissez votre mot de passe.`;
  who(invitation);
  const form = $("invitation-form");
  form.hidden = false;
  $("new-password").focus();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const password = $("new-password").value;
    const confirmation = $("confirm-password").value;
    $("invitation-error").textContent = "";
    if (!check(password, confirmation)) return;
    $("create-account").disabled = true;
    try {
      await api.send("POST", "/api/invitations/accept", { token, password, password_confirmation: confirmation });
      status.textContent = "Compte créé : ouverture de la carte…";
      form.hidden = true;
      window.location.assign("/");
    } catch (err) {
      if (err.field && FIELDS[err.field]) fieldError(err.field, err.message);
      else $("invitation-error").textContent = `Création impossible : ${err.message}`;
    } finally {
      $("create-account").disabled = false;
    }
  });
}

start();
