// The side panel: a feature's details, only what the server returned for the
// visitor's role (the server leaves confidential fields out; the page never
// has them to hide), and the matches of a need or an opportunity.

import { fieldLabel, formatValue, isNumber, panelFields, text, valueLabel } from "./catalogue.js";
import { element } from "./dom.js";
import { ficheButton } from "./fiche.js";
import { state } from "./state.js";

// Labels, units and value labels come from the server's field catalogue
// (catalogue.js); every formatter falls back to the value as text when it is
// not what the field expects: a panel never says "NaN", "null" or
// "[object Object]".
const number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
export { text };

// A need's zone is a territory's slug: a circle reads by its name.
function territoryName(slug) {
  const circle = state.circles?.features?.find((c) => c.properties.slug === slug);
  return circle ? text(circle.properties.name) : text(slug);
}

// The fields an entity's panel shows, as [property, label, formatter].
function panelRows(entity, confidential = false) {
  return panelFields(entity, confidential).map((f) => [
    f.name,
    f.label,
    f.name === "territory" ? territoryName : (v) => formatValue(f, v),
  ]);
}

export function definitionList(properties, fields) {
  const dl = element("dl");
  for (const [key, label, format] of fields) {
    const value = properties[key];
    const shown = value === undefined || value === null ? "" : format ? format(value) : text(value);
    if (shown === "") continue;
    dl.append(element("dt", { text: label }), element("dd", { text: shown, dataset: { field: key } }));
  }
  return dl;
}

function confidentialBlock(properties, fields) {
  if (!fields.some(([key]) => key in properties)) return null;
  const box = element("section", { class: "confidential" });
  const details = definitionList(properties, fields);
  box.append(
    element("h3", { text: "Confidentiel — foncières et administrateurs" }),
    details.childNodes.length
      ? details
      : element("p", { class: "hint", text: "Aucune information confidentielle renseignée." }),
  );
  return box;
}

export class Panel {
  constructor({ root, title, body, parcel, close, onClose }) {
    Object.assign(this, { root, title, body, parcelSlot: parcel });
    close.addEventListener("click", () => this.hide());
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !this.root.hidden) this.hide();
    });
    this.onClose = onClose;
  }

  show(titleText, ...children) {
    this.title.textContent = titleText;
    this.body.replaceChildren(...children.filter(Boolean));
    this.root.hidden = false;
    this.root.dataset.loading = "false";
  }

  loading(titleText) {
    this.parcel(null);
    this.show(titleText, element("p", { class: "hint", text: "Chargement…" }));
    this.root.dataset.loading = "true";
  }

  // Adds to the panel shown (a section another module builds).
  append(...nodes) {
    this.body.append(...nodes.filter(Boolean));
  }

  // A panel another module builds whole (the follow-up of a match).
  custom(kind, id, titleText, ...children) {
    this.parcel(null);
    this.root.dataset.kind = kind;
    this.root.dataset.id = String(id);
    this.show(titleText, ...children);
  }

  error(titleText, message) {
    this.show(titleText, element("p", { class: "error", text: message }));
  }

  hide() {
    this.root.hidden = true;
    this.parcel(null);
    this.onClose?.();
  }

  opportunity(feature, matches, { onFocus }) {
    const p = feature.properties;
    this.root.dataset.kind = "opportunity";
    this.root.dataset.id = String(feature.id);
    this.show(
      p.title || "Opportunité sans titre",
      definitionList(p, panelRows("opportunity")),
      confidentialBlock(p, panelRows("opportunity", true)),
      ficheButton(`/api/opportunities/${feature.id}/fiche.pdf`, `fiche-opportunite-${feature.id}.pdf`),
      element("h3", {
        text: matches.features.length ? "Besoins de collectifs compatibles" : "Aucun besoin compatible pour l'instant",
      }),
      matchList(
        matches.features,
        (m) => m.properties.collective_name,
        (m) => valueLabel(m.properties.need_status),
        onFocus,
      ),
    );
  }

  need(feature, matches, { onFocus }) {
    const p = feature.properties;
    this.root.dataset.kind = "need";
    this.root.dataset.id = String(feature.id);
    this.show(
      p.collective_name || "Besoin",
      definitionList(p, panelRows("need")),
      confidentialBlock(p, panelRows("need", true)),
      element("h3", {
        text: matches.features.length
          ? "Lieux proposés, du meilleur au moins bon"
          : "Aucun lieu proposé pour l'instant",
      }),
      matchList(
        matches.features,
        (m) => m.properties.title || "Opportunité",
        (m) => valueLabel(m.properties.kind),
        onFocus,
      ),
    );
  }

  place(feature) {
    const p = feature.properties;
    this.root.dataset.kind = "place";
    this.root.dataset.id = String(feature.id);
    const children = [definitionList(p, panelRows("place"))];
    if (typeof p.website === "string" && /^https?:\/\//i.test(p.website)) {
      const a = element("a", { text: p.website });
      a.href = p.website;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      const para = element("p");
      para.append(`${fieldLabel("place", "website")} : `, a);
      children.push(para);
    }
    this.show(p.name || "Lieu", ...children);
  }

  // A spot on the map with no feature of Terrier's: its coordinates (the
  // parcel under it follows).
  location(lngLat) {
    this.parcel(null);
    this.root.dataset.kind = "location";
    this.root.dataset.id = `${lngLat.lng.toFixed(6)},${lngLat.lat.toFixed(6)}`;
    const coords = `${lngLat.lat.toFixed(5).replace(".", ",")} N, ${lngLat.lng.toFixed(5).replace(".", ",")} E`;
    this.show("Lieu sur la carte", element("p", { class: "hint", text: coords }));
  }

  // The cadastral parcel under the click: null hides it, "loading" while
  // asked, else {parcel} (null when the service knows none) or {error}.
  parcel(result) {
    const slot = this.parcelSlot;
    if (!slot) return;
    slot.hidden = result === null;
    slot.dataset.state = result === null ? "" : result === "loading" ? "loading" : result.error ? "error" : "done";
    if (result === null) {
      slot.replaceChildren();
      return;
    }
    const heading = element("h3", { text: "Parcelle cadastrale" });
    if (result === "loading") {
      slot.replaceChildren(heading, element("p", { class: "hint", text: "Recherche de la parcelle…" }));
    } else if (result.error) {
      slot.replaceChildren(
        heading,
        element("p", { class: "hint", text: "Référence cadastrale indisponible (service IGN injoignable)." }),
      );
    } else if (!result.parcel) {
      slot.replaceChildren(heading, element("p", { class: "hint", text: "Aucune parcelle cadastrale à cet endroit." }));
    } else {
      const p = result.parcel;
      slot.replaceChildren(
        heading,
        definitionList(p, [
          ["reference", "Référence"],
          ["commune", fieldLabel("opportunity", "commune")],
          ["idu", "Identifiant (IDU)"],
          ["surface", "Contenance"],
        ]),
        element("p", { class: "hint", text: "Source : IGN – Parcellaire Express (PCI)" }),
      );
    }
  }

  circle(feature, { count, onFilter, onExport }) {
    const p = feature.properties;
    this.root.dataset.kind = "circle";
    this.root.dataset.id = String(p.slug);
    const filter = element("button", { text: "Filtrer les opportunités sur ce cercle" });
    filter.type = "button";
    filter.addEventListener("click", onFilter);
    const exp = element("button", { class: "secondary", text: "Exporter ce territoire" });
    exp.type = "button";
    exp.addEventListener("click", onExport);
    const actions = element("div", { class: "export-buttons" });
    actions.append(filter, exp);
    this.show(
      `${fieldLabel("place", "circle")} ${text(p.name) || p.slug}`,
      element("p", { text: text(count) }),
      actions,
    );
  }
}

