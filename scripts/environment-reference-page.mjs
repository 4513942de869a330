// The field reference page (docs/reference/environment-fields.md) from the described JSON Schema that
// scripts/environment-reference.mjs builds: one table per top-level section, one row per field path.
// Pure: schema in, Markdown out (prettier formats it afterwards).

/** A table cell: `|` escaped, and `<` outside code spans, which Markdown renderers would take for HTML. */
function cell(text) {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
    .replace(/\|/g, '\\|');
}

const code = (value) => `\`${value}\``;

const isObject = (node) => node?.type === 'object' && node.properties !== undefined;

/** The branches of a union whose members are objects told apart by a constant `type`. */
function variantsOf(node) {
  const branches = node.oneOf ?? node.anyOf;
  if (!branches || !branches.every((b) => isObject(b) && b.properties.type?.const !== undefined)) return undefined;
  return branches;
}

function typeOf(node, ctx) {
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (node.enum) {
    if (ctx.regions.every((r) => node.enum.includes(r))) return 'AWS region';
    return node.enum.map((v) => code(JSON.stringify(v))).join(' or ');
  }
  const branches = node.oneOf ?? node.anyOf;
  if (branches) return variantsOf(node) ? 'object' : branches.map((b) => typeOf(b, ctx)).join(' or ');
  if (node.type === 'array') {
    const item = typeOf(node.items, ctx);
    const list = item.includes(' or ') ? `list of (${item})` : `list of ${item}`;
    return node.minItems ? `${list}, at least ${node.minItems}` : list;
  }
  if (node.type === 'object' && !node.properties && node.additionalProperties) {
    const key =
      node.propertyNames?.enum && ctx.regions.every((r) => node.propertyNames.enum.includes(r))
        ? 'AWS region'
        : 'string';
    return `map of ${key} to ${typeOf(node.additionalProperties, ctx)}`;
  }
  if (node.type === 'string' && node.format === 'email') return 'email address';
  return node.type ?? 'any';
}

/** A JSDoc `@default`: a name or a value as code (`<environment>-break-glass`), prose as it is. */
const defaultText = (text) => (/\s/.test(text) ? text : code(text));

function defaultOf(node, required) {
  const documented = node['x-default-text'];
  if (node.default !== undefined) {
    const json = JSON.stringify(node.default);
    if (typeof node.default !== 'object' || (documented === undefined && json.length <= 40)) return code(json);
    return documented ? defaultText(documented) : 'the defaults of its fields';
  }
  if (documented) return defaultText(documented);
  return required ? '**required**' : 'none';
}

/** The key placeholder of a map's entries: `<region>` for maps keyed by region, `<name>` otherwise. */
const keyOf = (node, ctx) =>
  node.propertyNames?.enum && ctx.regions.every((r) => node.propertyNames.enum.includes(r)) ? '<region>' : '<name>';

/** Rows for `node` at `path` and every field below it. */
function rows(node, path, required, ctx, out = []) {
  out.push({ path, type: typeOf(node, ctx), default: defaultOf(node, required), description: node.description ?? '' });
  children(node, path, ctx, out);
  return out;
}

function children(node, path, ctx, out) {
  if (isObject(node)) {
    for (const [name, child] of Object.entries(node.properties))
      rows(child, `${path}.${name}`, (node.required ?? []).includes(name), ctx, out);
  } else if (node.type === 'array' && node.items) {
    children(node.items, `${path}[]`, ctx, out);
  } else if (node.type === 'object' && isObject(node.additionalProperties)) {
    children(node.additionalProperties, `${path}.${keyOf(node, ctx)}`, ctx, out);
  } else if (node.oneOf ?? node.anyOf) {
    for (const branch of node.oneOf ?? node.anyOf) children(branch, path, ctx, out);
  }
}

function table(list) {
  return [
    '| field | type | default | description |',
    '| --- | --- | --- | --- |',
    ...list.map((r) => `| ${code(r.path)} | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`),
  ].join('\n');
}

function sections(schema, ctx) {
  const out = [];
  const required = schema.required ?? [];
  const top = Object.entries(schema.properties).map(([name, node]) => ({
    name,
    node,
    row: rows(node, name, required.includes(name), ctx)[0],
  }));
  out.push('## Top level', '', table(top.map((t) => t.row)), '');
  for (const { name, node } of top) {
    const variants = variantsOf(node);
    if (variants) {
      out.push(`## ${code(name)}`, '', `${cell(node.description ?? '')} One of:`, '');
      for (const variant of variants) {
        const list = [];
        children(variant, name, ctx, list);
        out.push(`### ${code(name)} with ${code(`type: ${JSON.stringify(variant.properties.type.const)}`)}`, '');
        out.push(table(list), '');
      }
      continue;
    }
    const list = [];
    children(node, name, ctx, list);
    if (list.length === 0) continue;
    out.push(`## ${code(name)}`, '', cell(node.description ?? ''), '', table(list), '');
  }
  return out;
}

/** The whole page. */
export function referencePage(schema, ctx) {
  return [
    '---',
    'title: Environment fields',
    '---',
    '',
    '# Environment fields',
    '',
    `<!-- Generated from ${ctx.source} by scripts/environment-reference.mjs: do not edit, run \`${ctx.command}\`. -->`,
    '',
    'Every field of an environment: an environment file of this repository, the `environment` of',
    '`SsmFederatedAccess`, or an entry of `organizationEnvironments` (the `EnvironmentInput` type). Paths use',
    '`[]` for the entries of a list and `<region>` or `<name>` for the keys of a map. A field with a default may',
    'be left out; the defaults of a section apply when the whole section is left out.',
    '',
    'The same fields as a JSON Schema (draft-07), for editors and other tools that read environments kept as',
    `JSON or YAML: [${ctx.schemaFile}](../../${ctx.schemaFile}), shipped in the package as`,
    '`ssm-federated-access/schema/environment.schema.json` and published beside this page. The schema and',
    'this page hold the rules of each field; the rules that tie fields together (for example, run-as needs',
    'a default user, just-in-time mode needs approval policies) are checked by the environment loader when the',
    'app synthesizes, which reports every problem with the field path and the fix.',
    '',
    'To have an editor check an environment kept as data, point it at the schema: in VS Code, a `json.schemas`',
    'setting such as `{ "fileMatch": ["environments/*.json"], "url": "./node_modules/ssm-federated-access/schema/environment.schema.json" }`;',
    'in a YAML file, a first line `# yaml-language-server: $schema=<path or address of the schema>`. Do not add a',
    '`$schema` field to the environment itself: the loader refuses fields it does not know.',
    '',
    ...sections(schema, ctx),
  ].join('\n');
}
