#!/usr/bin/env python3
"""Generator for the Terrier demo files (deterministic, fixed seed).

Writes:
  /work/main/data/opportunites_demo.csv  (cp1252, ';', CRLF)
  /work/main/data/besoins_demo.csv       (UTF-8 BOM, ';', LF)
"""
import csv
import datetime as dt
import io
import json
import math
import random
import unicodedata

SEED = 20250321
rng = random.Random(SEED)

REF = '/work/shared/data'
OUT1 = '/work/main/data/opportunites_demo.csv'
OUT2 = '/work/main/data/besoins_demo.csv'
NBSP = '\u00a0'
N_ROWS = 320

# --------------------------------------------------------------------------
# reference data
# --------------------------------------------------------------------------
communes = list(csv.DictReader(open(REF + '/communes_epci_hdf.csv', encoding='utf-8')))
for c in communes:
    c['population'] = int(c['population'])
    c['lon'] = float(c['pos_lon'])
    c['lat'] = float(c['pos_lat'])
    c['cps'] = c['codes_postaux'].split(';')
by_insee = {c['insee']: c for c in communes}
by_name = {}
for c in communes:
    by_name.setdefault((c['nom'], c['dep']), c)

GEOM = {}
for f in json.load(open(REF + '/communes_hdf.geojson', encoding='utf-8'))['features']:
    g = f['geometry']
    polys = [g['coordinates']] if g['type'] == 'Polygon' else g['coordinates']
    GEOM[f['properties']['insee']] = polys

seeds = list(csv.DictReader(open(REF + '/places_seed.csv', encoding='utf-8')))
seed_ids_located = {s['place_id'] for s in seeds if s['lat'] and s['lon']}


def in_ring(x, y, ring):
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_commune(insee, lon, lat):
    for poly in GEOM[insee]:
        if in_ring(lon, lat, poly[0]) and not any(in_ring(lon, lat, h) for h in poly[1:]):
            return True
    return False


def haversine(lat1, lon1, lat2, lon2):
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def jitter_point(c, maxd=0.0027):
    """commune point + jitter (<= ~300 m), kept inside the commune polygon."""
    for attempt in range(40):
        d = maxd if attempt < 20 else maxd / 3
        lat = c['lat'] + rng.uniform(-d, d)
        lon = c['lon'] + rng.uniform(-d, d)
        if in_commune(c['insee'], lon, lat):
            return lat, lon
    return c['lat'], c['lon']


def C(name, dep):
    return by_name[(name, dep)]


def strip_accents(s):
    return ''.join(ch for ch in unicodedata.normalize('NFD', s)
                   if unicodedata.category(ch) != 'Mn').replace('œ', 'oe').replace('Œ', 'OE')


def wchoice(d):
    keys = list(d)
    return rng.choices(keys, weights=[d[k] for k in keys])[0]


# --------------------------------------------------------------------------
# number / date formatting (French spreadsheet style)
# --------------------------------------------------------------------------
def group(n, sep):
    s = f'{n:,}'
    return s.replace(',', sep)


def fmt_num(x, sep=' ', decimals=None):
    """x: number; decimals None -> integer if integral, else the given count."""
    neg = x < 0
    x = abs(x)
    if decimals is None:
        if abs(x - round(x)) < 1e-9:
            s = group(int(round(x)), sep)
        else:
            decimals = 1 if abs(x * 10 - round(x * 10)) < 1e-9 else 2
    if decimals is not None:
        ip = int(x)
        fp = round((x - ip) * 10 ** decimals)
        if fp == 10 ** decimals:
            ip, fp = ip + 1, 0
        s = group(ip, sep) + ',' + str(fp).zfill(decimals)
    return ('-' if neg else '') + s


def fmt_coord(v, ndec, dot=False):
    s = f'{v:.{ndec}f}'
    return s if dot else s.replace('.', ',')


def fmt_date(d):
    return d.strftime('%d/%m/%Y') if d else ''


def rand_date(a, b):
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def add_months(d, m):
    y, mo = divmod(d.month - 1 + m, 12)
    y += d.year
    mo += 1
    day = min(d.day, [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1])
    return dt.date(y, mo, day)


def round_price(p):
    if p < 100000:
        return int(round(p / 1000.0)) * 1000
    if p < 1000000:
        return int(round(p / 5000.0)) * 5000
    return int(round(p / 10000.0)) * 10000


def round_rent(r):
    if r < 300:
        return int(round(r / 10.0)) * 10
    return int(round(r / 50.0)) * 50


# --------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------
NOMS = ['Delattre', 'Vanneste', 'Lefebvre', 'Leroy', 'Dubois', 'Vandamme', 'Decroix', 'Deprez',
        'Lemaire', 'Carpentier', 'Deschamps', 'Hennebelle', 'Vermeersch', 'Devos', 'Lecomte',
        'Delannoy', 'Duhamel', 'Caron', 'Bonnel', 'Wallet', 'Ramez', 'Taffin', 'Flament',
        'Desmet', 'Dewaele', 'Dhalluin', 'Verhaeghe', 'Pollet', 'Lesage', 'Dupuis', 'Lagache',
        'Dufour', 'Bocquet', 'Coquelle', 'Lheureux', 'Vasseur', 'Delcroix', 'Wattebled',
        'Courtin', 'Dumortier', 'Hochart', 'Maes', 'Lenglet', 'Mortreux', 'Descamps', 'Legrand',
        'Poulain', 'Tellier', 'Boulanger', 'Obert', 'Cuvelier', 'Dassonville', 'Fontaine']
PRENOMS = ['Claire', 'Julien', 'Sophie', 'Thomas', 'Nathalie', 'Olivier', 'Camille', 'Mathieu',
           'Isabelle', 'Nicolas', 'Aurélie', 'Sébastien', 'Émilie', 'François', 'Hélène', 'Jérôme',
           'Céline', 'Benoît', 'Anne', 'Pierre', 'Lucie', 'Antoine', 'Marion', 'Rémi', 'Élodie',
           'Grégory', 'Manon', 'Yannick', 'Sandrine', 'Karim', 'Fatima', 'Mehdi', 'Chloé', 'Hugo',
           'Léa', 'Damien', 'Stéphanie', 'Loïc', 'Agnès', 'Bruno']
RUES = ['rue Gambetta', 'rue Jean Jaurès', 'avenue de la République', 'rue du Général de Gaulle',
        'rue Victor Hugo', 'rue Pasteur', 'rue Émile Zola', 'rue de la Gare', 'rue Nationale',
        'rue Faidherbe', 'rue Roger Salengro', 'rue Jules Guesde', 'rue Pierre Brossolette',
        'rue du Moulin', "rue de l'Église", 'rue des Écoles', 'boulevard Carnot', 'rue de Lille',
        'rue de Paris', "rue d'Arras", 'rue Carnot', 'rue Voltaire', 'rue Anatole France',
        'rue Léon Blum', 'rue Paul Bert', 'rue Henri Barbusse', 'rue Édouard Vaillant',
        'rue Condorcet', 'rue du 8 Mai 1945', 'rue de la Liberté', 'rue des Tilleuls',
        "rue du Château d'Eau", 'rue du Marché', 'rue de la Paix', 'rue du Calvaire',
        'rue Jean Moulin', 'avenue du Maréchal Foch', 'rue Saint-Martin', 'rue de Verdun',
        'rue des Jardins', 'rue Danton', 'rue Kléber', 'rue de la Fontaine', 'rue Thiers',
        'boulevard de la Liberté', 'rue du Docteur Schweitzer', 'rue Gustave Delory',
        'rue Ferrer', 'rue Marcel Sembat', 'rue de la Briqueterie']
MINING_RUES = ['rue Émile Basly', 'rue Arthur Lamendin', 'cité des Provinces', 'rue de la Fosse 9',
               'cité Jeanne d\'Arc', 'rue des Mineurs', 'rue du Puits 6']
ZAS = ['ZA du Moulin', 'ZA de la Croisette', 'ZI Nord', 'ZA du Bois Joly', 'ZI de la Vallée',
       'ZA du Chemin Vert', 'ZA des Hauts Champs', "parc d'activités des Portes du Nord", 'ZA du Marais',
       'ZA de la Plaine', 'ZI Est', 'ZA des Prés Loribes', 'ZA du Mont Joie']
ZAS_MEL = ['zone de la Pilaterie', 'ZI de la Martinoire', 'ZA du Pont Rouge']
ZAS_LITT = ['ZI des Dunes', 'ZI du Port', 'ZA du Fort Vert']


def za_for(c):
    extra = ZAS_MEL if c['circle_proposal'] == 'mel' else ZAS_LITT if c['circle_proposal'] == 'littoral' else []
    if extra and rng.random() < 0.5:
        return rng.choice(extra)
    return rng.choice(ZAS)
LIEUX = ['Les Prés', 'Le Marais', 'La Motte', 'Les Hauts Champs', 'Le Bois Hulin', 'La Cense',
         'Le Petit Bois', 'Les Longs Champs', 'La Briqueterie', 'Le Mont', 'Les Saules',
         'La Garenne', 'Le Riez', 'Les Rietz', 'La Longue Borne', 'Le Fond des Vaux']
ECOLES = ['Jules Ferry', 'Paul Bert', 'Jean Macé', 'Louise Michel', 'Condorcet', 'Pasteur',
          'du Centre', 'des Filles', 'Marie Curie', 'Anatole France', 'Jean Jaurès']
CAFES = ['Relais', 'Balto', 'Cheval Blanc', 'Lion d\'Or', 'Commerce', 'Progrès', 'Globe',
         'Rallye', 'Carillon', 'Sporting', 'Terminus', 'Beffroi']
QUARTIERS = {
    '59350': ['Wazemmes', 'Fives', 'Moulins', 'Lille-Sud', 'Bois-Blancs', 'Vieux-Lille',
              'Saint-Maurice Pellevoisin', 'Hellemmes', 'Lomme'],
    '59512': ["l'Épeule", "l'Alma", 'la Potennerie', 'le Pile', 'Fresnoy'],
    '59599': ['la Bourgogne', 'Brun Pain', 'Blanc Seau', 'le Virolois'],
    '80021': ['Saint-Leu', 'Henriville', 'Saint-Maurice', 'Étouvie', 'Saint-Acheul'],
    '59183': ['Petite-Synthe', 'Rosendaël', 'Malo-les-Bains', 'la Citadelle'],
    '62193': ['Saint-Pierre', 'Beau-Marais', 'Fort-Nieulay'],
    '59606': ['Faubourg de Cambrai', 'Chasse Royale', 'Saint-Waast'],
    '02691': ['Saint-Martin', 'le faubourg d\'Isle', 'Europe'],
    '60057': ['Saint-Jean', 'Argentine', 'Notre-Dame-du-Thil'],
}
MINING_CIRCLES = {'bassin-minier', 'douaisis-pevele', 'valenciennois-hainaut'}


def is_mining(c):
    return c['circle_proposal'] in MINING_CIRCLES


def rue_for(c):
    if is_mining(c) and rng.random() < 0.25:
        return rng.choice(MINING_RUES)
    return rng.choice(RUES)


def qname(c):
    q = QUARTIERS.get(c['insee'])
    return rng.choice(q) if q else c['nom']