function matchList(features, name, subtitle, onFocus) {
  const ol = element("ol", { class: "matches" });
  for (const m of features) {
    const p = m.properties;
    const li = element("li", { dataset: { matchId: String(p.match_id) } });
    if (isNumber(p.score)) li.append(element("span", { class: "score", text: `${number.format(p.score)} / 100` }));
    li.append(element("strong", { text: text(name(m)) }));
    // The follow-up status only reaches the roles that read the follow-up.
    const meta = [
      text(subtitle(m)),
      isNumber(p.reliability) ? `fiabilité ${p.reliability}/10` : "",
      p.status ? `suivi : ${p.status}` : "",
    ];
    if (p.still_valid === false) meta.push("ne correspond plus");
    li.append(element("div", { class: "hint", text: meta.filter(Boolean).join(" · ") }));
    if (Array.isArray(p.reasons) && p.reasons.length) {
      const ul = element("ul");
      for (const r of p.reasons) ul.append(element("li", { text: text(r) }));
      li.append(ul);
    }
    if (m.geometry) {
      const b = element("button", { class: "secondary", text: "Voir sur la carte" });
      b.type = "button";
      b.addEventListener("click", () => onFocus(m));
      li.append(b);
    }
    ol.append(li);
  }
  return ol;
}

// --- links -----------------------------------------------------------------

// The address that opens one object on the page: /?opportunity=ID,
// /?need=ID, /?match=ID or /?request=ID (links.js opens it).
export function linkPath(kind, id) {
  return `/?${kind}=${encodeURIComponent(id)}`;
}

export function linkUrl(kind, id) {
  return new URL(linkPath(kind, id), window.location.origin).href;
}

let linkFields = 0;

// "Copier le lien" of a panel: the clipboard when the browser gives it, else
// the address selected in a text field for the person to copy; either way a
// visible message says what happened.
export function copyLinkBlock(kind, id) {
  const url = linkUrl(kind, id);
  const block = element("div", { class: "copy-link" });
  block.dataset.url = url;
  const button = element("button", { class: "secondary copy-link-button", text: "Copier le lien" });
  button.type = "button";
  const status = element("span", { class: "copy-link-status", text: "" });
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    try {
      if (!window.isSecureContext || !navigator.clipboard?.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      status.textContent = "Lien copié";
    } catch {
      let field = block.querySelector("input");
      if (!field) {
        field = element("input", { class: "copy-link-field" });
        field.id = `copy-link-field-${++linkFields}`;
        field.readOnly = true;
        field.value = url;
        const label = element("label", {
          class: "block",
          text: "Lien de la fiche (sélectionné : copiez-le avec Ctrl+C)",
        });
        label.htmlFor = field.id;
        block.append(label, field);
      }
      field.focus();
      field.select();
      status.textContent = "Copie automatique impossible : le lien est sélectionné ci-dessous.";
    }
  });
  block.append(button, status);
  return block;
}
