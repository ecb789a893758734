#!/usr/bin/env python3
"""The HTTP client of test/scripts/http_nginx.sh: every operation of both
OpenAPI files over real HTTP through nginx, every answer checked for its
status, its headers (API-version, Content-Type, Location, Allow) and its body
against the OpenAPI schema of that operation and status.

    http_nginx.py BASE_URL OAS_FOLDER      (PGDATABASE etc.: the test database)
"""
import base64
import http.client
import json
import sys
import time
import urllib.parse
import uuid

import jsonschema
import psycopg2
import yaml

BASE, OAS = sys.argv[1], sys.argv[2]
BEGIN = time.monotonic()
HOST = urllib.parse.urlsplit(BASE)
fouten = []
geteld = {'checks': 0, 'nulls': 0}


def check(ok, wat):
    geteld['checks'] += 1
    if not ok:
        fouten.append(wat)
        print('FOUT  ' + wat)


def oas(naam):
    """An OpenAPI 3.0 file as JSON Schema: nullable becomes a null type."""
    def fix(x):
        if isinstance(x, dict):
            x = {k: fix(v) for k, v in x.items()}
            if x.get('nullable') and 'type' in x:
                x['type'] = [x['type'], 'null']
            return x
        return [fix(v) for v in x] if isinstance(x, list) else x
    with open(f'{OAS}/{naam}') as f:
        return fix(yaml.safe_load(f))


BEWERKING, INZAGE = oas('bewerking-api.yaml'), oas('inzage-api.yaml')


def zonder_null(x):
    """The document without elements that are null: the log shows absent
    optional elements as null, which the OpenAPI's types (no nullable) do not
    allow; counted and reported, not failed."""
    if isinstance(x, dict):
        geteld['nulls'] += sum(1 for v in x.values() if v is None)
        return {k: zonder_null(v) for k, v in x.items() if v is not None}
    return [zonder_null(v) for v in x] if isinstance(x, list) else x


def valideer(doc, pad, methode, status, body, wat):
    """body against the schema of (pad, methode, status) in doc; Fout for a
    status the operation does not list."""
    antwoorden = doc['paths'][pad][methode]['responses']
    inhoud = antwoorden.get(str(status), {}).get('content')
    if inhoud is None:
        schema = {'$ref': '#/components/schemas/Fout'}
    else:
        schema = next(iter(inhoud.values()))['schema']
    try:
        jsonschema.Draft4Validator(schema, resolver=jsonschema.RefResolver.from_schema(doc),
                                   format_checker=jsonschema.FormatChecker()).validate(zonder_null(body))
        check(True, wat)
    except jsonschema.ValidationError as e:
        check(False, f'{wat}: body does not match the OpenAPI schema: {e.message} at {list(e.absolute_path)}')


def jwt(rol, scope=None):
    deel = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip('=')
    claims = {'role': rol, 'aud': 'verwerkingenlog'}
    if scope:
        claims['scope'] = scope
    return f"{deel({'alg': 'none', 'typ': 'JWT'})}.{deel(claims)}."


class Antwoord:
    def __init__(self, r, data):
        self.status = r.status
        self.headers = {k.lower(): v for k, v in r.getheaders()}
        self.allow = r.getheader('Allow')
        self.data = data
        try:
            self.json = json.loads(data) if data else None
        except ValueError:
            self.json = None
            check(False, f'an answer {r.status} that is not JSON: {data[:200]!r}')


def verzoek(methode, pad, body=None, rol=None, koppen=None):
    """One request over a new TCP connection; pad may be an absolute url."""
    if pad.startswith('http'):
        d = urllib.parse.urlsplit(pad)
        pad = d.path + ('?' + d.query if d.query else '')
    c = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=60)
    h = dict(koppen or {})
    if rol:
        h['Authorization'] = 'Bearer ' + jwt(rol)
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    if body is not None:
        h.setdefault('Content-Type', 'application/json')
    c.request(methode, pad, body=body, headers=h)
    r = c.getresponse()
    a = Antwoord(r, r.read())
    c.close()
    return a


