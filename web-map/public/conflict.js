// The page's one answer to a 412: someone changed the object (an
// opportunity, a need, a match's follow-up, a request) since it was read.
// Both versions, field by field, and the choice between them: keep mine
// (sent again against the new version) or take theirs.

import { valueLabel } from "./catalogue.js";
import { element } from "./dom.js";

// Field by field, what differs between two write bodies: [{field, label,
// mine, theirs}]. fields: the catalogue's specs ({name, labelled, control}).
export function differences(fields, mine, theirs) {
  const show = (v) =>
    v === null || v === undefined || v === ""
      ? "—"
      : Array.isArray(v)
        ? v.map(valueLabel).join(", ")
        : valueLabel(String(v));
  const out = [];
  for (const { name, labelled: label, control } of fields) {
    if (control === "commune") continue;
    const a = show(mine[name]);
    const b = show(theirs[name]);
    if (a !== b) out.push({ field: name, label, mine: a, theirs: b });
  }
  return out;
}

// Takes away the choice shown after `anchor` (a new attempt is under way).
export function clearConflict(anchor) {
  anchor.parentElement?.querySelector(".conflict")?.remove();
}

// Shown right after `anchor` (the form's status or error line), which says
// `message`; onKeepMine() and onTakeTheirs() once the person chose.
export function showConflict(anchor, { message, fields, mine, theirs, onKeepMine, onTakeTheirs }) {
  clearConflict(anchor);
  anchor.textContent = message;
  anchor.classList.remove("ok");
  anchor.classList.add("error");
  const rows = differences(fields, mine, theirs);
  const table = element(
    "table",
    { class: "conflict-table" },
    element(
      "thead",
      {},
      element(
        "tr",
        {},
        element("th", { text: "Champ" }),
        element("th", { text: "Votre version" }),
        element("th", { text: "Version actuelle" }),
      ),
    ),
    element(
      "tbody",
      {},
      ...rows.map((r) =>
        element(
          "tr",
          { dataset: { field: r.field } },
          element("th", { scope: "row", text: r.label }),
          element("td", { text: r.mine }),
          element("td", { text: r.theirs }),
        ),
      ),
    ),
  );
  const keep = element("button", { type: "button", text: "Garder ma version" });
  const take = element("button", { type: "button", class: "secondary", text: "Reprendre la version actuelle" });
  const section = element(
    "section",
    { class: "conflict", "aria-label": "Conflit de modification" },
    element("h3", { text: "Deux versions" }),
    rows.length
      ? table
      : element("p", { class: "hint", text: "Les champs du formulaire n'ont pas changé ; d'autres, oui." }),
    element("div", { class: "dialog-buttons" }, take, keep),
  );
  const done = () => section.remove();
  keep.addEventListener("click", () => {
    done();
    onKeepMine();
  });
  take.addEventListener("click", () => {
    done();
    onTakeTheirs();
  });
  anchor.after(section);
  keep.focus();
}