def de(name):
    """'de Lens', "d'Arras", 'du Quesnoy', 'des Moëres'."""
    low = strip_accents(name).lower()
    if name.startswith('Le '):
        return 'du ' + name[3:]
    if name.startswith('Les '):
        return 'des ' + name[4:]
    if name.startswith("L'"):
        return "de l'" + name[2:]
    if name.startswith('La '):
        return 'de la ' + name[3:]
    if low[0] in 'aeiouyh':
        return "d'" + name
    return 'de ' + name


# title templates: kind -> list of (weight, builder(c) -> (title, addr_street or None), cond)
def T(fmt, needs_rue=False):
    def b(c):
        rue = rue_for(c) if 'coron' in fmt else rng.choice(RUES)
        nom = rng.choice(NOMS)
        nom2 = rng.choice([n for n in NOMS if n != nom])
        za = za_for(c)
        lieu = rng.choice(LIEUX)
        title = fmt.format(rue=rue, nom=nom, nom2=nom2, de_commune=de(c['nom']), commune=c['nom'],
                           q=qname(c), de_q=de(qname(c)), za=za, lieu=lieu,
                           ecole=rng.choice(ECOLES), cafe=rng.choice(CAFES), n=rng.randint(2, 24))
        ctx = {'rue': rue if '{rue}' in fmt else None, 'za': za if '{za}' in fmt else None,
               'lieu': lieu if '{lieu}' in fmt else None}
        return title, ctx
    return b


URB = lambda c: c['population'] >= 8000
RUR = lambda c: c['population'] < 5000
ANY = lambda c: True
MINE = is_mining
LITT = lambda c: c['circle_proposal'] == 'littoral'
TEXT = lambda c: c['dep'] == '59' and c['population'] >= 3000

TITLES = {
    'commerce': [
        (10, T('Local commercial {rue}'), URB),
        (5, T('Rez-de-chaussée commercial place du marché'), ANY),
        (4, T('Cellule commerciale centre-ville'), URB),
        (3, T('Ancienne boucherie {rue}'), ANY),
        (4, T('Boutique vacante {rue}'), URB),
        (3, T('Ancien café-tabac « Le {cafe} »'), ANY),
        (2, T('Ancienne pharmacie {rue}'), ANY),
        (3, T("Local d'angle {rue}"), URB),
        (2, T('Ancienne mercerie {nom}'), URB),
        (4, T('Ancienne épicerie du village'), RUR),
        (3, T('Ancienne boulangerie {nom}'), ANY),
        (2, T('Dernier commerce du bourg – ancien bar-tabac'), RUR),
    ],
    'bureau': [
        (8, T('Plateau de bureaux {rue}'), URB),
        (6, T('Ancienne poste'), ANY),
        (3, T('Ancienne perception'), ANY),
        (3, T('Ancienne trésorerie'), ANY),
        (3, T('Ancienne agence bancaire {rue}'), ANY),
        (3, T('Étage de bureaux – immeuble {nom}'), URB),
        (2, T('Ancienne mairie annexe {de_q}'), lambda c: c['insee'] in QUARTIERS),
        (3, T('Ancienne mairie'), RUR),
        (2, T("Anciens bureaux de l'entreprise {nom}"), ANY),
    ],
    'atelier': [
        (6, T('Atelier municipal'), ANY),
        (5, T('Ancien garage {nom}'), ANY),
        (4, T('Ancienne menuiserie {nom}'), ANY),
        (3, T("Atelier d'artiste {rue}"), URB),
        (3, T('Ancienne imprimerie {nom}'), URB),
        (2, T('Ancienne forge'), RUR),
        (2, T("Ateliers de l'ancien lycée professionnel"), URB),
        (3, T('Ancienne carrosserie {nom}'), ANY),
        (3, T('Atelier-relais {za}'), ANY),
    ],
    'entrepôt': [
        (8, T('Entrepôt {za}'), ANY),
        (5, T('Hangar {za}'), ANY),
        (3, T('Ancien entrepôt de négoce {nom}'), ANY),
        (3, T('Bâtiment logistique {za}'), URB),
        (2, T('Ancien dépôt de bus'), URB),
        (5, T('Hangar agricole lieu-dit {lieu}'), RUR),
        (2, T('Ancien entrepôt des douanes'), LITT),
        (3, T('Ancien magasin de stockage {nom}'), ANY),
    ],
    'terrain': [
        (8, T('Terrain maraîcher lieu-dit {lieu}'), ANY),
        (5, T('Parcelle agricole « {lieu} »'), RUR),
        (4, T('Terrain communal {rue}'), ANY),
        (3, T('Ancien jardin ouvrier {de_q}'), URB),
        (2, T('Terrain nu ZAC {lieu}'), URB),
        (2, T('Délaissé ferroviaire {de_commune}'), ANY),
        (3, T('Pâture lieu-dit {lieu}'), RUR),
        (2, T('Verger communal'), RUR),
        (2, T('Ancien terrain de football {rue}'), ANY),
    ],
    'bâtiment mixte': [
        (5, T('Ancienne école Jules Ferry'), ANY),
        (6, T('Ancienne école {ecole}'), ANY),
        (4, T('Presbytère {de_q}'), ANY),
        (4, T('Maison de maître {rue}'), ANY),
        (5, T('Corps de ferme {nom}'), RUR),
        (3, T('Corps de ferme lieu-dit {lieu}'), RUR),
        (3, T('Ancienne gare {de_commune}'), ANY),
        (2, T('Ancien couvent des Ursulines'), URB),
        (3, T('Ancienne salle des fêtes'), ANY),
        (2, T('Ancien centre social {de_q}'), URB),
        (3, T('Ancienne gendarmerie'), ANY),
        (2, T('Ancienne colonie de vacances'), LITT),
        (2, T('Ancien estaminet « Le {cafe} »'), ANY),
        (3, T('Ancienne maison syndicale des mineurs'), MINE),
        (2, T('Ancien cinéma « Le {cafe} »'), URB),
        (2, T('Ancienne caserne des pompiers'), ANY),
    ],
    'friche': [
        (4, T('Friche textile {nom}-{nom2}'), TEXT),
        (4, T('Ancienne filature {nom}'), TEXT),
        (3, T('Ancienne sucrerie {de_commune}'), lambda c: c['dep'] in ('02', '60', '80', '62')),
        (3, T('Ancienne brasserie {nom}'), ANY),
        (4, T('Carreau de fosse n°{n}'), MINE),
        (2, T('Ancienne verrerie {nom}'), ANY),
        (3, T('Friche ferroviaire {de_commune}'), ANY),
        (2, T('Ancienne laiterie'), RUR),
        (2, T('Ancienne tuilerie {nom}'), ANY),
        (3, T('Friche industrielle {nom} et Cie'), ANY),
        (2, T('Ancien supermarché {rue}'), URB),
        (2, T('Ancienne distillerie'), RUR),
        (2, T('Ancienne station-service {rue}'), ANY),
    ],
    'logement': [
        (5, T('Maison de ville {rue}'), URB),
        (4, T("Logement de fonction de l'ancienne école"), ANY),
        (3, T('Appartement T3 au-dessus de la poste'), ANY),
        (2, T("Maison d'éclusier"), ANY),
        (2, T('Logement du gardien – stade municipal'), ANY),
        (3, T('Maison mitoyenne {rue}'), ANY),
        (4, T('Maison de coron {rue}'), MINE),
        (2, T('Appartement T4 {rue}'), URB),
        (2, T('Maison de maître {rue}'), ANY),
    ],
}

KIND_DISPLAY = {
    'bureau': {'bureau': 80, 'Bureau': 20},
    'atelier': {'atelier': 80, 'Atelier': 20},
    'entrepôt': {'entrepôt': 65, 'Entrepôt': 20, 'entrepot': 15},
    'commerce': {'commerce': 80, 'Commerce': 20},
    'terrain': {'terrain': 80, 'Terrain': 20},
    'bâtiment mixte': {'bâtiment mixte': 65, 'Bâtiment mixte': 20, 'batiment mixte': 15},
    'friche': {'friche': 85, 'Friche': 15},
    'logement': {'logement': 80, 'Logement': 20},
}

MODE_DISPLAY = {
    'vente': {'Vente': 70, 'vente': 30},
    'location': {'Location': 60, 'location': 40},
    'bcus': {'BCUS': 72, 'bcus': 14, "Bail commercial d'utilité sociale": 14},
    'bail emphytéotique': {'Bail emphytéotique': 70, 'bail emphytéotique': 20, 'Bail emphyteotique': 10},
    'occupation temporaire': {'Occupation temporaire': 65, 'occupation temporaire': 35},
    'mise à disposition': {'Mise à disposition': 60, 'mise à disposition': 30, 'Mise a disposition': 10},
}

OWNER_TYPE_DISPLAY = {
    'collectivité': {'collectivité': 60, 'Collectivité': 30, 'collectivite': 10},
    'bailleur social': {'bailleur social': 60, 'Bailleur social': 40},
    'État': {'État': 50, 'Etat': 40, 'état': 10},
    'privé': {'privé': 60, 'Privé': 30, 'prive': 10},
    'association': {'association': 70, 'Association': 30},
    'foncière': {'foncière': 60, 'Foncière': 30, 'fonciere': 10},
}

STATUT_DISPLAY = {
    'disponible': {'disponible': 60, 'Disponible': 40},
    'en discussion': {'en discussion': 60, 'En discussion': 40},
    'attribuée': {'attribuée': 50, 'Attribuée': 25, 'attribuee': 25},
    'retirée': {'retirée': 60, 'Retirée': 25, 'retiree': 15},
}
VISIB_DISPLAY = {
    'public': {'public': 80, 'Public': 20},
    'réseau': {'réseau': 70, 'Réseau': 15, 'reseau': 15},
    'confidentiel': {'confidentiel': 80, 'Confidentiel': 20},
}

OWNER_BY_KIND = {
    'commerce': {'privé': 45, 'collectivité': 20, 'bailleur social': 20, 'foncière': 10, 'association': 5},
    'bureau': {'privé': 35, 'collectivité': 35, 'État': 10, 'bailleur social': 8, 'foncière': 12},
    'atelier': {'privé': 40, 'collectivité': 35, 'foncière': 15, 'association': 10},
    'entrepôt': {'privé': 55, 'collectivité': 20, 'foncière': 20, 'État': 5},
    'bâtiment mixte': {'collectivité': 50, 'privé': 20, 'association': 12, 'foncière': 10, 'État': 8},
    'friche': {'collectivité': 30, 'foncière': 35, 'privé': 25, 'État': 10},
    'logement': {'bailleur social': 40, 'collectivité': 30, 'privé': 30},
    'terrain': {'collectivité': 40, 'privé': 35, 'foncière': 20, 'association': 5},
}
OWNER_HINTS = [
    ('école', 'collectivité'), ('Presbytère', 'collectivité'), ('salle des fêtes', 'collectivité'),
    ('Atelier municipal', 'collectivité'), ('mairie', 'collectivité'), ('centre social', 'collectivité'),
    ('communal', 'collectivité'), ('pompiers', 'collectivité'), ('stade', 'collectivité'),
    ('jardin ouvrier', 'collectivité'), ('football', 'collectivité'), ('lycée', 'collectivité'),
    ('gendarmerie', 'État'), ('perception', 'État'), ('trésorerie', 'État'), ('douanes', 'État'),
    ('gare', 'État'), ('ferroviaire', 'État'), ("éclusier", 'État'),
    ('Carreau de fosse', 'foncière'), ('coron', 'bailleur social'), ('Corps de ferme', 'privé'),
    ('agricole', 'privé'), ('Pâture', 'privé'),
]