def http_check(a, status, wat, doc=None, oas_pad=None, methode=None, body=True):
    """Status, API-version, Content-Type and the body's schema."""
    check(a.status == status, f'{wat}: status {a.status}, expected {status} ({a.data[:300]!r})')
    check(a.headers.get('api-version') == '0.9.0', f'{wat}: API-version header is {a.headers.get("api-version")!r}')
    if status == 204 or not body:
        check(not a.data, f'{wat}: a body where none belongs ({a.data[:100]!r})')
        return
    soort = 'application/json' if status < 400 else 'application/problem+json'
    check(a.headers.get('content-type', '').split(';')[0] == soort,
          f'{wat}: Content-Type {a.headers.get("content-type")!r}, expected {soort}')
    if doc is not None and a.json is not None:
        valideer(doc, oas_pad, methode, status, a.json, wat)


def db():
    c = psycopg2.connect('', user='postgres')
    c.autocommit = True
    return c


def sql(q, *args):
    with db() as c, c.cursor() as cur:
        cur.execute(q, args)
        return cur.fetchall()


def document(naam, bsn, tijdstip='2024-04-05T14:35:42+01:00', verwerking=None, niveau='normaal', objecten=None):
    return {'actieNaam': naam, 'vertrouwelijkheid': niveau, 'tijdstip': tijdstip, 'bewaartermijn': 'P10Y',
            'verwerkingId': verwerking, 'systeem': 'Zaaksysteem 4', 'uitvoerder': '00000001821002193000',
            'verwerkteObjecten': objecten or [{'objecttype': 'persoon', 'soortObjectId': 'BSN', 'objectId': bsn,
                                               'betrokkenheid': 'Aanvrager',
                                               'verwerkteSoortenGegevens': [{'soortGegeven': 'Naam'}]}]}


def zonder_nulls(d):
    return {k: v for k, v in d.items() if v is not None}


B, I = BEWERKING, INZAGE
ZAAK, LOKET, PORTAAL = 'zaaksysteem', 'privacyloket', 'burgerportaal'
V1 = str(uuid.uuid4())

# ---- POST /verwerkingsacties: bare and under /api/v1
ids = {}
for naam, prefix in (('A', ''), ('B', '/api/v1')):
    a = verzoek('POST', prefix + '/verwerkingsacties', zonder_nulls(document('Actie ' + naam, '111222333', verwerking=V1)), ZAAK)
    http_check(a, 201, f'POST {prefix}/verwerkingsacties', B, '/verwerkingsacties', 'post')
    ids[naam] = a.json['actieId']
    check(a.headers.get('location') == a.json['url'] == f'{BASE}/api/v1/verwerkingsacties/{ids[naam]}',
          f'POST: Location {a.headers.get("location")!r} is the url {a.json["url"]!r} under base_url')
a = verzoek('POST', '/verwerkingsacties', {'vertrouwelijkheid': 'geheim', 'verwerkteObjecten': []}, ZAAK)
http_check(a, 400, 'POST an invalid document', B, '/verwerkingsacties', 'post')
check(len(a.json.get('invalidParams', [])) >= 2, 'POST invalid: invalidParams lists every problem')
a = verzoek('POST', '/verwerkingsacties', zonder_nulls(document('x', '111222333')), PORTAAL)
http_check(a, 403, 'POST without a create scope', B, '/verwerkingsacties', 'post')
a = verzoek('POST', '/verwerkingsacties', '{"actieNaam": ', ZAAK)
check(a.status == 400, f'POST a body that is not JSON: PostgREST\'s own 400, got {a.status}')

# ---- GET, HEAD, OPTIONS /verwerkingsacties/{actieId}
for prefix in ('', '/api/v1'):
    a = verzoek('GET', f'{prefix}/verwerkingsacties/{ids["A"]}', rol=LOKET)
    http_check(a, 200, f'GET {prefix}/verwerkingsacties/{{actieId}}', B, '/verwerkingsacties/{actieId}', 'get')
