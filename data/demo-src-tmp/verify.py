#!/usr/bin/env python3
"""Independent checks of the two demo files (acts like a strict importer)."""
import collections
import csv
import datetime as dt
import io
import json
import math
import re
import sys
import unicodedata

OUT1 = '/work/main/data/opportunites_demo.csv'
OUT2 = '/work/main/data/besoins_demo.csv'
REF = '/work/shared/data'

communes = {r['insee']: r for r in csv.DictReader(open(REF + '/communes_epci_hdf.csv', encoding='utf-8'))}
GEOM = {}
for f in json.load(open(REF + '/communes_hdf.geojson', encoding='utf-8'))['features']:
    g = f['geometry']
    GEOM[f['properties']['insee']] = [g['coordinates']] if g['type'] == 'Polygon' else g['coordinates']


def in_ring(x, y, ring):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_commune(insee, lon, lat):
    return any(in_ring(lon, lat, p[0]) and not any(in_ring(lon, lat, h) for h in p[1:]) for p in GEOM[insee])


def hav(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    x = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(x))


def norm(s):
    s = unicodedata.normalize('NFD', s.strip().lower().replace('œ', 'oe'))
    s = ''.join(ch for ch in s if unicodedata.category(ch) != 'Mn')
    return re.sub(r"[\s\-']+", ' ', s)


name_cp = collections.defaultdict(list)
for c in communes.values():
    for cp in c['codes_postaux'].split(';'):
        name_cp[(norm(c['nom']), cp)].append(c['insee'])

problems = []

# ---------------------------------------------------------------- file 1
raw = open(OUT1, 'rb').read()
try:
    raw.decode('utf-8')
    problems.append('file 1 decodes as UTF-8 (should not)')
except UnicodeDecodeError as e:
    print('file 1: not valid UTF-8 (ok):', str(e)[:80])
text = raw.decode('cp1252')
assert not raw.startswith(b'\xef\xbb\xbf')
print('file 1: contains NBSP bytes:', raw.count(b'\xa0'), ' bytes é:', raw.count(b'\xe9'))
# every physical line ends with CRLF except LF inside quoted fields
lines_crlf = raw.count(b'\r\n')
lf_total = raw.count(b'\n')
print(f'file 1: CRLF={lines_crlf} LF total={lf_total} (extra bare LF = embedded newlines: {lf_total - lines_crlf})')
assert b'\r' not in raw.replace(b'\r\n', b'')
rows = list(csv.reader(io.StringIO(text, newline=''), delimiter=';'))
header, data = rows[0], rows[1:]
assert header == ['Réf.', 'Intitulé', 'Type de bien', 'Adresse', 'Code postal', 'Commune', 'Code INSEE',
                  'Latitude', 'Longitude', 'Surface bâtie (m²)', 'Surface terrain (m²)',
                  'Mode de mise à disposition', 'Prix (€)', 'Loyer (€/mois)', 'Disponible à partir du',
                  "Disponible jusqu'au", 'Type de propriétaire', 'Propriétaire', 'Contact propriétaire', 'Statut',
                  'Visibilité', 'Dernière vérification', 'Source', 'Remarques'], header
bad_len = [i for i, r in enumerate(rows) if len(r) != 24]
print('file 1: physical records', len(rows), ' records with != 24 fields:', bad_len)
blank = [i for i, r in enumerate(data) if all(x == '' for x in r)]
data = [r for r in data if any(x != '' for x in r)]
print('file 1: blank ;;; lines at data index', blank, ' real data rows:', len(data))
refs = [r[0] for r in data]
assert len(set(refs)) == len(refs)

KINDS = {'bureau', 'atelier', 'entrepot', 'commerce', 'terrain', 'batiment mixte', 'friche', 'logement'}
MODES = {'vente', 'location', 'bcus', 'bail emphyteotique', 'occupation temporaire', 'mise a disposition',
         "bail commercial d utilite sociale"}
