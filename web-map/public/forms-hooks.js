// Where the editing forms and the import meet the rest of the page: the
// "Saisie" buttons shown by role, "Modifier" in a panel, the editor aside
// and the import dialog. app.js calls wireEditing once and editButton after
// it fills a panel.

import { Editor, mayCreate, writeScope } from "./forms.js";
import { ImportDialog } from "./import.js";

const $ = (id) => document.getElementById(id);

function ringContains(ring, [x, y]) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function geometryContains(geometry, point) {
  const polygons = geometry?.type === "Polygon" ? [geometry.coordinates] : geometry?.type === "MultiPolygon" ? geometry.coordinates : [];
  return polygons.some((p) => ringContains(p[0], point) && !p.slice(1).some((hole) => ringContains(hole, point)));
}

// A point standing for a need's area: the mean of its outer ring's vertices
// (the centre of a radius's circle; near the middle of a drawn polygon).
function needPoint(geometry) {
  const ring = geometry?.type === "Polygon" ? geometry.coordinates[0] : geometry?.type === "MultiPolygon" ? geometry.coordinates[0][0] : null;
  if (!ring) return null;
  let x = 0;
  let y = 0;
  for (const [a, b] of ring.slice(0, -1)) { x += a; y += b; }
  const n = Math.max(ring.length - 1, 1);
  return [x / n, y / n];
}

// Whether the role may edit this row, as the server says (its "may"): every
// row it reads ("readable": the page holds no other), or the rows of its
// circle (an animator's needs whose area's centre lies in the circle; the
// server checks again).
export function mayEdit(session, kind, feature, circles) {
  const scope = writeScope(session, kind);
  if (scope === "readable") return true;
  const slug = session.circle ?? session.territory;
  if (scope !== "circle" || !slug) return false;
  const circle = circles.features.find((c) => c.properties.slug === slug);
  const point = needPoint(feature.geometry);
  return Boolean(circle && point && geometryContains(circle.geometry, point));
}

export function wireEditing({ map, maplibregl, state, config, panel, onSaved }) {
  const root = $("editor");
  const editor = new Editor(root, {
    map,
    maplibregl,
    session: () => state.session,
    config,
    circles: () => state.circles.features.map((f) => ({ slug: f.properties.slug, name: f.properties.name }))
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
    mayEdit: (kind, feature) => mayEdit(state.session, kind, feature, state.circles),
  };
}

// "Modifier" at the top of an opportunity's or a need's panel, for a role
// that may edit it.
export function editButton(panel, editing, kind, feature) {
  if (!editing?.mayEdit(kind, feature)) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "edit-button";
  button.textContent = "Modifier";
  button.addEventListener("click", () => editing.editor.edit(kind, feature.id));
  panel.body.prepend(button);
}