BAILLEURS = ['Habitat Hauts-de-France Nord', 'Logis Flandre-Artois', 'Toit Picard Solidaire',
             'Sambre Avesnois Logement', 'Oise Habitat Partagé', 'Opale Logis Coopératif',
             'Foyers du Bassin Minier', 'Aisne Logement Social', 'Cités Lumière Habitat',
             'Logifamille du Hainaut']
FONCIERES = ['EPF Hauts-de-France', 'EPF Hauts-de-France', 'EPF Hauts-de-France',
             'Foncière Solidaire Nord-Picardie', 'Foncière Communs Fertiles',
             'SCIC Foncière des Tiers-Lieux', 'SEM Territoires du Nord']
DEP_NOM = {'02': "de l'Aisne", '59': 'du Nord', '60': "de l'Oise", '62': 'du Pas-de-Calais', '80': 'de la Somme'}
PHONE_PREFIX = {'59': ['20', '20', '27', '28'], '62': ['21'], '80': ['22'], '02': ['23'], '60': ['44']}

SOURCES_CIRCLE = {'mel': 'Cercle MEL', 'littoral': 'Cercle Littoral', 'bassin-minier': 'Cercle Bassin minier',
                  'valenciennois-hainaut': 'Cercle Valenciennois-Hainaut',
                  'avesnois-thierache': 'Cercle Avesnois-Thiérache', 'douaisis-pevele': 'Cercle Douaisis-Pévèle',
                  'oise': 'Cercle Oise', 'somme': 'Cercle Somme', 'flandre': 'Réseau MEL et Flandre'}
SOURCES_GEN = {'Groupe foncier': 25, 'Veille EPF': 12, 'Signalement adhérent': 20, 'Le Bon Coin pro': 10,
               'Annonce mairie': 8, 'Bouche-à-oreille': 6, 'Bulletin municipal': 4,
               "Appel à manifestation d'intérêt": 4, 'Site de la CCI': 4}


def owner_name(otype, c, kind, title=''):
    nom = rng.choice(NOMS)
    if otype == 'collectivité':
        r = rng.random()
        if r < 0.12:
            return c['epci_nom']
        if r < 0.2 and c['population'] > 3000:
            return 'CCAS ' + de(c['nom'])
        if c['population'] > 10000 and rng.random() < 0.4:
            return 'Ville ' + de(c['nom'])
        return 'Commune ' + de(c['nom'])
    if otype == 'bailleur social':
        return rng.choice(BAILLEURS)
    if otype == 'État':
        t = title.lower()
        if 'gare' in t or 'ferroviaire' in t or 'dépôt' in t:
            return 'État (domaine ferroviaire)'
        if 'éclusier' in t:
            return 'Voies navigables (État)'
        if 'gendarmerie' in t:
            return "État – Ministère de l'Intérieur"
        if 'caserne' in t:
            return 'État – Ministère des Armées'
        return rng.choice(['État – Domaine (DDFiP {})'.format(DEP_NOM[c['dep']]), 'État (Domaines)',
                           "État – Préfecture {}".format(DEP_NOM[c['dep']])])
    if otype == 'privé':
        return rng.choice(['SCI Les Tilleuls', 'SCI du Beffroi', f'SCI {nom} Patrimoine', f'M. et Mme {nom}',
                           f'Indivision {nom}', f'SARL {nom} et Fils', f'M. {nom}', f'Mme {nom}',
                           f'SAS Immo {nom}', 'SCI La Cense', 'SCI Les Peupliers', f'Consorts {nom}'])
    if otype == 'association':
        return rng.choice([f'Association Les Amis {de(c["nom"])}', f'Amicale laïque {de(c["nom"])}',
                           f'Foyer rural {de(c["nom"])}', f'Association culturelle {nom}',
                           'Association Les Jardins du Nord'])
    if otype == 'foncière':
        if kind in ('terrain',):
            return rng.choice(['Foncière Terres Nourricières', 'EPF Hauts-de-France', 'Foncière Communs Fertiles'])
        return rng.choice(FONCIERES)


def email_of(prenom, nom, domain=None):
    p = strip_accents(prenom).lower().replace(' ', '')
    n = strip_accents(nom).lower().replace(' ', '').replace("'", '')
    domain = domain or rng.choice(['example.fr', 'example.fr', 'example.org'])
    style = rng.random()
    if style < 0.5:
        return f'{p[0]}.{n}@{domain}'
    if style < 0.85:
        return f'{p}.{n}@{domain}'
    return f'{n}{p[0]}@{domain}'


def phone(dep, mobile=None):
    if mobile is None:
        mobile = rng.random() < 0.3
    if mobile:
        first = rng.choice(['06', '06', '07'])
    else:
        first = '03 ' + rng.choice(PHONE_PREFIX[dep])
        return first + ' ' + ' '.join(f'{rng.randint(0, 99):02d}' for _ in range(3))
    return first + ' ' + ' '.join(f'{rng.randint(0, 99):02d}' for _ in range(4))


def contact_for(otype, c):
    r = rng.random()
    nom = rng.choice(NOMS)
    prenom = rng.choice(PRENOMS)
    civ = 'Mme' if prenom in FEMALE else 'M.'
    if r < 0.07:
        return ''
    if otype == 'collectivité' and r < 0.35:
        svc = rng.choice(['Service urbanisme', 'Service patrimoine', 'DGS', 'Service développement économique'])
        mail = strip_accents(svc.split()[-1]).lower() + '@' + rng.choice(['example.fr', 'example.org'])
        return f'{svc} – {phone(c["dep"], False)} – {mail}'
    if r < 0.55:
        return f'{civ} {nom} – {phone(c["dep"])} – {email_of(prenom, nom)}'
    if r < 0.7:
        return f'{civ} {nom} – {phone(c["dep"])}'
    if r < 0.82:
        return f'{prenom} {nom} – {email_of(prenom, nom)}'
    if r < 0.92:
        return f'{civ} {nom} ({phone(c["dep"])})'
    return f'{prenom} {nom}, {email_of(prenom, nom)}, {phone(c["dep"])}'


FEMALE = {'Claire', 'Sophie', 'Nathalie', 'Camille', 'Isabelle', 'Aurélie', 'Émilie', 'Hélène', 'Céline',
          'Anne', 'Lucie', 'Marion', 'Élodie', 'Manon', 'Sandrine', 'Fatima', 'Chloé', 'Léa', 'Stéphanie',
          'Agnès'}

REMARQUES_GEN = [
    'Toiture à refaire', 'Amiante à diagnostiquer',
    'Chauffage hors service, prévoir travaux', 'Bâtiment classé ERP 5e catégorie',
    'Propriétaire ouvert à un BCUS', 'Raccordement eau à prévoir',
    'Prix négociable', 'Projet de démolition en 2027, occupation possible en attendant',
    'Surface à confirmer (plan cadastral)', 'Collectif déjà positionné, à suivre',
    'Intérêt de 2 collectifs (cf. réunion du cercle)', 
    'Menuiseries à changer', 'Électricité à remettre aux normes', 'Cour intérieure d\'environ 200 m²',
    'Bon état général', 'Travaux lourds à prévoir', 'Bâtiment inscrit au PLU comme patrimoine à protéger',
    'Propriétaire souhaite un projet à vocation sociale', 'Relancer en septembre',
    'Doublon possible avec une fiche du cercle, à vérifier', 'Vu sur annonce, non visité',
    
    'Ancien site BASIAS, étude de sols à prévoir', 'Accès PMR à créer',
]
REMARQUES_COLL = ['Mairie favorable à un projet de tiers-lieu', 'Loyer symbolique demandé par la commune',
                  'Le maire souhaite rencontrer les porteurs de projet', 'Dossier Fonds vert en cours',
                  'Contact via le DGS de la mairie', 'Délibération du conseil municipal prévue en juin']
REMARQUES_KIND = {
    'commerce': ['Vitrine sur rue, 8 m de linéaire', 'Réserve à l\'arrière + cave',
                 'Emplacement n°1 bis, passage correct le samedi', 'Ancien bail commercial résilié'],
    'entrepôt': ['Quai de déchargement, hauteur sous plafond 6 m', 'Sol béton, porte sectionnelle 4 m',
                 'Pas de chauffage', 'Accès poids lourds'],
    'atelier': ['Triphasé disponible', 'Hauteur sous plafond 4,5 m', 'Pont roulant hors service'],
    'terrain': ['Sol limoneux, bonne exposition', 'Accès tracteur', 'Irrigation possible (forage)',
                'Terrain en zone inondable (PPRI)', 'Zone A du PLUi, pas de construction possible',
                'Eau + électricité en bordure, pas d\'assainissement'],
    'friche': ['Ancien site pollué (BASIAS), étude de sols en cours', 'Bâtiments en partie effondrés',
               'Site clôturé, gardiennage par la commune', 'Recensée dans Cartofriches'],
    'bâtiment mixte': ['Grande salle au RDC + 4 salles à l\'étage', 'Jardin attenant',
                       'Logement de fonction à l\'étage inclus'],
    'bureau': ['Fibre disponible', 'Cloisonnement modulable', 'Ascenseur en panne'],
    'logement': ['Possible colocation solidaire', 'Petit jardin à l\'arrière'],
}
REMARQUES_SEMI = [
    'Accès PMR ; parking 10 places', 'Loyer hors charges ; dépôt de garantie 2 mois',
    'Diagnostic structure demandé ; attente retour EPF', 'Visite à programmer ; clés en mairie',
    'Bon état ; chauffage gaz récent',
]

# --------------------------------------------------------------------------
# surfaces, prices, rents
# --------------------------------------------------------------------------
BUILT_RANGE = {'commerce': (40, 400), 'bureau': (50, 1500), 'atelier': (80, 2000),
               'entrepôt': (300, 8000), 'bâtiment mixte': (200, 3000), 'logement': (40, 250)}


def log_uniform(a, b):
    return math.exp(rng.uniform(math.log(a), math.log(b)))


def nice_surface(x):
    if x < 100:
        return int(round(x))
    if x < 1000:
        return int(round(x / 5.0)) * 5
    return int(round(x / 10.0)) * 10


def zone_factor(c):
    if c['epci_siren'] == '200093201':
        return 1.6
    if c['insee'] in ('80021', '62041', '60159', '60612', '59606', '62160'):
        return 1.1
    if c['population'] > 20000:
        return 0.85
    if c['population'] > 5000:
        return 0.65
    return 0.5


def size_factor(s):
    return (max(s, 60) / 300.0) ** -0.2


PRICE_M2 = {'commerce': 1000, 'bureau': 900, 'atelier': 450, 'entrepôt': 320, 'bâtiment mixte': 550,
            'logement': 1400}