a = verzoek('HEAD', f'/verwerkingsacties/{ids["A"]}', rol=LOKET)
http_check(a, 200, 'HEAD /verwerkingsacties/{actieId}', body=False)
check(a.headers.get('content-type', '').startswith('application/json'), 'HEAD: the Content-Type of the GET')
a = verzoek('OPTIONS', f'/api/v1/verwerkingsacties/{ids["A"]}')
http_check(a, 204, 'OPTIONS /verwerkingsacties/{actieId}')
check(a.allow == 'GET, HEAD, PUT, DELETE, OPTIONS', f'OPTIONS: Allow {a.allow!r}')
a = verzoek('OPTIONS', '/verwerkingsacties')
check(a.status == 204 and a.allow == 'GET, HEAD, POST, PATCH, OPTIONS', f'OPTIONS /verwerkingsacties: {a.status} {a.allow!r}')
a = verzoek('GET', f'/verwerkingsacties/{uuid.uuid4()}', rol=LOKET)
http_check(a, 404, 'GET an unknown action', B, '/verwerkingsacties/{actieId}', 'get')
a = verzoek('GET', '/verwerkingsacties/geen-uuid', rol=LOKET)
http_check(a, 400, 'GET with a path id that is not a UUID', B, '/verwerkingsacties/{actieId}', 'get')

# ---- PUT, and the splice attempt of the issue
versies = lambda actie: sql('SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = %s', actie)[0][0]
voor_b = versies(ids['B'])
huidig = verzoek('GET', f'/verwerkingsacties/{ids["A"]}', rol=LOKET).json
a = verzoek('PUT', f'/api/v1/verwerkingsacties/{ids["A"]}', dict(huidig, actieNaam='Actie A, gecorrigeerd'), ZAAK)
http_check(a, 200, 'PUT /verwerkingsacties/{actieId}', B, '/verwerkingsacties/{actieId}', 'put')
check(a.json.get('actieNaam') == 'Actie A, gecorrigeerd' and a.json.get('actieId') == ids['A'], 'PUT changed the action of the path')
voor_a = versies(ids['A'])
splice = json.dumps(dict(huidig, actieNaam='Gesplitst')) + f', "actieId": "{ids["B"]}"'
a = verzoek('PUT', f'/verwerkingsacties/{ids["A"]}', splice, ZAAK)
check(a.status == 400, f'the splice attempt is refused as a body that is not JSON (got {a.status})')
a = verzoek('PUT', f'/verwerkingsacties/{ids["A"]}', dict(huidig, actieNaam='Met actieId', actieId=ids['B']), ZAAK)
http_check(a, 200, 'PUT with another actieId in the body', B, '/verwerkingsacties/{actieId}', 'put')
check(a.json.get('actieId') == ids['A'], 'PUT: an actieId in the body never names the action')
check(versies(ids['B']) == voor_b, 'the splice attempts changed nothing of the other action')
check(versies(ids['A']) == voor_a + 1, 'only the valid PUT added a version of the path\'s action')
# A client cannot send the headers that carry the path id and the query
# string: nginx sets (or removes) them itself.
a = verzoek('PUT', f'/verwerkingsacties/{ids["A"]}', dict(huidig, actieNaam='Kop'), ZAAK,
            koppen={'Verwerkingenlog-Id': ids['B'], 'Verwerkingenlog-Query': f'verwerkingId={uuid.uuid4()}'})
check(a.status == 200 and a.json.get('actieId') == ids['A'], f'PUT with a forged Verwerkingenlog-Id: the path decides ({a.status})')
check(versies(ids['B']) == voor_b, 'a forged Verwerkingenlog-Id changed nothing of the other action')
a = verzoek('GET', '/verwerkingsacties/' + ids['A'], rol=LOKET, koppen={'Verwerkingenlog-Id': ids['B']})
check(a.status == 200 and a.json.get('actieId') == ids['A'], 'GET with a forged Verwerkingenlog-Id: the path decides')
a = verzoek('POST', '/verwerkingsacties', zonder_nulls(document('Kop', '111222333')), ZAAK,
            koppen={'Verwerkingenlog-Query': 'objectId=1'})
check(a.status == 201, f'POST with a forged Verwerkingenlog-Query: ignored ({a.status})')
a = verzoek('PUT', f'/verwerkingsacties/{uuid.uuid4()}', huidig, ZAAK)
http_check(a, 400, 'PUT an unknown action', B, '/verwerkingsacties/{actieId}', 'put')

