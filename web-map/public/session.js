// Who is using the page: signing in with an e-mail and a password (the
// server sets an HttpOnly session cookie) or with a pasted token, the header
// that shows the name and role, and signing out. A change of person reloads
// every source, so the map only ever holds what the new role may read.

import * as api from "./api.js";
import { $ } from "./dom.js";
import { ANONYMOUS, state } from "./state.js";

const listeners = [];

// Called with the session after every change of person (and at start).
export function onSessionChange(fn) {
  listeners.push(fn);
}

// The server's answer (GET /api/session: the role and its label, what it
// reads and what it may do); the anonymous defaults when it could not be
// asked.
function normalise(s) {
  if (!s) return { ...ANONYMOUS };
  return { ...ANONYMOUS, ...s, circle: s.circle ?? s.territory ?? null };
}

// The session at start-up: the cookie, or the token kept in this tab.
export async function loadSession() {
  try {
    return normalise(await api.session());
  } catch (e) {
    if (e.status === 401) api.setToken(null); // revoked since: forget it
    return normalise(null);
  }
}

// Anyone signed in (an account or a pasted token) gets the page's working
// views: follow-up, requests, history; the server answers for the role.
export function personSignedIn(session = state.session) {
  return Boolean(session.via);
}

export function signedIn() {
  return personSignedIn();
}

export function showSession() {
  const { role, role_label: label, name } = state.session;
  const circle = state.circle;
  const badge = $("role-badge");
  badge.dataset.role = role ?? "";
  badge.textContent = label + (name ? ` — ${name}` : "") + (circle ? ` (${circle})` : "");
  badge.hidden = !label;
  $("sign-in").hidden = signedIn();
  $("sign-out").hidden = !signedIn();
  $("account-open").hidden = state.session.via !== "cookie";
  $("restricted-layer").hidden = state.session.readable_visibilities.length <= 1;
  for (const fn of listeners) fn(state.session);
}

async function become(session, reload) {
  state.setSession(normalise(session));
  await reload();
}

function retryMessage(seconds) {
  if (!seconds) return "Trop de tentatives : réessayez plus tard.";
  const minutes = Math.ceil(seconds / 60);
  return `Trop de tentatives : réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.`;
}

// reload(): fetches every source again and redraws, after a change of person.
export function wireSignIn(reload) {
  const dialog = $("sign-in-dialog");
  $("sign-in").addEventListener("click", () => {
    for (const id of ["sign-in-error", "password-error"]) $(id).textContent = "";
    $("token-input").value = "";
    $("password-input").value = "";
    dialog.showModal();
    $("email-input").focus();
  });
  $("sign-in-cancel").addEventListener("click", () => dialog.close());

  $("password-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const email = $("email-input").value.trim();
    const password = $("password-input").value;
    const error = $("password-error");
    if (!email || !password) {
      error.textContent = "Indiquez votre adresse e-mail et votre mot de passe.";
      return;
    }
    $("password-submit").disabled = true;
    try {
      await api.send("POST", "/api/session", { email, password });
      api.setToken(null); // the cookie speaks for the person now
      dialog.close();
      await become(await api.session(), reload);
    } catch (err) {
      error.textContent =
        err.status === 401
          ? "Adresse e-mail ou mot de passe incorrect."
          : err.status === 429
            ? retryMessage(err.retryAfter)
            : `Connexion impossible : ${err.message}`;
    } finally {
      $("password-submit").disabled = false;
    }
  });

  $("sign-in-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const candidate = $("token-input").value.trim();
    try {
      const s = await api.session(candidate);
      api.setToken(candidate);
      dialog.close();
      await become(s, reload);
    } catch (err) {
      $("sign-in-error").textContent =
        err.status === 401 ? "Jeton inconnu ou révoqué." : `Connexion impossible : ${err.message}`;
    }
  });

  $("sign-out").addEventListener("click", async () => {
    if (state.session.via === "cookie") {
      try {
        await api.send("DELETE", "/api/session");
      } catch (err) {
        console.warn("déconnexion :", err.message);
      }
    }
    api.setToken(null);
    // What a visitor reads, as the server says (no role of the page's own).
    await become(await api.session().catch(() => null), reload);
  });
}