RENT_M2 = {'commerce': 10, 'bureau': 9.5, 'atelier': 4.5, 'entrepôt': 3.2, 'bâtiment mixte': 5.0,
           'logement': 8.5}


def modes_for(otype, kind, owner):
    if otype == 'collectivité':
        opts = {('mise à disposition',): 14, ('bcus',): 12, ('vente',): 14, ('bail emphytéotique',): 8,
                ('occupation temporaire',): 10, ('vente', 'bail emphytéotique'): 6,
                ('mise à disposition', 'occupation temporaire'): 4, ('location',): 10, ('bcus', 'location'): 8}
    elif otype == 'bailleur social':
        opts = {('location',): 50, ('bcus',): 30, ('location', 'bcus'): 20}
    elif otype == 'État':
        opts = {('vente',): 50, ('occupation temporaire',): 30, ('vente', 'occupation temporaire'): 20}
    elif otype == 'privé':
        opts = {('vente',): 40, ('location',): 35, ('vente', 'location'): 15, ('bcus',): 10}
    elif otype == 'association':
        opts = {('location',): 40, ('mise à disposition',): 35, ('vente',): 25}
    else:
        if owner.startswith('EPF'):
            opts = {('occupation temporaire',): 50, ('vente',): 30, ('vente', 'bail emphytéotique'): 20}
        else:
            opts = {('bcus',): 35, ('location',): 25, ('bail emphytéotique',): 20, ('bcus', 'location'): 20}
    if kind == 'terrain':
        opts = {k: v for k, v in opts.items() if 'bcus' not in k} or {('vente',): 1}
        opts[('bail emphytéotique',)] = opts.get(('bail emphytéotique',), 0) + 10
        opts[('location',)] = opts.get(('location',), 0) + 5
    if kind == 'logement':
        opts = {k: v for k, v in opts.items() if 'bcus' not in k and 'bail emphytéotique' not in k} \
            or {('location',): 1}
    if kind == 'friche':
        opts = {k: v for k, v in opts.items() if k not in (('location',),)} or {('occupation temporaire',): 1}
        opts[('occupation temporaire',)] = opts.get(('occupation temporaire',), 0) + 15
    return list(wchoice(opts))


def price_for(kind, c, sb, st, title):
    z = zone_factor(c)
    if kind == 'terrain':
        if any(w in title for w in ('maraîcher', 'agricole', 'Pâture', 'Verger')):
            return round_price(max(st * rng.uniform(0.5, 1.6), 3000))
        return round_price(st * rng.uniform(25, 90) * z)
    if kind == 'friche':
        if rng.random() < 0.15:
            return 1  # cession à l'euro symbolique
        return round_price((st or 5000) * rng.uniform(6, 35) * z)
    p = sb * PRICE_M2[kind] * z * rng.uniform(0.7, 1.3) * size_factor(sb)
    if st and kind in ('bâtiment mixte', 'logement'):
        p += st * rng.uniform(5, 20)
    return round_price(p)


def rent_for(kind, c, sb, st, modes):
    z = zone_factor(c)
    if kind == 'terrain':
        return round_rent(rng.uniform(60, 450) * (1 + (st or 0) / 40000.0))
    if kind == 'friche':
        return round_rent(rng.uniform(100, 800))
    r = (sb or 150) * RENT_M2[kind] * z * rng.uniform(0.75, 1.25) * size_factor(sb or 150)
    if 'location' not in modes and 'bcus' not in modes:
        if 'mise à disposition' in modes:
            return round_rent(rng.uniform(50, 300))  # charges only
        r *= 0.3  # occupation temporaire fee / emphyteotic rent
    elif 'bcus' in modes and 'location' not in modes:
        r *= 0.6
    if rng.random() < 0.12:
        return int(r) + 0.5
    return round_rent(r)


# --------------------------------------------------------------------------
# commune slots
# --------------------------------------------------------------------------
NAMED = [  # (name, dep, count)
    ('Lille', '59', 13), ('Roubaix', '59', 8), ('Tourcoing', '59', 6), ('Amiens', '80', 10),
    ('Dunkerque', '59', 6), ('Calais', '62', 6), ("Villeneuve-d'Ascq", '59', 3), ('Beauvais', '60', 5),
    ('Saint-Quentin', '02', 5), ('Valenciennes', '59', 6), ('Arras', '62', 5), ('Wattrelos', '59', 2),
    ('Compiègne', '60', 4), ('Boulogne-sur-Mer', '62', 5), ('Douai', '59', 5), ('Creil', '60', 4),
    ('Lens', '62', 6), ('Cambrai', '59', 3), ('Liévin', '62', 4), ('Maubeuge', '59', 5),
    ('Soissons', '02', 3), ('Armentières', '59', 2), ('Hénin-Beaumont', '62', 3), ('Béthune', '62', 4),
    ('Laon', '02', 4), ('Abbeville', '80', 3), ('Hazebrouck', '59', 2), ('Bruay-la-Buissière', '62', 2),
    ('Denain', '59', 3), ('Château-Thierry', '02', 2), ('Saint-Omer', '62', 2),
    ('Avesnes-sur-Helpe', '59', 2), ('Hirson', '02', 2), ('Fourmies', '59', 3), ('Chauny', '02', 2),
    ('Péronne', '80', 1), ('Albert', '80', 1), ('Noyon', '60', 1), ('Senlis', '60', 1),
    ('Saint-Pol-sur-Ternoise', '62', 1), ('Guise', '02', 1), ('Vervins', '02', 1),
    ('Le Cateau-Cambrésis', '59', 1), ('Montdidier', '80', 1), ('Clermont', '60', 1),
    ('Carvin', '62', 1), ('Avion', '62', 1), ('Grande-Synthe', '59', 1), ('Berck', '62', 1),
    ('Doullens', '80', 1), ('Tergnier', '02', 1), ('Hautmont', '59', 1), ('Sin-le-Noble', '59', 1),
]
DEP_QUOTA_RANDOM = {'59': 30, '62': 32, '80': 24, '60': 24, '02': 24}


# --------------------------------------------------------------------------
# opportunity rows
# --------------------------------------------------------------------------
COLS1 = ['Réf.', 'Intitulé', 'Type de bien', 'Adresse', 'Code postal', 'Commune', 'Code INSEE', 'Latitude',
         'Longitude', 'Surface bâtie (m²)', 'Surface terrain (m²)', 'Mode de mise à disposition', 'Prix (€)',
         'Loyer (€/mois)', 'Disponible à partir du', "Disponible jusqu'au", 'Type de propriétaire',
         'Propriétaire', 'Contact propriétaire', 'Statut', 'Visibilité', 'Dernière vérification', 'Source',
         'Remarques']


def pick_kind(c):
    pop = c['population']
    if pop >= 20000:
        w = {'commerce': 22, 'bureau': 16, 'atelier': 14, 'entrepôt': 12, 'bâtiment mixte': 14, 'friche': 9,
             'logement': 11, 'terrain': 5}
    elif pop >= 5000:
        w = {'commerce': 18, 'bureau': 10, 'atelier': 14, 'entrepôt': 12, 'bâtiment mixte': 16, 'friche': 11,
             'logement': 11, 'terrain': 11}
    else:
        w = {'commerce': 8, 'bureau': 4, 'atelier': 10, 'entrepôt': 8, 'bâtiment mixte': 24, 'friche': 10,
             'logement': 10, 'terrain': 26}
    return wchoice(w)


def pick_title(kind, c):
    opts = [(w, b) for w, b, cond in TITLES[kind] if cond(c)]
    b = rng.choices([b for w, b in opts], weights=[w for w, b in opts])[0]
    return b(c)


def house_number():
    n = int(log_uniform(2, 200))
    r = rng.random()
    if r < 0.06:
        return f'{n} bis'
    return str(n)


def make_address(kind, c, ctx, title):
    num = house_number()
    sep = rng.choices([' ', ', '], [88, 12])[0]
    if ctx.get('rue'):
        rue = ctx['rue']
        if rng.random() < 0.08:
            rue = rue[0].upper() + rue[1:]
        return f'{num}{sep}{rue}'
    if ctx.get('za'):
        street = rng.choice(["rue de l'Industrie", 'rue des Artisans', 'rue Denis Papin', 'rue Gustave Eiffel',
                             'rue du Commerce', 'rue Ampère', 'allée des Frênes'])
        return rng.choice([f"{ctx['za'][0].upper() + ctx['za'][1:]}, {num} {street}",
                           f"{num} {street}, {ctx['za']}", f"{num} {street}"])
    if ctx.get('lieu'):
        return rng.choice([f"Lieu-dit {ctx['lieu']}", f"Chemin rural dit {ctx['lieu']}",
                           f"Lieu-dit « {ctx['lieu']} »"])
    if 'place du marché' in title:
        return f'{num} place du Marché'
    if 'gare' in title.lower() or 'ferroviaire' in title:
        return rng.choice(['Place de la Gare', 'rue de la Gare', f'{num} avenue de la Gare'])
    if kind == 'terrain':
        return rng.choice([f'Chemin {rng.choice(["des Prés", "du Moulin", "de la Croix", "des Vignes"])}',
                           f'RD {rng.randint(9, 999)}',
                           f'Parcelles Z{rng.choice("ABCDHK")} {rng.randint(10, 240)} et {rng.randint(241, 300)}',
                           f'{num} {rue_for(c)} (arrière)'])
    if kind == 'friche' and rng.random() < 0.3:
        return rng.choice([f'Route {de(rng.choice(NOMS))}', f'{num} rue de l\'Usine', f'{num} quai de la Deûle'
                           if c['circle_proposal'] == 'mel' else f'{num} rue du Canal', 'rue de la Sucrerie'])
    return f'{num}{sep}{rue_for(c)}'


TITLE_SB = [('agence bancaire', 80, 400), ('Ancienne poste', 60, 450), ('perception', 100, 500),
            ('trésorerie', 100, 500), ('mairie', 80, 350), ('café', 50, 200), ('épicerie', 40, 150),
            ('boulangerie', 50, 200), ('boucherie', 40, 180), ('pharmacie', 60, 250), ('mercerie', 40, 120),
            ('bar-tabac', 50, 180), ('forge', 80, 300), ('garage', 120, 1200), ("Atelier d'artiste", 80, 300),
            ('Atelier-relais', 150, 800), ('salle des fêtes', 200, 900), ('estaminet', 150, 500),
            ('Presbytère', 200, 600), ('gendarmerie', 300, 1500), ('caserne', 300, 1500), ('école', 300, 2000),
            ('gare', 150, 900), ('couvent', 800, 3000), ('cinéma', 300, 1200), ('centre social', 250, 1200),
            ('colonie', 600, 2500), ('maison syndicale', 200, 800), ('dépôt de bus', 1500, 6000),
            ('Hangar agricole', 300, 1500), ('lycée', 400, 2000), ('Maison de maître', 200, 600)]


