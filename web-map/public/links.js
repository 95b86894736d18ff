// Links to one object: /?opportunity=ID, /?need=ID, /?match=ID and
// /?request=ID open the page centred on it with its panel open. When the
// role cannot read it (the API answers 401, 403 or 404) a visitor is asked to
// sign in first, and the object opens once signed in. Every panel of these
// objects has "Copier le lien" (panel.js builds the addresses).

import * as api from "./api.js";
import { $, element } from "./dom.js";
import * as view from "./context.js";
import { extendPanels, openNeed, openOpportunity } from "./features.js";
import { openMatch } from "./followup.js";
import { anchorOf, bboxOf } from "./geometry.js";
import { copyLinkBlock } from "./panel.js";
import { openRequestPanel } from "./requests.js";
import { personSignedIn } from "./session.js";

export const LINK_KINDS = ["opportunity", "need", "match", "request"];
const TITLES = { opportunity: "Opportunité", need: "Besoin", match: "Mise en relation", request: "Sollicitation" };
const REFUSED = new Set([401, 403, 404]);

// The object a URL's query string names: {kind, id}, or null.
export function readLink(search = window.location.search) {
  const q = new URLSearchParams(search);
  for (const kind of LINK_KINDS) {
    const id = q.get(kind);
    if (id && /^[1-9][0-9]{0,17}$/.test(id)) return { kind, id };
  }
  return null;
}

// What the API answers for the object, as the current role reads it.
function read({ kind, id }) {
  switch (kind) {
    case "opportunity":
      return api.getJson(`/ogcapi/collections/opportunities/items/${id}`);
    case "need":
      return api.getJson(`/ogcapi/collections/needs/items/${id}`);
    case "match":
      return api.getJson(`/api/matches/${id}`);
    default:
      return api.getJson(`/api/requests/${id}`);
  }
}

function centreOnPoint(geometry) {
  const at = anchorOf(geometry);
  if (at) view.map.jumpTo({ center: at, zoom: Math.max(view.map.getZoom(), 15) });
}

function centreOnArea(geometry) {
  if (geometry?.type === "Point") centreOnPoint(geometry);
  else if (geometry) view.map.fitBounds(bboxOf(geometry), { padding: 60, maxZoom: 14, duration: 0 });
}

// A request lies where its commune is (found by name, checked by its code).
async function requestArea(r) {
  const name = r.commune_name;
  if (!name) return null;
  const page = await api.getJson(api.itemsPath("territories", { level: "commune", q: name, limit: 5 }));
  const commune = page.features.find((f) => !r.commune || f.properties.code === r.commune) ?? null;
  return commune?.geometry ?? null;
}

let pending = null;

// The object of the link is not for this role: a visitor signs in first.
function askSignIn(link) {
  pending = link;
  const { panel } = view;
  const button = element("button", { text: "Se connecter" });
  button.type = "button";
  button.addEventListener("click", () => openSignIn());
  const why = element("p", {
    text: "Cette fiche est réservée aux personnes connectées du réseau, ou n'existe plus. Connectez-vous pour l'ouvrir.",
  });
  // Not the object's own panel yet ("sign-in"): it opens after the sign-in.
  panel.custom("sign-in", `${link.kind}-${link.id}`, TITLES[link.kind], why, button);
  openSignIn();
}

function openSignIn() {
  $("sign-in").click();
  $("sign-in-reason").textContent =
    "Le lien que vous avez suivi mène à une fiche réservée : connectez-vous pour l'ouvrir.";
}

// Opens the object a link names, centred, with its panel.
export async function openLink(link) {
  const { panel } = view;
  panel.loading(TITLES[link.kind]);
  let object;
  try {
    object = await read(link);
  } catch (e) {
    if (REFUSED.has(e.status) && (!personSignedIn() || e.status === 401)) return askSignIn(link);
    pending = null;
    panel.error(TITLES[link.kind], api.unavailable(e));
    return undefined;
  }
  pending = null;
  switch (link.kind) {
    case "opportunity":
      await openOpportunity(link.id);
      centreOnPoint(object.geometry);
      break;
    case "need":
      await openNeed(link.id);
      centreOnArea(object.geometry);
      break;
    case "match":
      await openMatch(link.id, object.need?.id);
      break;
    default:
      openRequestPanel(object);
      centreOnArea(await requestArea(object).catch(() => null));
  }
  return undefined;
}

// After a change of person: the link that waited for a sign-in.
export function openPendingLink() {
  if (!pending || !personSignedIn()) return undefined;
  return openLink(pending);
}

// "Copier le lien" in every opportunity's and need's panel; the sign-in
// dialog forgets why a link opened it.
export function wireLinks() {
  extendPanels((kind, feature) => {
    const body = view.panel.body;
    body.querySelector(".copy-link")?.remove();
    const block = copyLinkBlock(kind, feature.id);
    const details = body.querySelector(":scope > dl");
    if (details) details.after(block);
    else body.append(block);
  });
  $("sign-in-dialog").addEventListener("close", () => {
    $("sign-in-reason").textContent = "";
  });
}