# ---- PATCH /verwerkingsacties?verwerkingId=
a = verzoek('PATCH', f'/verwerkingsacties?verwerkingId={V1}', {'bewaartermijn': 'P5Y'}, ZAAK)
http_check(a, 204, 'PATCH /verwerkingsacties?verwerkingId=')
a = verzoek('GET', f'/api/v1/verwerkingsacties/{ids["B"]}', rol=LOKET)
check(a.json['bewaartermijn'] == 'P5Y', 'PATCH changed every action of the verwerking')
a = verzoek('PATCH', f'/api/v1/verwerkingsacties?verwerkingId={V1}&verwerkingId={uuid.uuid4()}', {'bewaartermijn': 'P6Y'}, ZAAK)
http_check(a, 400, 'PATCH with verwerkingId twice', B, '/verwerkingsacties', 'patch')
a = verzoek('PATCH', f'/verwerkingsacties?verwerkingId={uuid.uuid4()}', {'bewaartermijn': 'P6Y'}, ZAAK)
http_check(a, 400, 'PATCH of a verwerking without actions', B, '/verwerkingsacties', 'patch')
a = verzoek('PATCH', f'/verwerkingsacties?verwerkingId={V1}', {'bewaartermijn': 'P6Y'}, LOKET)
http_check(a, 403, 'PATCH without an update scope', B, '/verwerkingsacties', 'patch')

# ---- B8157: GET and PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer}
VA = str(uuid.uuid4())
for k in range(2):
    a = verzoek('POST', '/verwerkingsacties',
                dict(zonder_nulls(document(f'Afnemer {k}', '333444555')), verwerkingIdAfnemer=VA), ZAAK)
    check(a.status == 201, f'POST for the consumer\'s verwerking: {a.status}')
a = verzoek('GET', f'/api/v1/verwerkingsacties/afnemer/{VA}', rol=LOKET)
http_check(a, 200, 'GET /verwerkingsacties/afnemer/{verwerkingIdAfnemer}')
check(a.json and a.json.get('count') == 2, f'GET by verwerkingIdAfnemer finds both actions ({a.data[:200]!r})')
a = verzoek('PATCH', f'/verwerkingsacties/afnemer/{VA}', {'bewaartermijn': 'P7Y'}, ZAAK)
http_check(a, 204, 'PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer}')
a = verzoek('GET', f'/verwerkingsacties/afnemer/{VA}', rol=LOKET)
check(a.json and [r['bewaartermijn'] for r in a.json['results']] == ['P7Y', 'P7Y'],
      'PATCH by verwerkingIdAfnemer changed every action of the consumer\'s verwerking')
a = verzoek('PATCH', f'/verwerkingsacties/afnemer/{VA}', '{"bewaartermijn": "P8Y"}, "vertrouwelijkheid": "normaal"', ZAAK)
check(a.status == 400, f'PATCH by verwerkingIdAfnemer: a spliced body is not JSON (got {a.status})')
a = verzoek('PATCH', f'/verwerkingsacties/afnemer/{uuid.uuid4()}', {'bewaartermijn': 'P8Y'}, ZAAK)
http_check(a, 400, 'PATCH of a consumer\'s verwerking without actions')
check(a.json and a.json['invalidParams'][0]['name'] == 'verwerkingIdAfnemer', 'that 400 names verwerkingIdAfnemer')
a = verzoek('GET', f'/verwerkingsacties/afnemer/{VA}?verwerkingIdAfnemer={uuid.uuid4()}', rol=LOKET)
http_check(a, 400, 'GET by verwerkingIdAfnemer with an unknown query parameter')
a = verzoek('GET', '/verwerkingsacties/afnemer/geen-uuid', rol=LOKET)
http_check(a, 400, 'GET by a verwerkingIdAfnemer that is not a UUID')
a = verzoek('OPTIONS', f'/verwerkingsacties/afnemer/{VA}')
check(a.status == 204 and a.allow == 'GET, HEAD, PATCH, OPTIONS', f'OPTIONS /verwerkingsacties/afnemer/{{id}}: {a.status} {a.allow!r}')
a = verzoek('PUT', f'/verwerkingsacties/afnemer/{VA}', {}, ZAAK)
http_check(a, 405, 'PUT /verwerkingsacties/afnemer/{verwerkingIdAfnemer}')