def surfaces(kind, title, c):
    sb = st = None
    if kind in BUILT_RANGE:
        a, b = BUILT_RANGE[kind]
        if c['population'] < 3000 and kind in ('commerce', 'bureau'):
            b = max(a * 2, b * 0.4)
        for kw, ta, tb in TITLE_SB:
            if kw in title and kind != 'logement':
                a, b = ta, tb
                break
        if 'Corps de ferme' in title:
            sb, st = log_uniform(300, 1600), log_uniform(2000, 15000)
        elif kind == 'logement' and 'T3' in title:
            sb = rng.uniform(55, 80)
        elif kind == 'logement' and 'T4' in title:
            sb = rng.uniform(70, 100)
        elif kind == 'logement' and 'coron' in title:
            sb = rng.uniform(60, 95)
        elif kind == 'logement' and 'maître' in title:
            sb = rng.uniform(150, 250)
        elif kind == 'logement':
            sb = log_uniform(50, 140)
        else:
            sb = log_uniform(a, b)
        p_st = {'entrepôt': 0.45, 'bâtiment mixte': 0.4, 'logement': 0.35, 'atelier': 0.25}.get(kind, 0.05)
        if st is None and rng.random() < p_st and 'Appartement' not in title:
            if kind == 'logement':
                st = rng.uniform(80, 800)
            else:
                st = sb * rng.uniform(1.3, 4.5)
    elif kind == 'terrain':
        if any(w in title for w in ('maraîcher', 'agricole', 'Pâture', 'Verger')):
            st = log_uniform(3000, 50000)
        else:
            st = log_uniform(500, 9000)
    elif kind == 'friche':
        st = log_uniform(1000, 80000)
        if rng.random() < 0.22:
            sb = min(st * rng.uniform(0.1, 0.5), 8000)
    if sb is not None:
        sb = nice_surface(sb)
        if rng.random() < 0.06:
            sb = sb + 0.5
    if st is not None:
        st = nice_surface(st)
        if st > 5000 and rng.random() < 0.3:
            st = int(round(st / 100.0)) * 100
    return sb, st


def gen_row(c, kind=None):
    kind = kind or pick_kind(c)
    title, ctx = pick_title(kind, c)
    sp = {'c': c, 'kind': kind, 'title': title, 'ctx': ctx}
    sp['addr'] = make_address(kind, c, ctx, title)
    sp['cp'] = rng.choice(c['cps'])
    sp['lat'], sp['lon'] = jitter_point(c)
    sb, st = surfaces(kind, title, c)
    if kind in BUILT_RANGE and rng.random() < 0.05:
        sb = None
    sp['sb'], sp['st'] = sb, st
    # owner
    otype = wchoice(OWNER_BY_KIND[kind])
    bare = title.replace(ctx['rue'], '') if ctx.get('rue') else title
    for kw, ot in OWNER_HINTS:
        if kw.lower() in bare.lower() and rng.random() < 0.85:
            otype = ot
            break
    owner = owner_name(otype, c, kind, title)
    sp['otype'], sp['owner'] = otype, owner
    sp['contact'] = contact_for(otype, c)
    modes = modes_for(otype, kind, owner)
    sp['modes'] = modes
    prix = loyer = None
    if 'vente' in modes:
        prix = price_for(kind, c, sb or BUILT_RANGE.get(kind, (75, 75))[0] * 2, st, title)
    if 'location' in modes or 'bcus' in modes:
        loyer = rent_for(kind, c, sb, st, modes)
    elif any(m in modes for m in ('occupation temporaire', 'bail emphytéotique')) and rng.random() < 0.8:
        loyer = rent_for(kind, c, sb, st, modes)
    elif 'mise à disposition' in modes and rng.random() < 0.5:
        loyer = rent_for(kind, c, sb, st, modes)
    if rng.random() < 0.07:
        prix = loyer = None
    sp['prix'], sp['loyer'] = prix, loyer
    dfrom = rand_date(dt.date(2024, 1, 1), dt.date(2027, 12, 31)) if rng.random() < 0.8 else None
    dto = None
    if 'occupation temporaire' in modes:
        if dfrom is None:
            dfrom = rand_date(dt.date(2024, 1, 1), dt.date(2027, 6, 30))
        dto = add_months(dfrom, rng.choice([6, 9, 12, 12, 18, 24, 24, 36])) - dt.timedelta(days=1)
    sp['dfrom'], sp['dto'] = dfrom, dto
    sp['statut'] = wchoice({'disponible': 70, 'en discussion': 17, 'attribuée': 8, 'retirée': 5})
    sp['visib'] = wchoice({'public': 50, 'réseau': 40, 'confidentiel': 10})
    sp['verif'] = rand_date(dt.date(2024, 1, 15), dt.date(2026, 3, 31)) if rng.random() < 0.85 else None
    circ = c['circle_proposal']
    if circ and rng.random() < 0.45:
        sp['source'] = SOURCES_CIRCLE[circ]
    else:
        sp['source'] = wchoice(SOURCES_GEN)
    r = rng.random()
    rem = ''
    if r < 0.12:
        d = rand_date(dt.date(2024, 2, 1), dt.date(2025, 12, 15))
        rem = f'Visite faite le {fmt_date(d)} avec le cercle'
    elif r < 0.30:
        rem = rng.choice(REMARQUES_KIND[kind])
    elif r < 0.52:
        if otype == 'collectivité' and rng.random() < 0.5:
            rem = rng.choice(REMARQUES_COLL)
        elif ('café' in title or 'estaminet' in title) and rng.random() < 0.5:
            rem = 'Licence IV disponible'
        else:
            rem = rng.choice(REMARQUES_GEN)
    if prix is None and loyer is None and rng.random() < 0.4 and not rem:
        if 'vente' in modes:
            rem = rng.choice(['Prix à définir', 'Prix non communiqué, à demander au propriétaire'])
        elif otype == 'collectivité':
            rem = 'Conditions financières à discuter avec la mairie'
        else:
            rem = rng.choice(['Loyer non communiqué', 'Conditions à discuter'])
    sp['rem'] = rem
    # rendering style
    sp['sep'] = rng.choices([' ', NBSP, ''], [55, 20, 25])[0]
    sp['ndec'] = rng.choice([5, 6])
    sp['dot'] = rng.random() < 0.05
    sp['show_coords'] = rng.random() >= 0.15
    sp['show_insee'] = rng.random() >= 0.10
    sp['commune_style'] = rng.choices(['clean', 'upper', 'noaccent', 'space'], [80, 9, 8, 3])[0]
    sp['trailing'] = set()
    if rng.random() < 0.06:
        sp['trailing'].add(rng.choice(['Intitulé', 'Commune', 'Type de bien', 'Propriétaire', 'Adresse']))
    sp['overrides'] = {}
    return sp


def commune_display(c, style):
    n = c['nom']
    if style == 'upper':
        return n.upper()
    if style == 'noaccent':
        s = strip_accents(n)
        return s if s != n else n.replace('-', ' ') if '-' in n else n
    if style == 'space':
        return n.replace('-', ' ')
    return n


def render(sp):
    c = sp['c']
    sep = sp['sep']
    row = {k: '' for k in COLS1}
    row['Réf.'] = sp['ref']
    row['Intitulé'] = sp['title']
    row['Type de bien'] = wchoice(KIND_DISPLAY[sp['kind']])
    row['Adresse'] = sp['addr']
    if c is not None:
        row['Code postal'] = sp['cp']
        row['Commune'] = commune_display(c, sp['commune_style'])
        row['Code INSEE'] = c['insee'] if sp['show_insee'] else ''
    if sp['show_coords'] and sp['lat'] is not None:
        row['Latitude'] = fmt_coord(sp['lat'], sp['ndec'], sp['dot'])
        row['Longitude'] = fmt_coord(sp['lon'], sp['ndec'], sp['dot'])
    if sp['sb'] is not None:
        row['Surface bâtie (m²)'] = fmt_num(sp['sb'], sep)
    if sp['st'] is not None:
        row['Surface terrain (m²)'] = fmt_num(sp['st'], sep)
    joiner = rng.choices([' / ', ' ou '], [60, 40])[0]
    row['Mode de mise à disposition'] = joiner.join(wchoice(MODE_DISPLAY[m]) for m in sp['modes'])
    if sp['prix'] is not None:
        row['Prix (€)'] = fmt_num(sp['prix'], sep)
    if sp['loyer'] is not None:
        lo = sp['loyer']
        row['Loyer (€/mois)'] = fmt_num(lo, sep, 2 if abs(lo - round(lo)) > 1e-9 else None)
    row['Disponible à partir du'] = fmt_date(sp['dfrom'])
    row["Disponible jusqu'au"] = fmt_date(sp['dto'])
    row['Type de propriétaire'] = wchoice(OWNER_TYPE_DISPLAY[sp['otype']])
    row['Propriétaire'] = sp['owner']
    row['Contact propriétaire'] = sp['contact']
    row['Statut'] = wchoice(STATUT_DISPLAY[sp['statut']])
    row['Visibilité'] = wchoice(VISIB_DISPLAY[sp['visib']])
    row['Dernière vérification'] = fmt_date(sp['verif'])
    row['Source'] = sp['source']
    row['Remarques'] = sp['rem']
    for col in sp['trailing']:
        if row[col]:
            row[col] += rng.choice([' ', '  '])
    row.update(sp['overrides'])
    return [row[k] for k in COLS1]


# --------------------------------------------------------------------------
# hand-crafted rows: matches, duplicates, no-location row
# --------------------------------------------------------------------------
def hand(c, kind, title, addr, sb, st, otype, owner, modes, prix=None, loyer=None, dfrom=None, dto=None,
         statut='disponible', visib='public', source=None, rem='', sep=' ', lat=None, lon=None, **kw):
    sp = gen_row(c, kind)
    sp.update(title=title, addr=addr, sb=sb, st=st, otype=otype, owner=owner, modes=modes, prix=prix,
              loyer=loyer, dfrom=dfrom, dto=dto, statut=statut, visib=visib, rem=rem, sep=sep,
              show_coords=True, show_insee=True, commune_style='clean', trailing=set(), dot=False)
    sp['contact'] = contact_for(otype, c)
    if source:
        sp['source'] = source
    if lat is not None:
        sp['lat'], sp['lon'] = lat, lon
    sp.update(kw)
    return sp


D = dt.date

# nearest small commune 4-9 km from Saint-Pol-sur-Ternoise (for the market-garden match)
stpol = C('Saint-Pol-sur-Ternoise', '62')
near = sorted((c for c in communes if c['population'] < 1500
               and 4 <= haversine(stpol['lat'], stpol['lon'], c['lat'], c['lon']) <= 9),
              key=lambda c: c['insee'])
terr_c = rng.choice(near)

