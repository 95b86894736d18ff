// Where the editing forms and the import meet the rest of the page: the
// "Saisie" buttons shown by role, "Modifier" in a panel, the editor aside
// and the import dialog. app.js calls wireEditing once and editButton after
// it fills a panel.

import { $, element } from "./dom.js";
import { Editor, mayCreate } from "./forms.js";
import { ImportDialog } from "./import.js";

// Whether the person may edit this row: the server says so on the row itself
// ("editable", with the same checks as its writes: the role, the row's
// visibility, an animator's circle).
export function mayEdit(feature) {
  return feature?.properties?.editable === true;
}

export function wireEditing({ map, maplibregl, state, config, panel, onSaved }) {
  const root = $("editor");
  const editor = new Editor(root, {
    map,
    maplibregl,
    session: () => state.session,
    config,
    circles: () =>
      state.circles.features
        .map((f) => ({ slug: f.properties.slug, name: f.properties.name }))
        .sort((a, b) => a.name.localeCompare(b.name, "fr")),
    onOpen: () => panel.hide(),
    onSaved,
  });
  const importDialog = new ImportDialog($("import-dialog"), {
    onImported: async (kind) => onSaved(kind === "needs" ? "need" : "opportunity"),
  });
  $("new-opportunity").addEventListener("click", () => editor.create("opportunity"));
  $("new-need").addEventListener("click", () => editor.create("need"));
  $("open-import").addEventListener("click", () => importDialog.show());

  return {
    editor,
    importDialog,
    get capturesClicks() {
      return editor.capturesClicks;
    },
    showFor(session) {
      if (editor.open) editor.close();
      const opportunity = mayCreate(session, "opportunity");
      const need = mayCreate(session, "need");
      const imports = (session.may?.import ?? "none") !== "none";
      importDialog.allowKinds(session.may?.import_kinds ?? []);
      $("new-opportunity").hidden = !opportunity;
      $("new-need").hidden = !need;
      $("open-import").hidden = !imports;
      $("editing").hidden = !(opportunity || need || imports);
    },
    mayEdit: (_kind, feature) => mayEdit(feature),
  };
}

// "Modifier" at the top of an opportunity's or a need's panel, for a role
// that may edit it.
export function editButton(panel, editing, kind, feature) {
  if (!editing?.mayEdit(kind, feature)) return;
  const button = element("button", { type: "button", class: "edit-button", text: "Modifier" });
  button.addEventListener("click", () => editing.editor.edit(kind, feature.id));
  panel.body.prepend(button);
}
