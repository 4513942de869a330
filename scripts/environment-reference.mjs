#!/usr/bin/env node
// The environment file's JSON Schema and field reference, both generated from the zod schema
// (modules/environment/environment-schema.ts), so that neither can drift from what the loader accepts:
//  - schema/environment.schema.json: `z.toJSONSchema` of the input form (what a file may hold, before
//    defaults apply), JSON Schema draft-07 because that is the draft every editor's JSON and YAML
//    support validates; shipped in the package and published with the docs site;
//  - docs/reference/environment-fields.md: every field path with its type, default and description.
// zod cannot see the schema's JSDoc comments, so the descriptions are read from the source with the
// TypeScript compiler API and matched to the JSON Schema's objects by their set of field names (an
// ambiguous or unmatched set is an error, never a guess). Rules that zod checks with code (`.refine`)
// have no JSON Schema form: their messages become part of the description; rules that span sections
// (`.superRefine`) stay the loader's alone, as the reference page says.
//
// Usage: node scripts/environment-reference.mjs [--check | --publish DIR]
//   no option: writes both files;
//   --check: writes nothing, prints which file is out of date and exits 1 (test/docs runs this);
//   --publish DIR: copies the committed schema to DIR/schema/environment.schema.json, a stable
//     address on the documentation site (`npm run docs` publishes to site/).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';
import esbuildOptions from './esbuild-options.cjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = 'modules/environment/environment-schema.ts';
export const SCHEMA_FILE = 'schema/environment.schema.json';
export const REFERENCE_FILE = 'docs/reference/environment-fields.md';
const COMMAND = 'npm run docs:reference';

/** The schema module, bundled from the TypeScript source (packages stay external), so no build is needed. */
async function loadSchemaModule() {
  const result = await build({ ...esbuildOptions.NODE_BUNDLE, entryPoints: [SOURCE], write: false });
  const filename = join(root, 'environment-schema.bundle.cjs');
  const module = new Module(filename);
  module.filename = filename;
  module.paths = Module._nodeModulePaths(root);
  module.require = createRequire(filename);
  module._compile(result.outputFiles[0].text, filename);
  return module.exports;
}

/** JSDoc of a node: its text on one line, and its `@default` tag's text. */
function jsDocOf(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs.at(-1);
  if (!doc) return undefined;
  const oneLine = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
  const text = oneLine(ts.getTextOfJSDocComment(doc.comment));
  const tag = (doc.tags ?? []).find((t) => t.tagName.text === 'default');
  const defaultText = tag ? oneLine(ts.getTextOfJSDocComment(tag.comment)) : undefined;
  return { text, ...(defaultText ? { defaultText } : {}) };
}

const fingerprint = (keys) => [...keys].sort().join(',');

/**
 * The documented fields of every `z.strictObject({...})` / `z.object({...})` of the source, by the
 * set of its field names: fingerprint -> field name -> { text, defaultText }.
 */
function sourceDocs(file) {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const objects = new Map();
  const problems = [];
  const visit = (node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['strictObject', 'object', 'looseObject'].includes(node.expression.name.text) &&
      node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0])
    ) {
      const fields = new Map();
      for (const property of node.arguments[0].properties) {
        if (!property.name || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) continue;
        const doc = jsDocOf(property);
        fields.set(property.name.text, doc ?? { text: '' });
      }
      const key = fingerprint(fields.keys());
      const seen = objects.get(key);
      if (seen && JSON.stringify([...seen]) !== JSON.stringify([...fields])) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        problems.push(`${file}:${line + 1}: two objects have the fields {${key}} with different comments`);
      }
      objects.set(key, fields);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return objects;
}

/** The "<rule>" part of a rule message written as "<rule>. <fix>". */
const ruleOf = (message) => message.split(/\.\s+(?=[A-Z])/)[0].replace(/\.$/, '');

/**
 * JSON Schema of the input form. The messages of the checks (`.refine`, which is code JSON Schema
 * cannot hold, and `.regex`, `.min` and the like, whose keywords do not say why) are kept under
 * `x-rules` on the node they check, until `describe` folds them into its description. `_zod.def` is
 * zod 4's internals for tools that walk schemas.
 */
function jsonSchemaOf(z, schema) {
  return z.toJSONSchema(schema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const messages = (zodSchema._zod.def.checks ?? [])
        .filter((check) => typeof check._zod.def.error === 'function')
        .map((check) => check._zod.def.error({}))
        .filter((message) => typeof message === 'string');
      if (messages.length > 0) jsonSchema['x-rules'] = [...new Set(messages.map(ruleOf))];
    },
  });
}