OTYPES = {'collectivite', 'bailleur social', 'etat', 'prive', 'association', 'fonciere'}
STATUTS = {'disponible', 'en discussion', 'attribuee', 'retiree'}
VIS = {'public', 'reseau', 'confidentiel'}
BBOX = (1.38, 48.83, 4.26, 51.09)


def num(s):
    s = s.replace('\u00a0', '').replace(' ', '').replace(',', '.')
    return float(s)


def date(s):
    return dt.datetime.strptime(s.strip(), '%d/%m/%Y').date()


parsed = {}
rejected = {}
swapped = []
stats = collections.Counter()
for r in data:
    d = dict(zip(header, r))
    ref = d['Réf.']
    errs = []
    kind = norm(d['Type de bien'])
    if kind not in KINDS:
        errs.append(f'type inconnu {d["Type de bien"]!r}')
    for col in ('Surface bâtie (m²)', 'Surface terrain (m²)', 'Prix (€)', 'Loyer (€/mois)'):
        if d[col].strip():
            try:
                v = num(d[col])
                if v <= 0 and col.startswith('Surface'):
                    errs.append(f'{col} <= 0 ({d[col]!r})')
            except ValueError:
                errs.append(f'{col} non numérique {d[col]!r}')
    modes = [norm(m) for m in re.split(r' / | ou ', d['Mode de mise à disposition'])]
    if not all(m in MODES for m in modes):
        errs.append(f'mode {d["Mode de mise à disposition"]!r}')
    for col in ('Disponible à partir du', "Disponible jusqu'au", 'Dernière vérification'):
        if d[col].strip():
            try:
                date(d[col])
            except ValueError:
                errs.append(f'{col} non date {d[col]!r}')
    if norm(d['Type de propriétaire']) not in OTYPES:
        errs.append('type proprio')
    if norm(d['Statut']) not in STATUTS:
        errs.append(f'statut {d["Statut"]!r}')
    if norm(d['Visibilité']) not in VIS:
        errs.append('visibilite')
    # location
    insee = d['Code INSEE'].strip()
    cp = d['Code postal'].strip()
    com = d['Commune'].strip()
    found = None
    if insee:
        if insee not in communes:
            errs.append('insee inconnu')
        else:
            found = insee
            if norm(communes[insee]['nom']) != norm(com):
                errs.append(f'nom {com!r} != {communes[insee]["nom"]!r}')
            if cp and cp not in communes[insee]['codes_postaux'].split(';'):
                errs.append('cp incohérent')
    elif cp and com:
        cands = name_cp.get((norm(com), cp), [])
        if len(cands) == 1:
            found = cands[0]
            stats['insee_from_cp_name'] += 1
        else:
            errs.append(f'commune introuvable {com!r} {cp}')
    lat, lon = d['Latitude'].strip(), d['Longitude'].strip()
    if bool(lat) != bool(lon):
        errs.append('une seule coordonnée')
    if lat:
        la, lo = num(lat), num(lon)
        if not (BBOX[1] <= la <= BBOX[3] and BBOX[0] <= lo <= BBOX[2]):
            if BBOX[1] <= lo <= BBOX[3] and BBOX[0] <= la <= BBOX[2]:
                swapped.append(ref)
                la, lo = lo, la
            else:
                errs.append(f'coordonnées hors région {lat} {lon}')
        if not errs and found and not in_commune(found, lo, la):
            dist = hav(la, lo, float(communes[found]['pos_lat']), float(communes[found]['pos_lon']))
            errs.append(f'point hors commune ({dist:.2f} km du point commune)')
        if found:
            dist = hav(la, lo, float(communes[found]['pos_lat']), float(communes[found]['pos_lon']))
            if dist > 0.45 and not errs:
                errs.append(f'jitter trop grand {dist:.2f} km')
        stats['coords'] += 1
        stats['coords_dot' if '.' in lat else 'coords_comma'] += 1
    if not found and not lat:
        errs.append('aucune localisation')
    if not insee:
        stats['insee_empty'] += 1
    if errs:
        rejected[ref] = errs
    else:
        parsed[ref] = dict(d, _insee=found, _lat=la if lat else None, _lon=lo if lat else None, _kind=kind,
                           _modes=modes)
        stats['kind:' + kind] += 1
        stats['dep:' + communes[found]['dep']] += 1
        stats['statut:' + norm(d['Statut'])] += 1
        stats['vis:' + norm(d['Visibilité'])] += 1
        if not d['Prix (€)'] and not d['Loyer (€/mois)']:
            stats['no_price_no_rent'] += 1

