#!/usr/bin/python3
"""Validate zctrace JSON documents against the JSON Schema their "schema" names.

usage: validate-json.py [--schemas DIR] FILE...
       validate-json.py [--schemas DIR] --check-schemas

A document whose "schema" is "zctrace.KIND/V" is checked against
DIR/KIND.V.schema.json (DIR: the schemas/ folder beside this script's folder).
Exit 0: every document is valid; 1: some is not (each error printed with its
JSON path); 2: bad input (unreadable file, not JSON, no or unknown schema).
"""
import argparse
import json
import os
import re
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))


def load_schemas(folder):
    store = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith('.schema.json'):
            with open(os.path.join(folder, name)) as f:
                schema = json.load(f)
            store[schema['$id']] = (name, schema)
    return store


def validator_for(store, kind, version):
    sid = 'urn:zctrace:schema:%s:%s' % (kind, version)
    if sid not in store:
        return None
    resolver = jsonschema.RefResolver(sid, store[sid][1],
                                      store={k: v[1] for k, v in store.items()})
    return jsonschema.Draft202012Validator(store[sid][1], resolver=resolver)


def where(error):
    return '$' + ''.join('[%d]' % p if isinstance(p, int) else '.' + str(p)
                         for p in error.absolute_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--schemas', default=os.path.join(os.path.dirname(HERE), 'schemas'))
    ap.add_argument('--check-schemas', action='store_true')
    ap.add_argument('files', nargs='*')
    args = ap.parse_args()
    store = load_schemas(args.schemas)
    if args.check_schemas:
        for name, schema in store.values():
            jsonschema.Draft202012Validator.check_schema(schema)
            print('%s: a valid JSON Schema (draft 2020-12)' % name)
        return 0
    if not args.files:
        print('validate-json: error: no document given', file=sys.stderr)
        return 2
    worst = 0
    for path in args.files:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print('validate-json: error: %s: %s' % (path, e), file=sys.stderr)
            return 2
        name = doc.get('schema') if isinstance(doc, dict) else None
        m = re.fullmatch(r'zctrace\.([a-z-]+)/(\d+)', name) if isinstance(name, str) else None
        v = validator_for(store, m.group(1), m.group(2)) if m else None
        if v is None:
            print('validate-json: error: %s: no schema for "schema": %s'
                  % (path, json.dumps(name)), file=sys.stderr)
            return 2
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors[:20]:
            print('%s: %s: %s' % (path, where(e), e.message[:300]))
        if len(errors) > 20:
            print('%s: ... and %d more errors' % (path, len(errors) - 20))
        if errors:
            worst = 1
        else:
            print('%s: valid %s' % (path, name))
    return worst


if __name__ == '__main__':
    sys.exit(main())
