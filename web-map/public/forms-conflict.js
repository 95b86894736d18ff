// When a PATCH answers 412 (someone changed the row since the form was
// opened): both versions, field by field, and the choice between them.

import { differences } from "./forms-fields.js";
import { element } from "./dom.js";

// Shown right after `anchor` (the form's status line).
export function showConflict(anchor, { fields, mine, theirs, onKeepMine, onTakeTheirs }) {
  anchor.parentElement.querySelector(".conflict")?.remove();
  anchor.textContent = "Quelqu'un a modifié cette fiche pendant que vous la modifiiez.";
  anchor.className = "editor-status error";
  const rows = differences(fields, mine, theirs);
  const table = element("table", { class: "conflict-table" },
    element("thead", {}, element("tr", {}, element("th", { text: "Champ" }), element("th", { text: "Votre version" }),
      element("th", { text: "Version actuelle" }))),
    element("tbody", {}, ...rows.map((r) => element("tr", { dataset: { field: r.field } },
      element("th", { scope: "row", text: r.label }), element("td", { text: r.mine }), element("td", { text: r.theirs })))));
  const keep = element("button", { type: "button", text: "Garder ma version" });
  const take = element("button", { type: "button", class: "secondary", text: "Reprendre la version actuelle" });
  const section = element("section", { class: "conflict", "aria-label": "Conflit de modification" },
    element("h3", { text: "Deux versions" }),
    rows.length ? table : element("p", { class: "hint", text: "Les champs du formulaire n'ont pas changé ; d'autres, oui." }),
    element("div", { class: "dialog-buttons" }, take, keep));
  const done = () => section.remove();
  keep.addEventListener("click", () => { done(); onKeepMine(); });
  take.addEventListener("click", () => { done(); onTakeTheirs(); });
  anchor.after(section);
  keep.focus();
}
