// Exports of a circle's territory: who may (as the server says: its "may",
// from core/roles — foundations and admins, an animator for its own circle)
// and the download itself.

import * as api from "./api.js";
import { $, element } from "./dom.js";
import { state } from "./state.js";

function mayExport(slug) {
  const scope = state.session.may?.export_territories ?? "none";
  return scope === "all" || (scope === "circle" && state.circle === slug);
}

export function updateExportAccess() {
  const slug = $("export-territory").value;
  const allowed = mayExport(slug);
  for (const b of document.querySelectorAll("#export-buttons button")) b.disabled = !allowed;
  const scope = state.session.may?.export_territories ?? "none";
  $("export-status").textContent = allowed
    ? ""
    : scope === "circle"
      ? `En tant qu'animateur, vous exportez votre cercle (${state.circle}).`
      : "Réservé aux foncières et à l'animateur du cercle : connectez-vous.";
}

// Downloads `path` (an export the server writes), saying how it went in
// `status`.
export async function download(path, fallbackName, status) {
  status.textContent = "Préparation de l'export…";
  try {
    const { blob, name } = await api.getBlob(path);
    const url = URL.createObjectURL(blob);
    const a = element("a", { href: url, download: name ?? fallbackName });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    status.textContent = `Export téléchargé : ${a.download}`;
  } catch (e) {
    status.textContent = `Export impossible : ${e.message}`;
  }
}

function exportTerritory(slug, format) {
  return download(
    `/api/territories/${encodeURIComponent(slug)}/export?format=${format}`,
    `terrier-${slug}.${format}`,
    $("export-status"),
  );
}

export function wireExports() {
  for (const button of document.querySelectorAll("#export-buttons button")) {
    button.addEventListener("click", () => exportTerritory($("export-territory").value, button.dataset.format));
  }
  $("export-territory").addEventListener("change", updateExportAccess);
}

// Selects an export of this circle in the sidebar.
export function offerExport(slug) {
  $("export-territory").value = slug;
  updateExportAccess();
  $("sidebar").classList.add("open");
  $("export-territory").focus();
}