MATCH_OPPS = {
    'M1': hand(C('Liévin', '62'), 'atelier', 'Ancien garage Vasseur', '37 rue Émile Basly', 420, 600, 'privé',
               'SCI Les Tilleuls', ['bcus'], loyer=1200, dfrom=D(2025, 4, 1), visib='réseau',
               source='Cercle Bassin minier', rem='Triphasé disponible'),
    'M2': hand(C('Maubeuge', '59'), 'entrepôt', 'Entrepôt ZI Est', 'ZI Est, 14 rue Ampère', 1350, 3200, 'privé',
               'SAS Immo Dumortier', ['location'], loyer=2450.5, dfrom=D(2025, 6, 1), sep=NBSP,
               source='Cercle Avesnois-Thiérache', rem='Quai de déchargement, hauteur sous plafond 6 m'),
    'M3': hand(C('Hazebrouck', '59'), 'atelier', 'Ancienne menuiserie Vandamme', '22 rue de la Fontaine', 280,
               None, 'privé', 'M. et Mme Vandamme', ['location'], loyer=950, dfrom=D(2025, 9, 1),
               source='Signalement adhérent'),
    'M4': hand(terr_c, 'terrain', 'Terrain maraîcher lieu-dit Les Longs Champs', 'Lieu-dit Les Longs Champs',
               None, 35000, 'foncière', 'Foncière Terres Nourricières', ['vente', 'bail emphytéotique'],
               prix=32000, dfrom=D(2025, 11, 1), visib='réseau', source='Groupe foncier',
               rem='Irrigation possible (forage)'),
    'M5': hand(C('Roubaix', '59'), 'commerce', 'Ancien café-tabac « Le Balto »', "58 rue de l'Épeule", 95, None,
               'bailleur social', 'Habitat Hauts-de-France Nord', ['bcus'], loyer=650, dfrom=D(2025, 3, 15),
               source='Cercle MEL', rem='Vitrine sur rue, 8 m de linéaire'),
    'M6': hand(C('Amiens', '80'), 'bâtiment mixte', 'Ancienne école Condorcet', '9 rue Condorcet', 560, 1400,
               'collectivité', "Ville d'Amiens", ['mise à disposition', 'location'], loyer=1100,
               dfrom=D(2025, 9, 1), source='Cercle Somme', rem="Grande salle au RDC + 4 salles à l'étage"),
    'M7': hand(C('Valenciennes', '59'), 'bureau', 'Plateau de bureaux avenue de la République',
               '41 avenue de la République', 140, None, 'privé', 'SCI du Beffroi', ['location'], loyer=980,
               dfrom=D(2025, 5, 1), source='Le Bon Coin pro', rem='Fibre disponible'),
    'M8': hand(C('Douai', '59'), 'bâtiment mixte', 'Maison de maître rue Jean Jaurès', '112 rue Jean Jaurès', 650,
               900, 'privé', 'Indivision Lagache', ['vente'], prix=290000, dfrom=D(2025, 7, 1),
               source='Cercle Douaisis-Pévèle', rem='Jardin attenant'),
    'M9': hand(C('Calais', '62'), 'entrepôt', 'Hangar ZI des Dunes', "ZI des Dunes, 3 rue de l'Industrie", 900,
               2500, 'foncière', 'EPF Hauts-de-France', ['occupation temporaire'], loyer=1000,
               dfrom=D(2025, 3, 1), dto=D(2027, 2, 28), visib='réseau', source='Veille EPF',
               rem='Convention d\'occupation précaire de 24 mois'),
    'M10': hand(C('Beauvais', '60'), 'commerce', 'Local commercial rue Carnot', '27 rue Carnot', 180, None,
                'privé', 'Mme Poulain', ['location'], loyer=1050, dfrom=D(2025, 10, 1), source='Cercle Oise'),
    'M11': hand(C('Laon', '02'), 'bâtiment mixte', 'Ancienne caserne des pompiers', '5 rue du Cloître', 380, 700,
                'collectivité', 'Commune de Laon', ['mise à disposition'], dfrom=D(2026, 1, 1),
                source='Annonce mairie', rem='Mairie favorable à un projet de tiers-lieu'),
}
MATCH_OPPS['M5']['contact'] = 'Mme Devos – 03 20 45 12 87 – c.devos@example.fr'
MATCH_OPPS['M11']['contact'] = 'Service patrimoine – 03 23 22 41 06 – patrimoine@example.fr'

lens, lille, stq = C('Lens', '62'), C('Lille', '59'), C('Saint-Quentin', '02')
la, lo = jitter_point(lens)
lb, lob = jitter_point(lille)
lc, loc = jitter_point(stq)
DUP = [
    (hand(lens, 'bâtiment mixte', 'Ancienne école Jules Ferry', '12 rue Gambetta', 850, 2400, 'collectivité',
          'Commune de Lens', ['mise à disposition', 'bcus'], loyer=400, dfrom=D(2025, 9, 1), visib='réseau',
          source='Cercle Bassin minier', rem='Toiture à refaire', lat=la, lon=lo, ndec=5),
     hand(lens, 'bâtiment mixte', 'Ecole Jules-Ferry (ancienne)', '12, r. Gambetta', 860, None, 'collectivité',
          'Ville de Lens', ['mise à disposition'], dfrom=None, statut='en discussion', visib='réseau',
          source='Signalement adhérent', rem='Vu sur annonce, non visité', lat=la + 0.00012, lon=lo - 0.00015,
          ndec=6, commune_style='upper')),
    (hand(lille, 'bâtiment mixte', 'Presbytère de Wazemmes', '7 rue du Marché', 420, 600, 'collectivité',
          'Ville de Lille', ['bcus'], loyer=1450, dfrom=D(2025, 1, 6), source='Cercle MEL',
          rem='Bâtiment inscrit au PLU comme patrimoine à protéger', lat=lb, lon=lob, ndec=6),
     hand(lille, 'bâtiment mixte', 'Ancien presbytère Wazemmes', '7 r. du Marche', 420, 600, 'collectivité',
          'Commune de Lille', ['bcus'], loyer=1450, dfrom=D(2025, 1, 1), source='Groupe foncier',
          lat=lb - 0.00009, lon=lob + 0.00011, ndec=5, show_insee=False)),
    (hand(stq, 'entrepôt', 'Entrepôt ZI de la Vallée', 'ZI de la Vallée, 5 rue Denis Papin', 2400, 6000, 'privé',
          'SCI Les Peupliers', ['location'], loyer=5200, dfrom=D(2024, 10, 1), source='Le Bon Coin pro',
          rem='Accès poids lourds', lat=lc, lon=loc, ndec=5, sep=''),
     hand(stq, 'entrepôt', 'Hangar ex-transports Leroy – ZI Vallée', '5 rue Denis-Papin (ZI de la Vallée)', 2450,
          None, 'privé', 'SCI Les Peupliers', ['location', 'vente'], loyer=5200, prix=1150000,
          dfrom=D(2024, 10, 1), visib='confidentiel', source='Veille EPF', lat=lc + 0.00018, lon=loc + 0.0001,
          ndec=6, sep=NBSP)),
]

NOLOC = hand(C('Arras', '62'), 'entrepôt', 'Hangar agricole à reprendre', 'Route départementale, sortie du village',
             600, 4000, 'privé', 'M. Obert', ['vente'], prix=85000, visib='réseau', source='Signalement adhérent',
             rem='Signalé par téléphone, commune à préciser', show_coords=False)
NOLOC['c'] = None
NOLOC['lat'] = NOLOC['lon'] = None
NOLOC['contact'] = 'M. Obert – 06 71 28 44 90'

# --------------------------------------------------------------------------
# positions
# --------------------------------------------------------------------------
handcrafted = {}
orig_pos = sorted(rng.sample(range(8, 170), 3))
for (a, b), p in zip(DUP, orig_pos):
    handcrafted[p] = a
    q = p + rng.randint(45, 140)
    while q in handcrafted or q >= N_ROWS:
        q = (q + 7) % N_ROWS
    handcrafted[q] = b
free = [i for i in range(N_ROWS) if i not in handcrafted]
for key, p in zip(sorted(MATCH_OPPS, key=lambda k: int(k[1:])), rng.sample(free, len(MATCH_OPPS))):
    handcrafted[p] = MATCH_OPPS[key]
free = [i for i in range(N_ROWS) if i not in handcrafted]
handcrafted[rng.choice(free)] = NOLOC

slots = [C(n, d) for n, d, k in NAMED for _ in range(k)]
for dep, q in DEP_QUOTA_RANDOM.items():
    pool = [c for c in communes if c['dep'] == dep]
    slots += rng.choices(pool, weights=[c['population'] ** 0.6 for c in pool], k=q)
rng.shuffle(slots)
assert len(slots) + len(handcrafted) == N_ROWS, (len(slots), len(handcrafted))

specs = []
gen_idx = []
it = iter(slots)
for i in range(N_ROWS):
    if i in handcrafted:
        specs.append(handcrafted[i])
    else:
        specs.append(gen_row(next(it)))
        gen_idx.append(i)
for i, sp in enumerate(specs):
    sp['ref'] = f'OPP-2024-{i + 1:03d}'

# --------------------------------------------------------------------------
# special treatments on generated rows
# --------------------------------------------------------------------------
pool = list(gen_idx)
rng.shuffle(pool)


def take(pred):
    for k, i in enumerate(pool):
        if pred(specs[i]):
            return pool.pop(k)
    raise RuntimeError('no candidate')


is_building = lambda sp: sp['kind'] in ('commerce', 'bureau', 'atelier', 'entrepôt', 'bâtiment mixte')
BAD = []  # (ref, defect)

i = take(is_building)
specs[i]['overrides']['Surface bâtie (m²)'] = '-120'
BAD.append((i, 'Surface bâtie négative (« -120 »)'))

i = take(is_building)
specs[i]['overrides']['Surface bâtie (m²)'] = '0'
BAD.append((i, 'Surface bâtie nulle (« 0 »)'))

i = take(lambda sp: sp['kind'] == 'bâtiment mixte' and sp['c']['population'] < 5000)
specs[i]['title'] = 'Château ' + de(specs[i]['c']['nom']) + ' et son parc'
specs[i]['overrides']['Type de bien'] = 'château'
BAD.append((i, 'Type de bien inconnu (« château »)'))

i = take(lambda sp: True)
specs[i]['overrides']['Disponible à partir du'] = 'bientôt'
BAD.append((i, 'Date « Disponible à partir du » non valide (« bientôt »)'))

i = take(lambda sp: is_building(sp) and sp['otype'] == 'privé')
specs[i]['modes'] = ['vente']
specs[i]['loyer'] = None
specs[i]['overrides']['Prix (€)'] = 'à négocier'
BAD.append((i, 'Prix non numérique (« à négocier »)'))

i = take(lambda sp: sp['c']['epci_siren'] == '200093201')
specs[i]['show_coords'] = True
specs[i]['overrides'].update({'Latitude': '48,8566', 'Longitude': '2,3522'})
BAD.append((i, 'Coordonnées hors région (48,8566 / 2,3522 = Paris) alors que la commune est dans la MEL'))

i = take(lambda sp: sp['c']['dep'] == '80')
specs[i]['show_coords'] = True
specs[i]['overrides'].update({'Latitude': '45,76404', 'Longitude': '4,83566'})
BAD.append((i, 'Coordonnées hors région (45,76404 / 4,83566 = Lyon) alors que la commune est dans la Somme'))

i = take(lambda sp: sp['statut'] == 'attribuée' or True)
specs[i]['overrides']['Statut'] = 'vendu'
BAD.append((i, 'Statut hors liste (« vendu »)'))

i_noloc = next(k for k, sp in enumerate(specs) if sp is NOLOC)
BAD.append((i_noloc, 'Aucune localisation : ni coordonnées, ni commune, ni code INSEE, ni code postal'))

