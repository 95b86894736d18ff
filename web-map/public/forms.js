// The editing forms: "Nouvelle opportunité", "Nouveau besoin", and "Modifier"
// from a panel. The location of an opportunity comes from a click on the map,
// a commune chosen in "Commune" (the server places the point inside it,
// precision "commune") or the dragged marker; a need's search area is a
// circle, a commune, a radius around a clicked point or a drawn polygon.
// Every PATCH sends If-Match; a 412 shows both versions (conflict.js).

import * as api from "./api.js";
import { element } from "./dom.js";
import {
  LOCATION_FIELDS,
  AREA_FIELDS,
  clearFieldErrors,
  fieldControl,
  formValues,
  showFieldError,
} from "./forms-fields.js";
import { field as catalogueField, formFields } from "./catalogue.js";
import { LocationPicker, AreaPicker } from "./forms-location.js";
import { showConflict } from "./conflict.js";

const KINDS = {
  opportunity: { collection: "opportunities", create: "Nouvelle opportunité", edit: "Modifier l'opportunité" },
  need: { collection: "needs", create: "Nouveau besoin", edit: "Modifier le besoin" },
};

// {feature, etag}: an item as this role reads it, with the validator its
// PATCH must send.
async function readItem(collection, id) {
  const { body, etag } = await api.getWithEtag(`/ogcapi/collections/${collection}/items/${encodeURIComponent(id)}`, {
    cache: "no-store",
  });
  return { feature: body, etag };
}

const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

// Who may write what, as the server says (GET /api/session's "may", from
// core/roles): per kind "none", "circle" (an animator's circle) or
// "readable" (every row the role reads).
export function writeScope(session, kind) {
  return session.may?.writes?.[kind] ?? "none";
}

export function mayCreate(session, kind) {
  return writeScope(session, kind) !== "none";
}

export class Editor {
  // root: the <aside> that holds the form; context: {map, maplibregl,
  // session(), config(), circles(), onSaved(kind, id), onClose()}
  constructor(root, context) {
    this.root = root;
    this.context = context;
    this.picker = null;
    this.open = false;
  }

  // While a form is open a click on the map places its point, not a panel.
  get capturesClicks() {
    return this.open;
  }

  async edit(kind, id) {
    try {
      const { feature, etag } = await readItem(KINDS[kind].collection, id);
      this.show(kind, { id, etag, feature });
    } catch (e) {
      this.show(kind, null);
      this.message(api.unavailable(e), "error");
    }
  }

  create(kind) {
    this.show(kind, null);
  }

  close() {
    this.picker?.dispose();
    this.picker = null;
    this.open = false;
    this.root.hidden = true;
    this.root.replaceChildren();
    this.context.onClose?.();
  }