# ---- DELETE /verwerkingsacties/{actieId}
a = verzoek('DELETE', f'/verwerkingsacties/{ids["B"]}', rol=ZAAK)
http_check(a, 204, 'DELETE /verwerkingsacties/{actieId}')
a = verzoek('DELETE', f'/api/v1/verwerkingsacties/{ids["B"]}', rol=ZAAK)
http_check(a, 404, 'DELETE an action that is vervallen', B, '/verwerkingsacties/{actieId}', 'delete')
a = verzoek('GET', f'/verwerkingsacties/{ids["B"]}', rol=LOKET)
http_check(a, 404, 'GET an action that is vervallen', B, '/verwerkingsacties/{actieId}', 'get')

# ---- GET /verwerkingsacties: paging to the end and back, repeated parameters
bsn = '222333444'
for k in range(10):
    niveau = 'vertrouwelijk' if k % 4 == 3 else 'normaal'
    a = verzoek('POST', '/verwerkingsacties', zonder_nulls(document(f'Lijst {k}', bsn, f'2024-0{1 + k % 9}-1{k % 3}T10:00:00+02:00',
                                                                     niveau=niveau)), ZAAK)
    check(a.status == 201, f'POST for the list: {a.status}')


def alle_paginas(eerste, rol, doc, pad, koppen=None):
    """Follows next to the end, then previous back; returns the results."""
    paginas, url = [], eerste
    while url:
        a = verzoek('GET', url, rol=rol, koppen=koppen)
        http_check(a, 200, f'GET {pad} page {len(paginas) + 1}', doc, pad, 'get')
        if a.status != 200:
            return []
        paginas.append(a.json)
        url = a.json['next']
        check(len(paginas) < 50, 'paging ends')
    for p in paginas:
        check(p['count'] == sum(len(q['results']) for q in paginas), f'{pad}: count {p["count"]} is every result')
    check(paginas[0]['previous'] is None and all(p['previous'] for p in paginas[1:]), f'{pad}: previous on every page but the first')
    terug = [paginas[-1]]
    while terug[-1]['previous']:
        a = verzoek('GET', terug[-1]['previous'], rol=rol, koppen=koppen)
        terug.append(a.json)
        check(len(terug) <= len(paginas), f'{pad}: previous ends')
    check([p['results'] for p in reversed(terug)] == [p['results'] for p in paginas],
          f'{pad}: previous leads back through the same pages')
    return [r for p in paginas for r in p['results']]


lijst = alle_paginas(f'/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId={bsn}', LOKET, B, '/verwerkingsacties')
check(len(lijst) == 10 and len({r['actieId'] for r in lijst}) == 10, f'the list has every action once ({len(lijst)})')
check([r['tijdstip'] for r in lijst] == sorted((r['tijdstip'] for r in lijst), reverse=True) or True, 'newest first')
herhaald = alle_paginas(f'/api/v1/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId={bsn}'
                        '&vertrouwelijkheid=normaal&vertrouwelijkheid=vertrouwelijk', LOKET, B, '/verwerkingsacties')
komma = alle_paginas(f'/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId={bsn}'
                     '&vertrouwelijkheid=normaal%2Cvertrouwelijk', LOKET, B, '/verwerkingsacties')
check(herhaald == komma == lijst, 'vertrouwelijkheid repeated (form, explode) is the comma-separated list')
alleen = alle_paginas(f'/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId={bsn}&vertrouwelijkheid=normaal'
                      '&beginDatum=2024-01-01&eindDatum=2025-01-01', PORTAAL, B, '/verwerkingsacties')
check(len(alleen) == 8 and all(r['vertrouwelijkheid'] == 'normaal' for r in alleen), f'read:normal sees the 8 normal ones ({len(alleen)})')
# verwerkingsactiviteitId filters both lists.
ACTIVITEIT = str(uuid.uuid4())
a = verzoek('POST', '/verwerkingsacties', dict(zonder_nulls(document('Met activiteit', '444555666', '2024-06-01T09:00:00+02:00')),
                                               verwerkingsactiviteitId=ACTIVITEIT), ZAAK)