print('\nREJECTED:')
for k, v in sorted(rejected.items()):
    print(' ', k, v)
print('SWAPPED (detected):', swapped)
print('accepted', len(parsed), dict(sorted(stats.items())))
remq = [r[23] for r in data]
print('remarques with ;', sum(';' in x for x in remq), ' with newline', sum('\n' in x for x in remq),
      ' with "', sum('"' in x for x in remq), ' empty', sum(x == '' for x in remq))
print('trailing-space cells:', sum(1 for r in data for x in r if x != x.rstrip()))
print('nbsp-thousands cells:', sum(1 for r in data for x in r if '\u00a0' in x))

# duplicates: same kind, within 30 m
print('\nNEAR DUPLICATES (<30 m, same kind):')
pl = [(k, v) for k, v in parsed.items() if v['_lat'] is not None]
for i in range(len(pl)):
    for j in range(i + 1, len(pl)):
        a, b = pl[i][1], pl[j][1]
        if a['_kind'] == b['_kind']:
            dkm = hav(a['_lat'], a['_lon'], b['_lat'], b['_lon'])
            if dkm < 0.03:
                print(f'  {pl[i][0]} / {pl[j][0]}  {dkm * 1000:.0f} m  {a["Intitulé"]!r} / {b["Intitulé"]!r}')

# ---------------------------------------------------------------- file 2
raw2 = open(OUT2, 'rb').read()
assert raw2.startswith(b'\xef\xbb\xbf'), 'no BOM'
assert b'\r' not in raw2
t2 = raw2[3:].decode('utf-8')
rows2 = list(csv.reader(io.StringIO(t2, newline=''), delimiter=';'))
h2, d2 = rows2[0], rows2[1:]
print('\nfile 2: rows', len(d2), ' field counts', collections.Counter(len(r) for r in rows2))
seeds = {r['place_id']: r for r in csv.DictReader(open(REF + '/places_seed.csv', encoding='utf-8'))}
SLUGS = {'littoral', 'mel', 'valenciennois-hainaut', 'avesnois-thierache', 'douaisis-pevele', 'bassin-minier',
         'oise', 'somme'}
forms = collections.Counter()
needs = {}
by_name = collections.defaultdict(list)
for c in communes.values():
    by_name[norm(c['nom'])].append(c)
for r in d2:
    n = dict(zip(h2, r))
    smin, sid, smax = (num(n[k]) for k in ('Surface min (m²)', 'Surface idéale (m²)', 'Surface max (m²)'))
    assert smin < sid < smax, r
    if n['Lieu actuel']:
        assert seeds[n['Lieu actuel']]['lat'], n['Lieu actuel']
    date(n['Besoin à partir du'])
    assert n['Statut'] in ('active', 'satisfaite', 'close')
    if n['Territoire']:
        assert n['Territoire'] in SLUGS and not n['Commune'] and not n['Latitude'] and not n['Rayon (km)']
        forms['a'] += 1
        area = ('terr', n['Territoire'])
    else:
        cs = by_name[norm(n['Commune'])]
        assert len(cs) == 1, n['Commune']
        c = cs[0]
        rayon = num(n['Rayon (km)'])
        if n['Latitude']:
            forms['b'] += 1
            assert abs(num(n['Latitude']) - float(c['pos_lat'])) < 1e-6
            area = ('pt', num(n['Latitude']), num(n['Longitude']), rayon)
        else:
            forms['c'] += 1
            area = ('pt', float(c['pos_lat']), float(c['pos_lon']), rayon)
    for t in n['Types recherchés'].split(','):
        assert norm(t) in KINDS, t
    for m in n['Modes acceptés'].split(' > '):
        assert norm(m) in MODES, m
    needs[n['Réf.']] = dict(n, _area=area, _s=(smin, sid, smax),
                            _tol=float(n['Tolérance (%)']) if n['Tolérance (%)'] else 0.0)