SWAPPED = []
for _ in range(3):
    i = take(lambda sp: not sp['dot'])
    sp = specs[i]
    sp['show_coords'] = True
    sp['overrides'].update({'Latitude': fmt_coord(sp['lon'], sp['ndec']),
                            'Longitude': fmt_coord(sp['lat'], sp['ndec'])})
    SWAPPED.append(i)

i = take(lambda sp: True)
specs[i]['rem'] = ('Visite le 04/02/2025 avec le cercle :\nbon état général, électricité à reprendre\n'
                   'Recontacter la mairie en mars')
NEWLINE_ROW = i
i = take(lambda sp: sp['kind'] in ('friche', 'bâtiment mixte'))
specs[i]['rem'] = 'Bâtiment surnommé "la Cathédrale" par les habitants'
QUOTE_ROW = i
SEMI_ROWS = []
for r in REMARQUES_SEMI[:3]:
    i = take(lambda sp: is_building(sp))
    specs[i]['rem'] = r
    SEMI_ROWS.append(i)

BLANK_AFTER = 160

buf = io.StringIO()
w = csv.writer(buf, delimiter=';', quotechar='"', lineterminator='\r\n', quoting=csv.QUOTE_MINIMAL)
w.writerow(COLS1)
for k, sp in enumerate(specs):
    if k == BLANK_AFTER:
        w.writerow([''] * len(COLS1))
    w.writerow(render(sp))
data1 = buf.getvalue().encode('cp1252')  # strict: fails on any non-cp1252 char
with open(OUT1, 'wb') as f:
    f.write(data1)

OPP_BY_KEY = {k: v for k, v in MATCH_OPPS.items()}


# --------------------------------------------------------------------------
# file 2: needs
# --------------------------------------------------------------------------
COLS2 = ['Réf.', 'Collectif', 'Lieu actuel', 'Contact', 'Surface min (m²)', 'Surface idéale (m²)',
         'Surface max (m²)', 'Tolérance (%)', 'Types recherchés', 'Modes acceptés', 'Loyer max (€/mois)',
         'Prix max (€)', 'Territoire', 'Commune', 'Latitude', 'Longitude', 'Rayon (km)', 'Besoin à partir du',
         'Description', 'Statut']

# area: ('terr', slug) | ('pt', (nom, dep), rayon) | ('com', (nom, dep), rayon)
NEEDS = [
    dict(m='M8', col='Collectif La Brouette', s=(400, 600, 1000), tol=15, types='bâtiment mixte',
         modes='vente > BCUS', loyer=2000, prix=350000, area=('terr', 'douaisis-pevele'), d=D(2025, 9, 1),
         desc="Tiers-lieu associatif (café, ateliers partagés, salle d'activités) cherche un bâtiment à acheter "
              "ou en BCUS dans le Douaisis. Besoin d'une grande salle au rez-de-chaussée."),
    dict(col='Association Les Petites Mains de Fives', s=(80, 120, 200), tol=15, types='commerce, atelier',
         modes='BCUS > location', loyer=900, area=('pt', ('Lille', '59'), 3), d=D(2025, 10, 1),
         desc="Atelier de couture et de réparation textile cherche un local en rez-de-chaussée à Fives ou "
              "Hellemmes, avec une vitrine pour la boutique."),
    dict(m='M1', col='Atelier partagé Les Mains Noires', lieu='seed-043', s=(200, 300, 450), tol=15,
         types='atelier', modes='BCUS > location', loyer=1500, area=('pt', ('Lens', '62'), 10),
         d=D(2025, 6, 1),
         desc="Atelier partagé de mécanique et de soudure cherche un local de 300 m² avec accès véhicules près "
              "de Lens. Triphasé indispensable."),
    dict(m='M2', col='Recyclerie du Val de Sambre', s=(800, 1200, 2000), tol=10, types='entrepôt, atelier',
         modes='location > BCUS > mise à disposition', loyer=3000, area=('terr', 'avesnois-thierache'),
         d=D(2025, 9, 1),
         desc="Recyclerie cherche entrepôt avec quai de déchargement, accessible en transports en commun. "
              "Il faut aussi pouvoir aménager un espace de vente d'environ 200 m²."),
    dict(m='M3', col='Fablab des Flandres', s=(150, 250, 400), tol=20, types='atelier, bâtiment mixte',
         modes='location > BCUS', loyer=1000, area=('com', ('Hazebrouck', '59'), 15), d=D(2025, 11, 1),
         desc="Fablab associatif (impression 3D, découpe laser, travail du bois) cherche un atelier lumineux en "
              "Flandre intérieure, idéalement près d'une gare."),
    dict(m='M4', col='Coopérative Jardins du Ternois', s=(20000, 40000, 80000), tol=None, types='terrain',
         modes='bail emphytéotique > vente > mise à disposition', prix=150000,
         area=('pt', ('Saint-Pol-sur-Ternoise', '62'), 15), d=D(2026, 1, 1),
         desc="Projet de maraîchage biologique en coopérative (3 associés) cherche 2 à 8 ha de terres avec "
              "accès à l'eau. Un hangar serait un plus."),
    dict(m='M5', col="Café associatif L'Écluse", lieu='seed-008', s=(60, 100, 180), tol=15, types='commerce',
         modes='BCUS > location', loyer=900, area=('terr', 'mel'), d=D(2025, 5, 1),
         desc="Café associatif et épicerie en vrac cherche un rez-de-chaussée commercial avec vitrine dans la "
              "métropole lilloise, de préférence à Roubaix ou Tourcoing."),
    dict(m='M6', col='Compagnie Le Grand Large', lieu='seed-045', s=(300, 500, 800), tol=10,
         types='bâtiment mixte, bureau', modes='location > mise à disposition', loyer=2000,
         area=('pt', ('Amiens', '80'), 10), d=D(2025, 9, 15),
         desc="Compagnie de théâtre cherche un lieu de fabrique avec une salle de répétition (5 m sous plafond "
              "minimum) et deux bureaux."),
    dict(m='M7', col='Coworking associatif Le Quai des Possibles', s=(80, 120, 200), tol=20, types='bureau',
         modes='location', loyer=1200, area=('terr', 'valenciennois-hainaut'), d=D(2025, 4, 1),
         desc="Espace de coworking associatif pour indépendants et associations cherche un plateau de bureaux "
              "proche de la gare de Valenciennes."),
    dict(m='M9', col='Ressourcerie Les Déterrés du Calaisis', s=(500, 800, 1200), tol=15,
         types='entrepôt, atelier', modes='occupation temporaire > location', loyer=1800,
         area=('pt', ('Calais', '62'), 12), d=D(2025, 2, 1),
         desc="Ressourcerie en création cherche un hangar pour démarrer la collecte et le tri. Une occupation "
              "temporaire de 2 ans nous convient pour commencer."),
    dict(m='M10', col='Repair café du Beauvaisis', s=(100, 150, 250), tol=15, types='commerce, bureau',
         modes='location > BCUS', loyer=1200, area=('terr', 'oise'), d=D(2025, 9, 1),
         desc="Repair café et boutique de réemploi cherche un local commercial en centre-ville de Beauvais ou "
              "de Creil."),
    dict(m='M11', col='Tiers-lieu Le Chaudron', s=(200, 350, 600), tol=15, types='bâtiment mixte, atelier',
         modes='mise à disposition > BCUS', loyer=500, area=('com', ('Laon', '02'), 20), d=D(2026, 1, 1),
         desc="Collectif d'habitants porteur d'un tiers-lieu rural (ateliers, cantine, salle partagée) cherche "
              "un bâtiment mis à disposition par une commune du Laonnois."),
    dict(col='Fabrique artistique Les Tisseuses', lieu='seed-012', s=(500, 1000, 2500), tol=20,
         types='friche, entrepôt, atelier', modes='occupation temporaire > BCUS', loyer=2000, area=('terr', 'mel'),
         d=D(2026, 3, 1),
         desc="Collectif d'artistes plasticiens cherche une friche ou un entrepôt pour installer une vingtaine "
              "d'ateliers et un espace d'exposition."),
    dict(col='Ferme urbaine du Faubourg', s=(2000, 5000, 10000), tol=None, types='terrain, friche',
         modes='mise à disposition > bail emphytéotique > occupation temporaire', loyer=300,
         area=('pt', ('Lille', '59'), 8), d=D(2026, 2, 1),
         desc="Projet de ferme urbaine pédagogique (maraîchage, poulailler, compost de quartier) cherche un "
              "terrain en ville, même pollué si culture hors-sol possible."),
    dict(col='Atelier vélo solidaire Roue Libre', s=(80, 150, 250), tol=15, types='atelier, commerce',
         modes='location > BCUS', loyer=800, area=('pt', ('Arras', '62'), 5), d=D(2025, 10, 1),
         desc="Atelier d'autoréparation de vélos cherche un local en rez-de-chaussée, facile d'accès à vélo."),
    dict(col="Épicerie solidaire Le Panier d'Opale", s=(100, 150, 250), tol=10, types='commerce',
         modes='BCUS > location', loyer=1000, area=('pt', ('Boulogne-sur-Mer', '62'), 7.5), d=D(2025, 3, 1),
         st='satisfaite',
         desc="Épicerie solidaire cherche une cellule commerciale avec réserve et chambre froide possible."),
    dict(col='Cuisine partagée La Marmite', s=(120, 200, 350), tol=15, types='commerce, bâtiment mixte',
         modes='location > BCUS', loyer=1400, area=('terr', 'bassin-minier'), d=D(2026, 4, 1),
         desc="Cuisine professionnelle partagée pour traiteurs et associations. Cherche un local avec extraction "
              "possible et accès livraison."),
    dict(col='Compagnie de cirque Les Voltigeurs du Hainaut', s=(600, 1000, 2000), tol=10, types='entrepôt',
         modes='mise à disposition > location > occupation temporaire', loyer=1500,
         area=('pt', ('Denain', '59'), 15), d=D(2026, 9, 1),
         desc="Compagnie de cirque cherche un hangar de 8 m sous plafond pour l'accroche d'agrès et les "
              "répétitions."),
    dict(col="Habitat partagé Les Colibris de l'Aisne", s=(250, 400, 600), tol=15,
         types='bâtiment mixte, logement', modes='vente > bail emphytéotique', prix=300000,
         area=('pt', ('Saint-Quentin', '02'), 10), d=D(2026, 6, 1),
         desc="Groupe de 6 foyers porteur d'un habitat participatif avec salle commune ouverte sur le quartier "
              "cherche une grande maison ou un petit bâtiment à rénover."),
    dict(col="Coopérative d'activités Le Pôle", s=(150, 250, 400), tol=10, types='bureau',
         modes='location', loyer=2200, area=('pt', ('Compiègne', '60'), 8), d=D(2025, 12, 1),
         desc="Coopérative d'activités et d'emploi cherche des bureaux avec salle de formation pour 25 personnes."),
    dict(col='Matériauthèque du Littoral', s=(500, 1000, 3000), tol=20, types='entrepôt, terrain',
         modes='location > occupation temporaire', loyer=1800, area=('terr', 'littoral'), d=D(2026, 1, 15),
         desc="Plateforme de réemploi de matériaux du BTP cherche un entrepôt ou un terrain stabilisé avec "
              "accès poids lourds."),
    dict(col='Studio de répétition Le Son des Corons', s=(150, 300, 500), tol=15,
         types='bâtiment mixte, atelier', modes='location > mise à disposition', loyer=900,
         area=('pt', ('Hénin-Beaumont', '62'), 10), d=D(2026, 2, 1),
         desc="Association de musiques actuelles cherche un bâtiment isolable pour 3 studios de répétition "
              "et un petit bar associatif."),
    dict(col='Tiers-lieu numérique Thiérache Connectée', s=(80, 150, 250), tol=20,
         types='bureau, bâtiment mixte', modes='mise à disposition > location', loyer=600,
         area=('pt', ('Hirson', '02'), 15), d=D(2025, 11, 1),
         desc="Espace France Services associatif et atelier numérique cherche des locaux accessibles PMR en "
              "centre-bourg."),
    dict(col="Jardins partagés de l'Alma", s=(500, 1000, 3000), tol=None, types='terrain',
         modes='mise à disposition > occupation temporaire', area=('pt', ('Roubaix', '59'), 3),
         d=D(2025, 3, 1), st='close',
         desc="Association d'habitants cherchait une parcelle pour un jardin partagé. Projet abandonné faute "
              "de bénévoles."),
    dict(col='Fablab du Vimeu', s=(100, 200, 300), tol=15, types='atelier', modes='location > BCUS', loyer=700,
         area=('com', ('Friville-Escarbotin', '80'), 15), d=D(2026, 3, 1),
         desc="Fablab tourné vers la métallurgie et la serrurerie, en lien avec les entreprises du Vimeu, "
              "cherche un atelier avec triphasé."),
    dict(col="Recyclerie de la Vallée de l'Oise", s=(600, 900, 1500), tol=15, types='entrepôt',
         modes='BCUS > location', loyer=2500, area=('pt', ('Creil', '60'), 10), d=D(2026, 5, 1),
         desc="Recyclerie cherche un entrepôt de plain-pied avec zone de dépôt couverte et parking."),
    dict(col="Collectif Les Communs d'Amiens Nord", s=(150, 250, 400), tol=10, types='bâtiment mixte, commerce',
         modes='BCUS > location > mise à disposition', loyer=1200, area=('terr', 'somme'), d=D(2026, 9, 1),
         desc="Collectif d'habitants et d'associations cherche un lieu de quartier (café, salle polyvalente, "
              "permanences) à Amiens ou dans sa première couronne."),
    dict(col='Brasserie coopérative La Mousse du Marais', s=(200, 350, 600), tol=15, types='atelier, entrepôt',
         modes='location > vente', loyer=1500, prix=250000, area=('pt', ('Saint-Omer', '62'), 15),
         d=D(2026, 4, 1),
         desc="Brasserie artisanale en SCIC cherche un atelier avec sol carrelable, évacuations et un espace "
              "de dégustation."),
    dict(col='Conserverie solidaire Les Bocaux de la Somme', s=(120, 200, 300), tol=10,
         types='atelier, commerce', modes='location > BCUS', loyer=900, area=('com', ('Péronne', '80'), 20),
         d=D(2027, 1, 1),
         desc="Conserverie d'insertion valorisant les invendus des maraîchers du Santerre cherche un local "
              "transformable en laboratoire alimentaire."),
    dict(col='Ateliers d\'artistes du Valenciennois', s=(300, 600, 1500), tol=20, types='atelier, friche',
         modes='occupation temporaire > BCUS', loyer=1000, area=('terr', 'valenciennois-hainaut'),
         d=D(2025, 1, 15), st='satisfaite',
         desc="Collectif de 12 artistes cherchait des ateliers. Installé depuis juin dans une ancienne usine "
              "de Saint-Saulve."),
    dict(col='Association Fabrique du Lien', s=(200, 300, 500), tol=15, types='bâtiment mixte',
         modes='mise à disposition > location', loyer=700, area=('pt', ('Avesnes-sur-Helpe', '59'), 12),
         d=D(2026, 1, 1),
         desc="Centre social associatif itinérant cherche un lieu fixe avec cuisine et jardin pour ses "
              "activités familles."),
    dict(col='Coopérative Terres du Soissonnais', s=(30000, 50000, 100000), tol=None,
         types='terrain, bâtiment mixte', modes='bail emphytéotique > vente', prix=400000,
         area=('pt', ('Soissons', '02'), 20), d=D(2027, 3, 1),
         desc="Installation de trois paysans-boulangers cherche des terres et si possible un corps de ferme "
              "pour le fournil."),
    dict(col='Tiers-lieu des Hauts de Flandre', s=(300, 500, 900), tol=15, types='bâtiment mixte, bureau',
         modes='vente > BCUS', loyer=2500, prix=450000, area=('terr', 'littoral'), d=D(2026, 6, 1),
         desc="SCIC de tiers-lieu (coworking, fablab, café) cherche un bâtiment à acquérir entre Dunkerque et "
              "Gravelines."),
    dict(col='Repair café de Marly', lieu='seed-001', s=(60, 100, 150), tol=20, types='commerce, atelier',
         modes='mise à disposition > location', loyer=500, area=('terr', 'valenciennois-hainaut'),
         d=D(2025, 10, 1),
         desc="Repair café hébergé une fois par mois au centre social cherche un local permanent pour stocker "
              "l'outillage et ouvrir deux jours par semaine."),
    dict(col='Association Faire Ensemble', lieu='seed-015', s=(300, 500, 800), tol=10, types='atelier, entrepôt',
         modes='BCUS > location', loyer=2000, area=('terr', 'mel'), d=D(2026, 1, 1),
         desc="Ressourcerie de matériel de jardin et de bricolage cherche un entrepôt dans l'est de la "
              "métropole."),
    dict(col="Collectif Les Semeurs de l'Oise", lieu='seed-044', s=(5000, 15000, 40000), tol=None,
         types='terrain, bâtiment mixte', modes='bail emphytéotique > vente', prix=200000, area=('terr', 'oise'),
         d=D(2026, 10, 1),
         desc="Collectif agricole et culturel cherche des terres avec un bâtiment agricole à réhabiliter."),
    dict(col='Association Les Ateliers du Ternois', lieu='seed-003', s=(100, 180, 300), tol=15,
         types='atelier, bureau', modes='location > mise à disposition', loyer=700,
         area=('pt', ('Hesdin-la-Forêt', '62'), 15), d=D(2025, 2, 1), st='close',
         desc="Ateliers numériques et de réparation. Recherche suspendue, le collectif reste dans ses locaux "
              "actuels."),
    dict(col='Compagnie de danse Pas de Côté', s=(200, 300, 450), tol=15, types='bâtiment mixte, atelier',
         modes='location > BCUS', loyer=2200, area=('pt', ("Villeneuve-d'Ascq", '59'), 6), d=D(2025, 1, 1),
         st='satisfaite',
         desc="Compagnie de danse cherchait un studio avec parquet et vestiaires. Trouvé grâce au cercle MEL."),
    dict(col='Vélo-cargo Littoral', s=(150, 250, 400), tol=20, types='atelier, entrepôt',
         modes='location > occupation temporaire', loyer=1200, area=('pt', ('Dunkerque', '59'), 7.5),
         d=D(2026, 3, 1),
         desc="Coopérative de livraison à vélo-cargo cherche un atelier de plain-pied pour stocker et réparer "
              "12 vélos, près du centre."),
    dict(col='Ressourcerie du Santerre', s=(400, 700, 1200), tol=15, types='entrepôt, bâtiment mixte',
         modes='location > BCUS > vente', loyer=1800, prix=200000, area=('terr', 'somme'), d=D(2027, 1, 1),
         desc="Ressourcerie portée par un chantier d'insertion cherche un bâtiment avec stockage et espace de "
              "vente en Somme."),
]
assert len(NEEDS) == 40


