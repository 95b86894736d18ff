#!/usr/bin/env node
// Deterministic benchmark data for Terrier: opportunities and needs spread
// over Hauts-de-France, in the CSV layouts of data/opportunites_demo.csv and
// data/besoins_demo.csv (written as UTF-8, coordinates with a decimal point).
//
//   node bench/generate.mjs --opportunities N --needs M --seed S --out DIR
//
// Writes DIR/opportunities-N.csv and DIR/needs-M.csv. Points are drawn from
// real communes (data/communes_hdf.geojson), weighted by population, and
// jittered by at most 1 km around the commune's inner point, so that the
// importer's region check accepts them. The same seed gives the same files.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const kMaxRows = 5_000_000;             // far above the benchmark's needs
const kMaxBytes = 3 * 1024 ** 3;        // a runaway generator stops here
const kChunkRows = 10_000;

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const opts = { opportunities: 1000, needs: 100, seed: 20240601, out: "." };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]}`);
    opts[key] = key === "out" ? argv[i + 1] : Number(argv[i + 1]);
  }
  for (const key of ["opportunities", "needs", "seed"]) {
    const v = opts[key];
    if (!Number.isSafeInteger(v) || v < 0 || (key !== "seed" && v > kMaxRows)) {
      throw new Error(`--${key} must be an integer between 0 and ${kMaxRows}`);
    }
  }
  return opts;
}

// ------------------------------------------------------------- randomness
// mulberry32: small, fast, and the same stream in every node version.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(seed) { this.next = mulberry32(seed); }
  int(lo, hi) { return lo + Math.floor(this.next() * (hi - lo + 1)); }  // inclusive
  pick(list) { return list[Math.floor(this.next() * list.length)]; }
  chance(p) { return this.next() < p; }
  normal() {  // Box-Muller; 1 - u keeps the log away from 0
    const u = 1 - this.next(), v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  logNormal(median, sigma, lo, hi) {
    const x = median * Math.exp(sigma * this.normal());
    return Math.min(hi, Math.max(lo, x));
  }
  weighted(pairs) {  // [[value, weight], ...]
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.next() * total;
    for (const [v, w] of pairs) if ((r -= w) < 0) return v;
    return pairs[pairs.length - 1][0];
  }
  distinct(list, n) {  // n distinct items, in random order
    const copy = list.slice();
    for (let i = 0; i < n; ++i) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }
}

// ------------------------------------------------------------- vocabulary
const KINDS = [["bureau", 16], ["atelier", 14], ["entrepôt", 12], ["commerce", 18],
               ["terrain", 12], ["bâtiment mixte", 10], ["friche", 6], ["logement", 12]];
const KIND_NAMES = KINDS.map(([k]) => k);
const TENURES = ["vente", "location", "BCUS", "bail emphytéotique", "occupation temporaire",
                 "mise à disposition"];
const TENURE_WEIGHTS = [["vente", 25], ["location", 40], ["BCUS", 8], ["bail emphytéotique", 7],
                        ["occupation temporaire", 10], ["mise à disposition", 10]];
const STATUSES = [["disponible", 70], ["en discussion", 15], ["attribuée", 10], ["retirée", 5]];
const VISIBILITIES = [["public", 60], ["réseau", 30], ["confidentiel", 10]];
const OWNERS = [["collectivité", 25], ["bailleur social", 10], ["état", 5], ["privé", 45],
                ["association", 5], ["foncière", 10]];
const TITLES = {
  bureau: ["Plateau de bureaux", "Bureaux en rez-de-chaussée", "Ancienne agence"],
  atelier: ["Atelier artisanal", "Local d'activité", "Ancienne menuiserie"],
  entrepôt: ["Entrepôt avec quai", "Hangar", "Cellule logistique"],
  commerce: ["Cellule commerciale", "Boutique vacante", "Ancien café"],
  terrain: ["Terrain nu", "Parcelle agricole", "Ancien jardin ouvrier"],
  "bâtiment mixte": ["Ancienne école", "Presbytère", "Maison des associations"],
  friche: ["Friche industrielle", "Ancienne filature", "Site industriel désaffecté"],
  logement: ["Maison de ville", "Appartement", "Ancien logement de fonction"],
};
const STREETS = ["rue de la Gare", "rue Pasteur", "rue Jean Jaurès", "place du Marché",
                 "rue Victor Hugo", "avenue de la République", "rue du Moulin", "chemin des Prés",
                 "rue de l'Église", "boulevard Carnot", "rue Faidherbe", "rue de Lille"];
const CIRCLES = [["mel", 20], ["bassin-minier", 15], ["littoral", 12], ["oise", 10],
                 ["somme", 10], ["douaisis-pevele", 8], ["valenciennois-hainaut", 10],
                 ["avesnois-thierache", 8], ["flandre", 7]];
const FIRST_NAMES = ["Camille", "Louis", "Chloé", "Mehdi", "Sophie", "Nicolas", "Inès", "Paul"];
const LAST_NAMES = ["Delcroix", "Dupuis", "Vanneste", "Caron", "Ramez", "Maes", "Tellier"];

// ---------------------------------------------------------------- helpers
const pad = (n, w) => String(n).padStart(w, "0");
function frenchDate(days) {  // days since 1970-01-01
  const d = new Date(days * 86400000);
  return `${pad(d.getUTCDate(), 2)}/${pad(d.getUTCMonth() + 1, 2)}/${d.getUTCFullYear()}`;
}
const DAY_2024 = Date.UTC(2024, 0, 1) / 86400000;
const roundTo = (x, step) => Math.max(step, Math.round(x / step) * step);

// Communes with population-weighted cumulative weights.
function loadCommunes(file) {
  const geo = JSON.parse(fs.readFileSync(file, "utf8"));
  const communes = [];
  let total = 0;
  for (const f of geo.features) {
    const p = f.properties;
    total += Math.max(50, p.population || 0);  // even a hamlet gets some
    communes.push({ insee: p.insee, name: p.nom, postcode: String(p.codes_postaux).split(/[ ,;]/)[0],
                    lon: p.pos_lon, lat: p.pos_lat, cumulative: total });
  }
  return { communes, total };
}

function pickCommune(rng, { communes, total }) {
  const r = rng.next() * total;
  let lo = 0, hi = communes.length - 1;
  while (lo < hi) {  // first cumulative weight above r
    const mid = (lo + hi) >> 1;
    if (communes[mid].cumulative > r) hi = mid; else lo = mid + 1;
  }
  return communes[lo];
}

// A point at most maxMetres from the commune's inner point.
function jitter(rng, c, maxMetres) {
  const r = maxMetres * Math.sqrt(rng.next()), a = 2 * Math.PI * rng.next();
  const dlat = (r * Math.sin(a)) / 111320;
  const dlon = (r * Math.cos(a)) / (111320 * Math.cos((c.lat * Math.PI) / 180));
  return [(c.lon + dlon).toFixed(6), (c.lat + dlat).toFixed(6)];
}

class CappedWriter {
  constructor(file) { this.fd = fs.openSync(file, "w"); this.bytes = 0; }
  write(text) {
    const buf = Buffer.from(text, "utf8");
    this.bytes += buf.length;
    if (this.bytes > kMaxBytes) throw new Error(`output above ${kMaxBytes} bytes: stopped`);
    fs.writeSync(this.fd, buf);
  }
  close() { fs.closeSync(this.fd); }
}

// ----------------------------------------------------------- opportunities
const OPP_HEADER = "Réf.;Intitulé;Type de bien;Adresse;Code postal;Commune;Code INSEE;Latitude;" +
  "Longitude;Surface bâtie (m²);Surface terrain (m²);Mode de mise à disposition;Prix (€);" +
  "Loyer (€/mois);Disponible à partir du;Disponible jusqu'au;Type de propriétaire;Propriétaire;" +
  "Contact propriétaire;Statut;Visibilité;Dernière vérification;Source;Remarques\n";

function opportunityRow(rng, communes, i) {
  const kind = rng.weighted(KINDS);
  const c = pickCommune(rng, communes);
  const [lon, lat] = jitter(rng, c, 1000);
  const landKind = kind === "terrain" || kind === "friche";
  const built = landKind ? (kind === "friche" && rng.chance(0.5) ? rng.logNormal(1500, 0.9, 50, 5000) : null)
                         : rng.logNormal(250, 0.9, 50, 5000);
  const land = landKind ? rng.logNormal(3000, 1.0, 100, 50000)
                        : rng.chance(0.25) ? rng.logNormal(600, 0.8, 50, 20000) : null;
  const tenures = rng.distinct(TENURES, rng.weighted([[1, 70], [2, 25], [3, 5]]))
    .sort((a, b) => TENURES.indexOf(a) - TENURES.indexOf(b));
  const surface = built ?? land;
  const selling = tenures.includes("vente");
  const renting = tenures.some((t) => t !== "vente");
  const perM2 = landKind && !built ? 25 : 900;
  const price = selling && rng.chance(0.9) ? roundTo(surface * perM2 * rng.logNormal(1, 0.4, 0.2, 5), 1000) : null;
  const rent = renting && rng.chance(0.8) ? roundTo((surface * perM2 / 120) * rng.logNormal(1, 0.4, 0.2, 5), 10) : null;
  const from = DAY_2024 + rng.int(0, 4 * 365);
  const until = rng.chance(0.15) ? from + rng.int(90, 3 * 365) : null;
  const owner = rng.weighted(OWNERS);
  const verified = rng.chance(0.7) ? frenchDate(DAY_2024 + rng.int(0, 600)) : "";
  return [
    `BENCH-${pad(i + 1, 7)}`, `${rng.pick(TITLES[kind])} ${c.name}`, kind,
    `${rng.int(1, 250)} ${rng.pick(STREETS)}`, c.postcode, c.name, c.insee, lat, lon,
    built ? Math.round(built) : "", land ? Math.round(land) : "", tenures.join(" / "),
    price ?? "", rent ?? "", frenchDate(from), until ? frenchDate(until) : "", owner,
    owner === "privé" ? `SCI ${rng.pick(LAST_NAMES)} Patrimoine` : `${owner} ${c.name}`,
    `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)} – 03 ${pad(rng.int(0, 99999999), 8)}`,
    rng.weighted(STATUSES), rng.weighted(VISIBILITIES), verified, "bench", "",
  ].join(";") + "\n";
}

// ------------------------------------------------------------------ needs
const NEED_HEADER = "Réf.;Collectif;Lieu actuel;Contact;Surface min (m²);Surface idéale (m²);" +
  "Surface max (m²);Tolérance (%);Types recherchés;Modes acceptés;Loyer max (€/mois);" +
  "Prix max (€);Territoire;Commune;Latitude;Longitude;Rayon (km);Besoin à partir du;" +
  "Description;Statut\n";

function needRow(rng, communes, i) {
  const ideal = roundTo(rng.logNormal(300, 0.8, 40, 4000), 10);
  const min = roundTo(ideal * 0.6, 10), max = roundTo(ideal * 1.6, 10);
  const kinds = rng.distinct(KIND_NAMES, rng.weighted([[1, 35], [2, 45], [3, 20]]));
  const tenures = rng.distinct(TENURES, rng.weighted([[1, 30], [2, 50], [3, 20]]));
  const rentMax = roundTo(ideal * rng.logNormal(9, 0.4, 2, 40), 50);
  const priceMax = tenures.includes("vente") ? roundTo(ideal * rng.logNormal(900, 0.4, 100, 5000), 1000) : "";
  let territory = "", lat = "", lon = "", radius = "";
  if (rng.chance(0.2)) {
    territory = rng.weighted(CIRCLES);
  } else {
    [lon, lat] = jitter(rng, pickCommune(rng, communes), 1000);
    radius = rng.pick([3, 5, 7.5, 8, 10, 12, 15, 20]);
  }
  const status = rng.weighted([["active", 95], ["satisfaite", 3], ["close", 2]]);
  return [
    `BENCH-N-${pad(i + 1, 6)}`, `Collectif bench ${i + 1}`, "",
    `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)} – 06 ${pad(rng.int(0, 99999999), 8)}`,
    min, ideal, max, rng.pick([10, 15, 20]), kinds.join(", "), tenures.join(" > "), rentMax,
    priceMax, territory, "", lat, lon, radius, frenchDate(DAY_2024 + rng.int(300, 1100)),
    "Collectif cherchant un lieu (données de test)", status,
  ].join(";") + "\n";
}

// ------------------------------------------------------------------- main
function writeRows(file, header, count, makeRow) {
  const out = new CappedWriter(file);
  out.write(header);
  for (let start = 0; start < count; start += kChunkRows) {
    const end = Math.min(count, start + kChunkRows);
    let chunk = "";
    for (let i = start; i < end; ++i) chunk += makeRow(i);
    out.write(chunk);
  }
  out.close();
  return out.bytes;
}

const opts = parseArgs(process.argv.slice(2));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const communes = loadCommunes(path.join(root, "data/communes_hdf.geojson"));
fs.mkdirSync(opts.out, { recursive: true });
// Separate streams, so that the needs do not change with the opportunity count.
const oppRng = new Random(opts.seed), needRng = new Random(opts.seed ^ 0x5eed);
const oppFile = path.join(opts.out, `opportunities-${opts.opportunities}.csv`);
const needFile = path.join(opts.out, `needs-${opts.needs}.csv`);
const oppBytes = writeRows(oppFile, OPP_HEADER, opts.opportunities, (i) => opportunityRow(oppRng, communes, i));
const needBytes = writeRows(needFile, NEED_HEADER, opts.needs, (i) => needRow(needRng, communes, i));
console.log(`${oppFile} (${(oppBytes / 1e6).toFixed(1)} MB), ${needFile} (${(needBytes / 1e6).toFixed(1)} MB)`);