print('file 2: forms', dict(forms), ' statuts', collections.Counter(n['Statut'] for n in needs.values()),
      ' lieu actuel', sum(1 for n in needs.values() if n['Lieu actuel']))

# ---------------------------------------------------------------- matching
print('\nMATCHES (all accepted opportunities, status disponible, visibility not confidential):')
nmatch = collections.Counter()
for nref, n in needs.items():
    if n['Statut'] != 'active':
        continue
    types = {norm(t) for t in n['Types recherchés'].split(',')}
    modes = {norm(m) for m in n['Modes acceptés'].split(' > ')}
    lmax = num(n['Loyer max (€/mois)']) if n['Loyer max (€/mois)'] else None
    pmax = num(n['Prix max (€)']) if n['Prix max (€)'] else None
    tol = n['_tol'] / 100.0
    for oref, o in parsed.items():
        if norm(o['Statut']) != 'disponible' or norm(o['Visibilité']) == 'confidentiel':
            continue
        if o['_kind'] not in types:
            continue
        om = set(o['_modes'])
        if 'bail commercial d utilite sociale' in om:
            om.add('bcus')
        common = om & modes
        if not common:
            continue
        surf = o['Surface bâtie (m²)'] or o['Surface terrain (m²)']
        if o['_kind'] in ('terrain', 'friche') and o['Surface terrain (m²)']:
            surf = o['Surface terrain (m²)']
        if not surf:
            continue
        s = num(surf)
        if not (n['_s'][0] * (1 - tol) <= s <= n['_s'][2] * (1 + tol)):
            continue
        a = n['_area']
        if a[0] == 'terr':
            if communes[o['_insee']]['circle_proposal'] != a[1]:
                continue
            where = a[1]
        else:
            la = o['_lat'] if o['_lat'] is not None else float(communes[o['_insee']]['pos_lat'])
            lo = o['_lon'] if o['_lon'] is not None else float(communes[o['_insee']]['pos_lon'])
            dkm = hav(a[1], a[2], la, lo)
            if dkm > a[3]:
                continue
            where = f'{dkm:.1f} km'
        # budget
        ok_budget = False
        if {'vente'} & common and o['Prix (€)'] and (pmax is None or num(o['Prix (€)']) <= pmax):
            ok_budget = True
        rent_modes = {'location', 'bcus', 'occupation temporaire', 'mise a disposition', 'bail emphyteotique'}
        if rent_modes & common:
            if not o['Loyer (€/mois)'] or (lmax is not None and num(o['Loyer (€/mois)']) <= lmax):
                ok_budget = True
        if not ok_budget:
            continue
        nmatch[nref] += 1
        print(f'  {nref} {n["Collectif"][:40]:40s} <-> {oref} {o["Intitulé"][:45]:45s} {o["_kind"]:14s} '
              f'{surf:>8s} m² {o["Mode de mise à disposition"]!r} loyer={o["Loyer (€/mois)"]!r} '
              f'prix={o["Prix (€)"]!r} {o["Commune"]} {where}')
print('needs with >=1 match:', len(nmatch), '/', sum(1 for n in needs.values() if n['Statut'] == 'active'))
print('PROBLEMS:', problems)
