// "Importer un tableau": a spreadsheet or GIS file dropped on the page is
// sent once, in pieces of 1 MiB (POST /api/uploads, then PUT
// /api/uploads/ID?offset=N one piece after the other: no server thread reads
// a large body, so the map and /healthz never wait behind one), and imported
// from there twice (POST /api/uploads/ID/import): first as a dry run (how
// its header was read, what would be inserted, updated, left unchanged or
// rejected, probable duplicates, conflicts with page edits), then, on
// "Confirmer l'import", for real. Imports go with async=true: the server
// answers 202 with a progress URL at once and imports on a worker of its
// own; the bar then follows the server's reading (GET
// /api/imports/progress/KEY, kept in PostgreSQL, so any server process
// answers) up to 100 %, and the progress's last answer is the report the
// import would have answered itself.

import * as api from "./api.js";
import { element } from "./dom.js";
import { importLabel } from "./catalogue.js";
import { COUNT } from "./context.js";

const FORMATS = { csv: "csv", xlsx: "xlsx", ods: "ods", geojson: "geojson", json: "geojson", gpkg: "gpkg", kml: "kml" };
const KIND_LABELS = {
  opportunities: "Opportunités",
  needs: "Besoins des collectifs",
  places: "Tiers-lieux",
  requests: "Sollicitations",
};

export function formatOf(name) {
  return FORMATS[name.split(".").pop().toLowerCase()] ?? null;
}

// The pieces' size: a piece is read by one server thread in about 15 ms.
const PIECE_BYTES = 1024 * 1024;

// Sends `file` to a new upload, one piece after the other;
// onProgress(fraction of the file sent). A piece whose answer was lost is
// sent again; one the server already has (409 with "received") is skipped.
// Resolves to the upload's URL.
async function uploadInPieces(file, format, onProgress) {
  const created = await api.answer("POST", `/api/uploads?${new URLSearchParams({ format })}`);
  if (created.status !== 201) throw api.refusal(created);
  const url = created.body.url;
  let offset = 0;
  let failures = 0;
  while (offset < file.size) {
    const piece = file.slice(offset, offset + PIECE_BYTES);
    let answer;
    try {
      answer = await api.answer("PUT", `${url}?offset=${offset}`, piece, "application/octet-stream");
    } catch (e) {
      if (++failures > 3) throw e;
      await new Promise((r) => setTimeout(r, 500 * failures));
      continue;
    }
    if (answer.status === 200 || (answer.status === 409 && answer.body?.field === "offset")) {
      offset = answer.body.received;
      failures = 0;
      onProgress(offset / file.size);
      continue;
    }
    throw api.refusal(answer);
  }
  return url;
}

function table(headers, rows, className) {
  return element(
    "table",
    { class: className },
    element("thead", {}, element("tr", {}, ...headers.map((h) => element("th", { scope: "col", text: h })))),
    element(
      "tbody",
      {},
      ...rows.map((r) => element("tr", {}, ...r.map((c) => element("td", { text: String(c ?? "—") })))),
    ),
  );
}

export class ImportDialog {
  // dialog: the <dialog> of index.html; onImported(kind) refreshes the map.
  constructor(dialog, { onImported }) {
    this.dialog = dialog;
    this.onImported = onImported;
    this.kind = dialog.querySelector("#import-kind");
    this.fileInput = dialog.querySelector("#import-file");
    this.drop = dialog.querySelector("#import-drop");
    this.progress = dialog.querySelector("#import-progress");
    this.status = dialog.querySelector("#import-status");
    this.result = dialog.querySelector("#import-result");
    this.confirm = dialog.querySelector("#import-confirm");
    dialog.querySelector("#import-close").addEventListener("click", () => dialog.close());
    this.fileInput.addEventListener("change", () => this.fileInput.files[0] && this.preview(this.fileInput.files[0]));
    for (const type of ["dragenter", "dragover"]) {
      this.drop.addEventListener(type, (e) => {
        e.preventDefault();
        this.drop.classList.add("over");
      });
    }
    this.drop.addEventListener("dragleave", () => this.drop.classList.remove("over"));
    this.drop.addEventListener("drop", (e) => {
      e.preventDefault();
      this.drop.classList.remove("over");
      const file = e.dataTransfer?.files?.[0];
      if (file) this.preview(file);
    });
    this.kind.addEventListener("change", () => this.file && this.preview(this.file));
    this.confirm.addEventListener("click", () => this.run());
  }

  // The kinds this person may import (the server's "may"): the others are
  // not offered.
  allowKinds(kinds) {
    for (const option of this.kind.options) option.hidden = option.disabled = !kinds.includes(option.value);
    if (this.kind.selectedOptions[0]?.disabled) {
      const first = [...this.kind.options].find((o) => !o.disabled);
      if (first) this.kind.value = first.value;
    }
  }