/** Walks every schema node below `node` (properties, items, unions, records), parents first. */
function walk(node, visit) {
  if (!node || typeof node !== 'object') return;
  visit(node);
  for (const child of Object.values(node.properties ?? {})) walk(child, visit);
  for (const key of ['items', 'additionalProperties', 'propertyNames']) walk(node[key], visit);
  for (const key of ['anyOf', 'oneOf', 'allOf']) (node[key] ?? []).forEach((child) => walk(child, visit));
}

const sentence = (s) => (s === '' || /[.!?)]$/.test(s) ? s : `${s}.`);

/** Puts each field's JSDoc and rules into `description`, and the JSDoc `@default` into `x-default-text`. */
function describe(schema, docs) {
  const problems = [];
  walk(schema, (node) => {
    if (!node.properties) return;
    const fields = docs.get(fingerprint(Object.keys(node.properties)));
    if (!fields) {
      problems.push(`no object of ${SOURCE} has exactly the fields {${Object.keys(node.properties).join(', ')}}`);
      return;
    }
    for (const [name, property] of Object.entries(node.properties)) {
      const doc = fields.get(name);
      if (doc.text) property.description = sentence(doc.text);
      if (doc.defaultText) property['x-default-text'] = doc.defaultText;
    }
  });
  walk(schema, (node) => {
    const rules = node['x-rules'];
    delete node['x-rules'];
    if (!rules) return;
    const text = rules.map((r) => `Must ${r.replace(/^must /, '')}.`).join(' ');
    node.description = node.description ? `${node.description} ${text}` : text;
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return schema;
}

/** The schema as shipped: descriptions in, the reference page's working data out. */
function shippedSchema(schema) {
  const copy = structuredClone(schema);
  walk(copy, (node) => {
    if (node['x-default-text'] === undefined) return;
    if (node.default === undefined && node.description) node.description += ` Default: ${node['x-default-text']}.`;
    delete node['x-default-text'];
  });
  const { $schema, ...rest } = copy;
  return {
    $schema,
    title: 'ssm-federated-access environment',
    description: `An environment of ssm-federated-access (the EnvironmentInput type), as written in an environment file, before defaults apply. Generated from ${SOURCE}; rules that span fields are checked by the environment loader only.`,
    ...rest,
  };
}

export async function generate() {
  const { environmentSchema, AWS_REGIONS } = await loadSchemaModule();
  const { z } = createRequire(join(root, 'package.json'))('zod');
  const described = describe(jsonSchemaOf(z, environmentSchema), sourceDocs(SOURCE));
  const { referencePage } = await import('./environment-reference-page.mjs');
  const format = async (text, file) =>
    prettier.format(text, { ...(await prettier.resolveConfig(join(root, file))), filepath: join(root, file) });
  return {
    [SCHEMA_FILE]: await format(JSON.stringify(shippedSchema(described)), SCHEMA_FILE),
    [REFERENCE_FILE]: await format(
      referencePage(described, { regions: AWS_REGIONS, source: SOURCE, schemaFile: SCHEMA_FILE, command: COMMAND }),
      REFERENCE_FILE,
    ),
  };
}

async function main(argv) {
  const [option, dir, ...rest] = argv;
  if (option === '--publish' && dir && rest.length === 0) {
    mkdirSync(join(dir, 'schema'), { recursive: true });
    copyFileSync(join(root, SCHEMA_FILE), join(dir, SCHEMA_FILE));
    process.stdout.write(`published ${join(dir, SCHEMA_FILE)}\n`);
    return 0;
  }
  const check = option === '--check';
  if (argv.length > (check ? 1 : 0)) {
    process.stderr.write(
      `environment-reference: unexpected arguments ${argv.join(' ')}. Usage: environment-reference.mjs [--check | --publish DIR]\n`,
    );
    return 2;
  }
  const files = await generate();
  const stale = [];
  for (const [file, text] of Object.entries(files)) {
    const path = join(root, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    stale.push(file);
    if (!check) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(
      `${stale.map((f) => `${f}: out of date with ${SOURCE}`).join('\n')}\nRun \`${COMMAND}\` and commit the result.\n`,
    );
    return 1;
  }
  const verb = check ? 'current' : stale.length > 0 ? `written: ${stale.join(', ')}` : 'already current';
  process.stdout.write(`environment reference ${verb} (${Object.keys(files).join(', ')})\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