def need_contact(col):
    prenom = rng.choice(PRENOMS)
    nom = rng.choice(NOMS)
    slug = ''.join(ch for ch in strip_accents(col).lower() if ch.isalnum() or ch == ' ').split()
    slug = [w for w in slug if w not in ('de', 'du', 'des', 'la', 'le', 'les', 'l', 'd')]
    if rng.random() < 0.5:
        mail = 'contact.' + ''.join(slug[1:3] or slug[:2]) + '@example.org'
    else:
        mail = email_of(prenom, nom, 'example.org')
    return f'{prenom} {nom} – {phone("59", True)} – {mail}'


def n2(x):
    return fmt_num(x, ' ') if x is not None else ''


rows2 = []
NEED_REF = {}
for k, nd in enumerate(NEEDS):
    ref = f'BES-2025-{k + 1:02d}'
    nd['ref'] = ref
    if 'm' in nd:
        NEED_REF[nd['m']] = ref
    assert nd['s'][0] < nd['s'][1] < nd['s'][2]
    terr = com = lat = lon = rayon = ''
    a = nd['area']
    if a[0] == 'terr':
        terr = a[1]
    else:
        c = C(*a[1])
        com = c['nom']
        rayon = fmt_num(a[2])
        if a[0] == 'pt':
            lat, lon = fmt_coord(c['lat'], 5), fmt_coord(c['lon'], 5)
    lieu = nd.get('lieu', '')
    if lieu:
        assert lieu in seed_ids_located, lieu
    rows2.append([ref, nd['col'], lieu, need_contact(nd['col']), n2(nd['s'][0]), n2(nd['s'][1]), n2(nd['s'][2]),
                  '' if nd['tol'] is None else str(nd['tol']), nd['types'], nd['modes'], n2(nd.get('loyer')),
                  n2(nd.get('prix')), terr, com, lat, lon, rayon, fmt_date(nd['d']), nd['desc'],
                  nd.get('st', 'active')])

buf = io.StringIO()
w = csv.writer(buf, delimiter=';', quotechar='"', lineterminator='\n', quoting=csv.QUOTE_MINIMAL)
w.writerow(COLS2)
w.writerows(rows2)
with open(OUT2, 'wb') as f:
    f.write(b'\xef\xbb\xbf' + buf.getvalue().encode('utf-8'))

# --------------------------------------------------------------------------
# report (for the generator's author; written to stdout)
# --------------------------------------------------------------------------
print('BAD rows:')
for i, why in sorted(BAD):
    print(f'  {specs[i]["ref"]}: {why}')
print('SWAPPED:', [specs[i]['ref'] for i in SWAPPED])
print('DUP pairs:', [(a['ref'], b['ref']) for a, b in DUP])
print('NEWLINE:', specs[NEWLINE_ROW]['ref'], 'QUOTE:', specs[QUOTE_ROW]['ref'],
      'SEMI:', [specs[i]['ref'] for i in SEMI_ROWS])
print('MATCHES:')
for key in sorted(MATCH_OPPS, key=lambda k: int(k[1:])):
    sp = MATCH_OPPS[key]
    print(f'  {key}: {NEED_REF[key]} <-> {sp["ref"]} {sp["title"]} ({sp["c"]["nom"]})')
print('M4 commune:', terr_c['nom'], terr_c['insee'])