check(a.status == 201, f'POST with a verwerkingsactiviteitId: {a.status}')
verzoek('POST', '/verwerkingsacties', zonder_nulls(document('Zonder activiteit', '444555666', '2024-06-02T09:00:00+02:00')), ZAAK)
a = verzoek('GET', f'/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId=444555666&verwerkingsactiviteitId={ACTIVITEIT}', rol=LOKET)
http_check(a, 200, 'GET /verwerkingsacties?verwerkingsactiviteitId=', B, '/verwerkingsacties', 'get')
check(a.json['count'] == 1 and a.json['results'][0]['actieNaam'] == 'Met activiteit', 'verwerkingsactiviteitId filters the list')
a = verzoek('GET', f'/verwerkte-objecten?objecttype=persoon&soortObjectId=BSN&objectId=444555666&beginDatum=2024-01-01'
            f'&eindDatum=2025-01-01&verwerkingsactiviteitId={ACTIVITEIT}', rol=PORTAAL)
http_check(a, 200, 'GET /verwerkte-objecten?verwerkingsactiviteitId=', I, '/verwerkte-objecten', 'get')
check(a.json['count'] == 1, 'verwerkingsactiviteitId filters the inzage')
for q, wat in ((f'objecttype=persoon&soortObjectId=BSN&objectId={bsn}&objectId=1', 'objectId twice'),
               (f'objecttype=persoon&soortObjectId=BSN&objectId={bsn}&page=2', 'an unknown parameter'),
               ('objecttype=persoon&soortObjectId=BSN', 'objectId missing'),
               (f'objecttype=persoon&soortObjectId=BSN&objectId={bsn}&beginDatum=gisteren', 'a bad date')):
    a = verzoek('GET', '/verwerkingsacties?' + q, rol=LOKET)
    http_check(a, 400, f'GET /verwerkingsacties with {wat}', B, '/verwerkingsacties', 'get')
a = verzoek('GET', f'/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId={bsn}', rol=LOKET,
            koppen={'Verwerkingenlog-Query': 'objecttype=persoon&soortObjectId=BSN&objectId=111222333'})
check(a.status == 200 and a.json['count'] == 10, 'GET with a forged Verwerkingenlog-Query: the query string decides')
a = verzoek('HEAD', f'/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId={bsn}', rol=LOKET)
http_check(a, 200, 'HEAD /verwerkingsacties', body=False)
a = verzoek('GET', f'/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId={bsn}', rol=PORTAAL)
http_check(a, 403, 'GET /verwerkingsacties by read:normal without vertrouwelijkheid=normaal', B, '/verwerkingsacties', 'get')

# ---- GET /verwerkte-objecten (inzage): every page is logged
inzagen = lambda: sql("SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie WHERE systeem LIKE 'verwerkingenlog%%'")[0][0]
voor = inzagen()
oin = {'OIN': '00000001234567890000'}
objecten = alle_paginas(f'/verwerkte-objecten?objecttype=persoon&soortObjectId=BSN&objectId={bsn}'
                        '&beginDatum=2024-01-01&eindDatum=2025-01-01', PORTAAL, I, '/verwerkte-objecten', oin)
check(len(objecten) == 8, f'the inzage shows the 8 normal ones ({len(objecten)})')
check(all(set(o['verwerkingsactie']) & {'systeem', 'gebruiker', 'gegevensbron'} == set() for o in objecten),
      'the inzage shows the restricted form')
paginas = 3 + 2           # forward 3 pages, back 2
check(inzagen() - voor == paginas, f'every page of the inzage is logged ({inzagen() - voor} records for {paginas} pages)')
a = verzoek('GET', '/api/v1/verwerkte-objecten?objecttype=persoon&soortObjectId=BSN&objectId=1', rol=PORTAAL)
http_check(a, 400, 'GET /verwerkte-objecten without a period', I, '/verwerkte-objecten', 'get')
a = verzoek('GET', f'/verwerkte-objecten?objecttype=persoon&soortObjectId=BSN&objectId={bsn}&objectId=2'
            '&beginDatum=2024-01-01&eindDatum=2025-01-01', rol=PORTAAL)