  show(kind, existing) {
    this.picker?.dispose();
    const spec = KINDS[kind];
    const session = this.context.session();
    const vocabularies = {
      ...this.context.config().vocabularies,
      visibilities: session.may?.settable_visibilities ?? session.readable_visibilities ?? [],
    };
    const fields = formFields(kind, session.confidential);
    this.kind = kind;
    this.existing = existing;
    this.fields = fields;
    this.controls = new Map();

    const form = element("form", { class: "editor-form", novalidate: true, "aria-labelledby": "editor-title" });
    const title = element("h2", { id: "editor-title", text: existing ? spec.edit : spec.create });
    const closeButton = element("button", {
      type: "button",
      class: "panel-close",
      "aria-label": "Fermer le formulaire",
      text: "×",
    });
    closeButton.addEventListener("click", () => this.close());
    this.status = element("p", { class: "editor-status", role: "status", "aria-live": "polite" });

    const picker =
      kind === "opportunity"
        ? new LocationPicker(this.context, existing?.feature)
        : new AreaPicker(this.context, existing?.feature);
    this.picker = picker;
    for (const field of fields) {
      if (field.control === "commune") {
        form.append(picker.block);
        continue;
      }
      const c = fieldControl(field, vocabularies);
      this.controls.set(field.name, c);
      form.append(c.block);
    }
    if (kind === "need") form.append(picker.block);
    const address = this.controls.get("address")?.block.querySelector("input");
    if (address && picker.watchAddress) picker.watchAddress(address);

    // A new row: each list's first value (core/vocabulary.hpp orders them
    // so), the first visibility the person may set.
    const values = existing
      ? formValues(existing.feature.properties)
      : {
          status: vocabularies[catalogueField(kind, "status")?.vocabulary]?.[0],
          visibility: vocabularies.visibilities[0],
        };
    for (const [name, c] of this.controls) c.write(values[name]);

    const save = element("button", { type: "submit", text: "Enregistrer" });
    const buttons = element("div", { class: "dialog-buttons" });
    if (existing && kind === "opportunity") {
      const verified = element("button", { type: "button", class: "secondary", text: "Vérifiée aujourd'hui" });
      verified.addEventListener("click", () => this.submit({ last_verified: todayIso() }, "Vérification enregistrée."));
      buttons.append(verified);
    }
    const cancel = element("button", { type: "button", class: "secondary", text: "Annuler" });
    cancel.addEventListener("click", () => this.close());
    buttons.append(cancel, save);
    form.append(buttons);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit(this.body(), existing ? "Modifications enregistrées." : "Fiche créée.");
    });

    this.form = form;
    this.root.replaceChildren(closeButton, title, this.status, form);
    this.root.dataset.kind = kind;
    this.root.dataset.id = existing ? String(existing.id) : "";
    this.root.hidden = false;
    this.open = true;
    picker.attach();
    this.context.onOpen?.();
    form.querySelector("input, select, textarea")?.focus();
  }

  // The write body: every field the form shows, empty ones as null (so an
  // edit can clear them), plus the location or search area.
  body() {
    const out = {};
    for (const [name, c] of this.controls) out[name] = c.read();
    Object.assign(out, this.picker.body());
    return out;
  }

  message(text, kind = "") {
    this.status.textContent = text;
    this.status.className = `editor-status ${kind}`;
  }

  clearErrors() {
    clearFieldErrors(this.root);
  }

  // A refused field's message next to that field (or next to the location or
  // search area for the fields of a place).
  showFieldErrors(errors) {
    const zone = this.kind === "opportunity" ? LOCATION_FIELDS : AREA_FIELDS;
    for (const { field, detail } of errors) {
      const target = this.controls.has(field) ? field : zone.includes(field) ? this.picker.errorKey : null;
      if (target) showFieldError(this.root, target, detail);
    }
  }

  async submit(body, done) {
    this.clearErrors();
    const spec = KINDS[this.kind];
    if (!this.existing && !this.picker.ready()) {
      this.showFieldErrors([{ field: this.picker.errorKey, detail: this.picker.missing }]);
      this.message("La fiche n'est pas enregistrée : elle n'a pas encore d'emplacement.", "error");
      return;
    }
    this.message("Enregistrement…");
    try {
      let id;
      if (this.existing) {
        await api.send("PATCH", `/api/${spec.collection}/${this.existing.id}`, body, { etag: this.existing.etag });
        id = this.existing.id;
      } else {
        id = (await api.send("POST", `/api/${spec.collection}`, body)).body.id;
      }
      const fresh = await readItem(spec.collection, id).catch(() => null);
      this.existing = fresh
        ? { id, etag: fresh.etag, feature: fresh.feature }
        : { id, etag: null, feature: { properties: body } };
      this.root.dataset.id = String(id);
      this.message(done, "ok");
      await this.context.onSaved?.(this.kind, id);
      if (fresh) this.show(this.kind, this.existing);
      this.message(done, "ok");
    } catch (e) {
      if (e.status === 412) return this.conflict(body, e.problem.current);
      const fields = e.fields ?? [];
      if (fields.length) this.showFieldErrors(fields);
      this.message(
        fields.length
          ? "La fiche n'est pas enregistrée : corrigez les champs signalés."
          : `Enregistrement impossible : ${e.message}`,
        "error",
      );
      return undefined;
    }
    return undefined;
  }

  // Someone else changed the row meanwhile: both versions side by side; keep
  // mine (sent again against the new version) or take theirs.
  async conflict(mine, current) {
    const spec = KINDS[this.kind];
    let fresh = null;
    try {
      fresh = await readItem(spec.collection, this.existing.id);
    } catch {
      // deleted meanwhile, or no longer readable
    }
    // The version read again (the 412's "current" when it cannot be).
    const theirs = formValues(fresh?.feature?.properties ?? current?.properties ?? current ?? {});
    showConflict(this.status, {
      message: "Quelqu'un a modifié cette fiche pendant que vous la modifiiez.",
      fields: this.fields,
      mine,
      theirs,
      onKeepMine: () => {
        this.existing = { ...this.existing, etag: fresh?.etag ?? null };
        return this.submit(mine, "Votre version est enregistrée.");
      },
      onTakeTheirs: () => {
        if (fresh) this.show(this.kind, { id: this.existing.id, etag: fresh.etag, feature: fresh.feature });
        this.message("Version actuelle reprise.", "ok");
      },
    });
  }
}
