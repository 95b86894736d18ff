// A circle's dashboard (GET /api/territories/{slug}/dashboard): its
// opportunities by status and by kind, its needs by status, its matches by
// follow-up stage as bar charts (Chart.js, from npm, copied to vendor/ by
// build.mjs), and the surface found, the median delay to an agreement and
// the buildings to re-verify as figures; the same figures as a CSV. Every
// value is named by the catalogue (valueLabel), every field by its label.

import { BarController, BarElement, CategoryScale, Chart, LinearScale, Title, Tooltip } from "./vendor/chart.js";
import * as api from "./api.js";
import { $, element } from "./dom.js";
import { download } from "./exports.js";
import { fieldLabel, valueLabel } from "./catalogue.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title, Tooltip);

const number = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const charts = [];

function path(slug, format) {
  return `/api/territories/${encodeURIComponent(slug)}/dashboard${format ? `?format=${format}` : ""}`;
}

// "Opportunités par statut": the field named as the catalogue labels it.
function by(what, entity, name) {
  return `${what} par ${fieldLabel(entity, name, { unit: false }).toLowerCase()}`;
}

// One horizontal bar chart of {value: count}, the values as the catalogue
// labels them, in the vocabulary's order (the server's).
function chart(id, title, counts, colour) {
  const keys = Object.keys(counts);
  const canvas = element("canvas", {
    role: "img",
    "aria-label": `${title} : ${keys.map((k) => `${valueLabel(k)} ${counts[k]}`).join(", ")}`,
  });
  const box = element("figure", { class: "dashboard-chart", id, dataset: { keys: keys.join("|") } }, canvas);
  $("dashboard-charts").append(box);
  charts.push(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: keys.map(valueLabel),
        datasets: [{ label: title, data: keys.map((k) => counts[k]), backgroundColor: colour }],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        plugins: { title: { display: true, text: title, align: "start" }, legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    }),
  );
}

function clear() {
  for (const c of charts.splice(0)) c.destroy();
  $("dashboard-charts").replaceChildren();
  $("dashboard-figures").replaceChildren();
  $("dashboard-csv").hidden = true;
}

function figures(d) {
  const rows = [["À revérifier", `${number.format(d.to_reverify)} opportunité${d.to_reverify > 1 ? "s" : ""}`]];
  if (d.matches) {
    rows.unshift(
      ["Surface trouvée (accords)", `${number.format(d.surface_found_m2)} m²`],
      [
        "Délai médian de proposé à accord",
        d.median_days_proposed_to_agreement === null
          ? "aucun accord"
          : `${number.format(d.median_days_proposed_to_agreement)} jours`,
      ],
    );
  }
  return rows.flatMap(([label, value]) => [element("dt", { text: label }), element("dd", { text: value })]);
}

async function show() {
  const slug = $("dashboard-territory").value;
  const status = $("dashboard-status");
  if (!slug) {
    status.textContent = "Choisissez un cercle.";
    return;
  }
  status.textContent = "Calcul du tableau de bord…";
  try {
    const d = await api.getJson(path(slug));
    clear();
    $("dashboard-figures").append(...figures(d));
    chart(
      "dashboard-opportunities-status",
      by("Opportunités", "opportunity", "status"),
      d.opportunities.by_status,
      "#2b6cb0",
    );
    chart(
      "dashboard-opportunities-kind",
      by("Opportunités", "opportunity", "kind"),
      d.opportunities.by_kind,
      "#3f8f5a",
    );
    chart("dashboard-needs-status", by("Besoins", "need", "status"), d.needs.by_status, "#b7791f");
    if (d.matches)
      chart("dashboard-matches-stage", "Correspondances par étape du suivi", d.matches.by_stage, "#805ad5");
    $("dashboard-csv").href = path(slug, "csv");
    $("dashboard-csv").hidden = false;
    status.textContent = d.matches ? "" : "Le suivi des correspondances est réservé aux personnes connectées.";
  } catch (e) {
    clear();
    status.textContent = `Tableau de bord indisponible : ${e.message}`;
  }
}

export function wireDashboard() {
  $("dashboard-form").addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  $("dashboard-csv").addEventListener("click", (event) => {
    event.preventDefault();
    const slug = $("dashboard-territory").value;
    download(path(slug, "csv"), `tableau-de-bord-${slug}.csv`, $("dashboard-status"));
  });
}

// After a change of person: the figures the new role reads, if some are shown.
export function refreshDashboard() {
  if (charts.length) show();
}