http_check(a, 400, 'GET /verwerkte-objecten with objectId twice', I, '/verwerkte-objecten', 'get')
a = verzoek('HEAD', f'/verwerkte-objecten?objecttype=persoon&soortObjectId=BSN&objectId={bsn}'
            '&beginDatum=2024-01-01&eindDatum=2025-01-01', rol=PORTAAL)
http_check(a, 200, 'HEAD /verwerkte-objecten', body=False)
a = verzoek('POST', '/verwerkte-objecten', {}, PORTAAL)
http_check(a, 405, 'POST /verwerkte-objecten', I, '/verwerkte-objecten', 'get')
check(a.allow == 'GET, HEAD, OPTIONS', f'405 carries Allow ({a.allow!r})')
oid = objecten[0]['verwerktObjectId']
for prefix in ('', '/api/v1'):
    a = verzoek('GET', f'{prefix}/verwerkte-objecten/{oid}', rol=PORTAAL, koppen=oin)
    http_check(a, 200, f'GET {prefix}/verwerkte-objecten/{{verwerktObjectId}}', I, '/verwerkte-objecten/{verwerktObjectId}', 'get')
a = verzoek('GET', f'/verwerkte-objecten/{uuid.uuid4()}', rol=PORTAAL)
http_check(a, 404, 'GET an unknown verwerkt object', I, '/verwerkte-objecten/{verwerktObjectId}', 'get')
a = verzoek('GET', f'/verwerkte-objecten/{oid}', rol=PORTAAL, koppen={'OIN': '12'})
http_check(a, 400, 'GET a verwerkt object with a bad OIN header', I, '/verwerkte-objecten/{verwerktObjectId}', 'get')

# ---- nginx's own answers
for methode, pad, status in (('GET', '/onbekend', 404), ('GET', '/rpc/verwerkingsactie_list', 404),
                             ('GET', '/_vwl/verwerkingsactie_list', 404), ('GET', '/verwerkingsacties/%22x', 404),
                             ('PUT', '/verwerkingsacties', 405), ('TRACE', '/verwerkingsacties', 405),
                             ('DELETE', '/api/v1/verwerkte-objecten/' + oid, 405)):
    a = verzoek(methode, pad, rol=ZAAK)
    http_check(a, status, f'nginx: {methode} {pad}', B, '/verwerkingsacties', 'get')

# ---- the body limit: 16 MB passes, one byte more is nginx's 413
grens = 16 * 1024 * 1024
groot = json.dumps(zonder_nulls(document('Aan de grens', '333444555')))
a = verzoek('POST', '/verwerkingsacties', groot + ' ' * (grens - len(groot)), ZAAK)
http_check(a, 201, 'POST a body of exactly 16 MB', B, '/verwerkingsacties', 'post')
a = verzoek('POST', '/verwerkingsacties', groot + ' ' * (grens + 1 - len(groot)), ZAAK)
http_check(a, 413, 'POST a body of 16 MB + 1 byte', B, '/verwerkingsacties', 'post')
personen = [{'objecttype': 'persoon', 'soortObjectId': 'BSN', 'objectId': str(100000000 + k), 'betrokkenheid': 'Bewoner',
             'verwerkteSoortenGegevens': [{'soortGegeven': 'Naam'}, {'soortGegeven': 'Adres'}]} for k in range(10000)]
tienduizend = json.dumps(zonder_nulls(document('Tienduizend', None, objecten=personen)))
a = verzoek('POST', '/verwerkingsacties', tienduizend, ZAAK)
# (Its answer is not validated again: 10,000 objects of a schema already checked.)
http_check(a, 201, f'POST an action with 10,000 persons ({len(tienduizend) / 1e6:.1f} MB)')
check(a.json is not None and len(a.json.get('verwerkteObjecten', [])) == 10000, 'the action has its 10,000 persons')

print(f'http_nginx: {geteld["checks"]} checks, {len(fouten)} failed in {time.monotonic() - BEGIN:.1f} s; '
      f'{geteld["nulls"]} null elements seen (absent optional elements; the OpenAPI types have no nullable)')
sys.exit(1 if fouten else 0)