  show() {
    this.forget();
    this.file = null;
    this.fileInput.value = "";
    this.result.replaceChildren();
    this.status.textContent = "";
    this.progress.hidden = true;
    this.confirm.hidden = true;
    this.dialog.showModal();
  }

  // The file chosen, sent once: the dry run and the import read the same
  // upload, also when only the kind changes. Resolves to its URL.
  async uploaded(label) {
    if (this.upload?.file === this.file) return this.upload.url;
    this.forget();
    const url = await uploadInPieces(this.file, formatOf(this.file.name), (f) => {
      this.progress.value = f;
      this.status.textContent =
        f < 1 ? `${label} ${Math.round(f * 100)} %` : `${label} fichier envoyé, lecture par le serveur…`;
    });
    this.upload = { file: this.file, url };
    return url;
  }

  // The server may drop the upload now (else it goes after an hour alone).
  forget() {
    if (this.upload) api.answer("DELETE", this.upload.url).catch(() => {});
    this.upload = null;
  }

  // Starts the import of the upload: {status, body}, 202 with the progress
  // URL when accepted. An upload the server no longer has (an hour
  // without news, a restart) is sent again.
  async startImport(dryRun, label) {
    const qs = new URLSearchParams({ kind: this.kind.value, async: "true" });
    if (dryRun) qs.set("dry_run", "true");
    try {
      let answer = await api.answer("POST", `${await this.uploaded(label)}/import?${qs}`);
      if (answer.status === 404) {
        this.upload = null;
        answer = await api.answer("POST", `${await this.uploaded(label)}/import?${qs}`);
      }
      return answer;
    } catch (e) {
      // The upload refused (too large, a role that imports nothing): shown
      // as the import's refusal.
      if (e instanceof api.ApiError && e.status !== 0) return { status: e.status, body: e.problem };
      throw e;
    }
  }

  // The server's reading of the file, asked every 300 ms until the import
  // ended: rows read and, when the reader knows it, the share of the file.
  // Resolves to the last answer ("done" or "failed", with the import's
  // report or problem and its "status"). A lost answer is asked again; a
  // refusal (the session ended) stops.
  async follow(url, label) {
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 5000);
      let p;
      try {
        p = await api.getJson(url, { signal: controller.signal });
      } catch (e) {
        if (e instanceof api.ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) throw e;
        continue;
      } finally {
        clearTimeout(timer);
      }
      if (p.state === "done" || p.state === "failed") return p;
      if (p.state !== "reading" && p.state !== "merging") continue;
      this.progress.dataset.phase = "server";
      this.progress.dataset.rowsRead = String(p.rows_read);
      if (p.fraction !== null) this.progress.value = p.fraction;
      else this.progress.removeAttribute("value");
      if (p.state === "merging") {
        // The whole file is read; the rows are compared with the database.
        this.status.textContent = `${label} ${COUNT.format(p.rows_read)} lignes lues, comparaison avec la base…`;
        continue;
      }
      const share = p.fraction !== null ? ` (${Math.round(p.fraction * 100)} %)` : "";
      this.status.textContent = `${label} ${COUNT.format(p.rows_read)} lignes lues${share}`;
    }
  }

  // Sends the file and follows its import to the end. Resolves to {status,
  // body} as the import would have answered: its report, or its problem.
  // An import that went through leaves the bar full; otherwise it goes.
  async send(dryRun, label) {
    this.progress.hidden = false;
    this.progress.value = 0;
    this.progress.dataset.phase = "upload";
    this.progress.dataset.rowsRead = "0";
    this.status.textContent = label;
    let answer = { status: 0, body: {} };
    try {
      answer = await this.startImport(dryRun, label);
      if (answer.status !== 202) return answer;
      const last = await this.follow(answer.body.progress_url, label);
      answer = { status: last.status ?? (last.state === "done" ? 200 : 500), body: last };
      return answer;
    } finally {
      if (answer.status === 200) {
        this.progress.value = 1;
        this.progress.dataset.phase = "done";
        this.progress.dataset.rowsRead = String(answer.body.rows_read);
      } else {
        this.progress.hidden = true;
        this.progress.dataset.phase = "";
      }
    }
  }

  async preview(file) {
    this.file = file;
    this.confirm.hidden = true;
    this.result.replaceChildren();
    if (!formatOf(file.name)) {
      this.status.textContent = `« ${file.name} » : format non reconnu (CSV, XLSX, ODS, GeoJSON, GPKG, KML).`;
      return;
    }
    try {
      const { status, body } = await this.send(true, "Lecture du fichier…");
      if (status === 409) {
        this.status.textContent = body.detail;
        return;
      }
      if (status !== 200) {
        this.status.textContent = `Fichier refusé : ${body.detail ?? status}`;
        return;
      }
      this.status.textContent = `Essai sans rien enregistrer : ${file.name} (${KIND_LABELS[this.kind.value]}).`;
      this.render(body);
      this.confirm.hidden = false;
      this.confirm.focus();
    } catch (e) {
      this.status.textContent = `Envoi impossible : ${e.message}`;
    }
  }

  render(report) {
    const header = report.header ?? [];
    const ignored = header.filter((h) => !h.field && h.kept !== false).map((h) => h.column);
    // Terrier's own export columns (« Lien Terrier », « couche »): read, not kept.
    const skipped = header.filter((h) => !h.field && h.kept === false).map((h) => h.column);
    const rejected = report.issues.filter((i) => i.type === "rejected");
    const flagged = report.issues.filter((i) => i.type === "flagged");
    // A field edited in Terrier since the row's last import that the file
    // would change: the import keeps Terrier's value and says so.
    const conflicts = report.issues.filter((i) => i.type === "conflict");
    const where = report.position_name === "line" ? "Ligne" : "Entité";
    const counts = element(
      "ul",
      { class: "import-counts" },
      element("li", { dataset: { count: "inserted" }, text: `À ajouter : ${COUNT.format(report.inserted)}` }),
      element("li", { dataset: { count: "updated" }, text: `À mettre à jour : ${COUNT.format(report.updated)}` }),
      element("li", { dataset: { count: "unchanged" }, text: `Inchangées : ${COUNT.format(report.unchanged)}` }),
      element("li", { dataset: { count: "rejected" }, text: `Refusées : ${COUNT.format(report.rejected)}` }),
      conflicts.length
        ? element("li", { dataset: { count: "conflicts" }, text: `Conflits : ${COUNT.format(conflicts.length)}` })
        : null,
    );
    // replaceChildren writes a null as the text "null": only the parts shown.
    this.result.replaceChildren(
      ...[
        element("h3", { text: "Lecture de l'en-tête" }),
        table(
          ["Colonne du fichier", "Champ de Terrier"],
          header.map((h) => [
            h.column,
            h.field
              ? h.field
                  .split(", ")
                  .map((f) => importLabel(this.kind.value, f))
                  .join(", ")
              : `ignorée${h.suggestion ? ` (suggestion : ${importLabel(this.kind.value, h.suggestion)})` : ""}`,
          ]),
          "import-header",
        ),
        element("p", {
          class: "hint import-ignored",
          text: ignored.length
            ? `Colonnes ignorées (gardées dans les attributs) : ${ignored.join(", ")}`
            : "Aucune colonne ignorée.",
        }),
        skipped.length
          ? element("p", {
              class: "hint import-skipped",
              text: `Colonnes d'export de Terrier, non importées : ${skipped.join(", ")}`,
            })
          : null,
        element("h3", { text: report.dry_run ? "Ce que l'import ferait" : "Import terminé" }),
        counts,
        rejected.length ? element("h3", { text: "Lignes refusées" }) : null,
        rejected.length
          ? table(
              [where, "Colonne", "Valeur", "Raison"],
              rejected.map((i) => [i.position, i.column, i.value, i.reason]),
              "import-rejected",
            )
          : null,
        flagged.length ? element("h3", { text: "Doublons probables" }) : null,
        flagged.length
          ? table(
              [where, "Colonne", "Raison"],
              flagged.map((i) => [i.position, i.column, i.reason]),
              "import-duplicates",
            )
          : null,
        conflicts.length ? element("h3", { text: "Conflits avec des modifications faites dans Terrier" }) : null,
        conflicts.length
          ? table(
              [where, "Colonne", "Valeur du fichier", "Raison"],
              conflicts.map((c) => [c.position, c.column, c.value, c.reason]),
              "import-conflicts",
            )
          : null,
      ].filter((part) => part !== null),
    );
  }

  async run() {
    this.confirm.disabled = true;
    try {
      const { status, body } = await this.send(false, "Import en cours…");
      if (status === 409) {
        this.status.textContent = body.detail;
        return;
      }
      if (status !== 200) {
        this.status.textContent = `Import refusé : ${body.detail ?? body.summary ?? status}`;
        if (body.issues) this.render(body);
        return;
      }
      this.render(body);
      this.status.textContent = `Import terminé : ${COUNT.format(body.inserted)} ajoutée(s), ${COUNT.format(body.updated)} mise(s) à jour, ${COUNT.format(body.unchanged)} inchangée(s), ${COUNT.format(body.rejected)} refusée(s).`;
      this.confirm.hidden = true;
      this.forget();
      if (this.kind.value !== "requests") await this.onImported?.(this.kind.value);
    } catch (e) {
      this.status.textContent = `Import impossible : ${e.message}`;
    } finally {
      this.confirm.disabled = false;
    }
  }
}
