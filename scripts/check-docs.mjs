#!/usr/bin/env node
// The documentation check (`npm run docs:links`, part of `npm test`):
//  - every relative link of README.md, CHANGELOG.md, docs/**/*.md and examples/**/README.md points at a
//    file that exists, and a `#anchor` into a Markdown file at one of its headings;
//  - every TypeScript block marked as a complete program (an HTML comment `<!-- compile -->` on the
//    line before its fence) and every app under examples/ type-checks against the package's sources
//    (`ssm-federated-access` resolves to modules/index.ts);
//  - README.md stays a front page: at most README_MAX_LINES lines (the manual is docs/guides).
//  - the consumer guide (docs/guides/consumer-apps.md) pins every package its install lines name
//    (but the package itself) to an exact version, the same as this repository's, and its tsconfig.json
//    is one the installed TypeScript accepts, without options TypeScript 7 removes;
//  - with --fresh-install (slow, so instead of compiling the examples in place), what a new user does:
//    in an empty folder, the guide's TypeScript and @types packages installed from the npm registry
//    (nothing else is downloaded), its tsconfig.json verbatim, and its compiled examples type-checked
//    by that compiler against the package as built in dist/ (`npm run build` first) and the peer
//    dependencies this repository installed.
// Prints one line per problem (file:line: what is wrong) and exits 1 if there is any.
//
// Usage: node scripts/check-docs.mjs [--root DIR] [--fresh-install]   (DIR: the tree to check, default
// this repository; the package sources and node_modules are always this repository's)
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMPILE_MARKER = '<!-- compile -->';
const README_MAX_LINES = 250;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'cdktf.out', '.gen', '.git', 'site']);

function parseArgs(argv) {
  let root = packageRoot;
  let freshInstall = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root' && argv[i + 1]) root = resolve(argv[++i]);
    else if (argv[i] === '--fresh-install') freshInstall = true;
    else {
      process.stderr.write(
        `check-docs: unknown argument ${JSON.stringify(argv[i])}. Usage: check-docs.mjs [--root DIR] [--fresh-install]\n`,
      );
      process.exit(2);
    }
  }
  return { root, freshInstall };
}

/** Files under dir (recursively) whose name passes keep, skipping build output and dependencies. */
function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...walk(join(dir, entry.name), keep));
    } else if (entry.isFile() && keep(entry.name)) out.push(join(dir, entry.name));
  }
  return out;
}

function markdownFiles(root) {
  return [
    ...['README.md', 'CHANGELOG.md'].map((f) => join(root, f)).filter((f) => existsSync(f)),
    ...walk(join(root, 'docs'), (name) => name.endsWith('.md')),
    ...walk(join(root, 'examples'), (name) => name === 'README.md'),
  ];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;

/**
 * Splits a Markdown file into what the checks need: its text with fenced code, HTML comments and
 * inline code blanked out (line numbers kept), its heading anchors, and the marked TypeScript blocks.
 */
function parseMarkdown(text, file, problems) {
  const lines = text.split('\n');
  const prose = [];
  const headings = [];
  const blocks = [];
  let fence = null; // { marker, lang, start, marked, body }
  let pendingMarker = null; // line number of a compile marker waiting for its block
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (fence) {
      const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/);
      if (close && close[1][0] === fence.marker[0] && close[1].length >= fence.marker.length) {
        if (fence.marked) blocks.push({ file, line: fence.start + 1, code: fence.body.join('\n') });
        fence = null;
      } else fence.body.push(line);
      prose.push('');
      return;
    }
    const open = line.match(FENCE);
    if (open) {
      const marked = pendingMarker !== null;
      if (marked && !['ts', 'typescript'].includes(open[2])) {
        problems.push(
          `${file}:${pendingMarker}: ${COMPILE_MARKER} must be followed by a \`\`\`ts block, found \`\`\`${open[2]}`,
        );
      }
      pendingMarker = null;
      fence = {
        marker: open[1],
        lang: open[2],
        start: lineNo,
        marked: marked && ['ts', 'typescript'].includes(open[2]),
        body: [],
      };
      prose.push('');
      return;
    }
    if (line.trim() === COMPILE_MARKER) {
      if (pendingMarker !== null)
        problems.push(`${file}:${pendingMarker}: ${COMPILE_MARKER} is not followed by a \`\`\`ts block`);
      pendingMarker = lineNo;
      prose.push('');
      return;
    }
    if (pendingMarker !== null && line.trim() !== '') {
      problems.push(`${file}:${pendingMarker}: ${COMPILE_MARKER} is not followed by a \`\`\`ts block`);
      pendingMarker = null;
    }
    const heading = line.match(/^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/);
    if (heading) headings.push(heading[1]);
    prose.push(line);
  });
  if (fence) problems.push(`${file}:${fence.start}: code block is never closed`);
  if (pendingMarker !== null)
    problems.push(`${file}:${pendingMarker}: ${COMPILE_MARKER} is not followed by a \`\`\`ts block`);

  const blank = (s) => s.replace(/[^\n]/g, ' ');
  const masked = prose
    .join('\n')
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/(`+)[\s\S]*?(?<!`)\1(?!`)/g, blank);
  const anchors = new Set();
  const seen = new Map();
  for (const heading of headings) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const m of masked.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  return { masked, anchors, blocks };
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The links of a masked Markdown text: inline links and images, reference definitions, HTML href/src. */
function links(masked) {
  const found = [];
  const lineOf = (index) => masked.slice(0, index).split('\n').length;
  for (const m of masked.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    found.push({ target: m[1], line: lineOf(m.index) });
  for (const m of masked.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm))
    found.push({ target: m[1], line: lineOf(m.index) });
  for (const m of masked.matchAll(/<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"/g))
    found.push({ target: m[1], line: lineOf(m.index) });
  return found;
}

function checkLinks(root, files, problems) {
  const parsed = new Map();
  const parse = (file) => {
    if (!parsed.has(file)) parsed.set(file, parseMarkdown(readFileSync(file, 'utf8'), relative(root, file), problems));
    return parsed.get(file);
  };
  let count = 0;
  const blocks = [];
  for (const file of files) {
    const doc = parse(file);
    blocks.push(...doc.blocks);
    for (const { target, line } of links(doc.masked)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // absolute URL
      count++;
      const where = `${relative(root, file)}:${line}`;
      const hash = target.indexOf('#');
      const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
      const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const resolved = path === '' ? file : resolve(dirname(file), path);
      if (resolved !== root && !resolved.startsWith(root + sep)) {
        problems.push(`${where}: link ${target} leaves the repository`);
        continue;
      }
      if (!existsSync(resolved)) {
        problems.push(`${where}: link ${target}: ${relative(root, resolved)} does not exist`);
        continue;
      }
      if (anchor !== undefined && extname(resolved) === '.md' && statSync(resolved).isFile()) {
        const { anchors } = parse(resolved);
        if (!anchors.has(anchor)) {
          problems.push(
            `${where}: link ${target}: ${relative(root, resolved)} has no heading with the anchor #${anchor}` +
              ` (its anchors: ${[...anchors].map((a) => `#${a}`).join(', ') || 'none'})`,
          );
        }
      }
    }
  }
  return { links: count, blocks };
}

/** Type-checks the marked blocks and the example apps against the package's sources, in one program. */
function checkCompiles(root, blocks, problems) {
  const examples = join(root, 'examples');
  const exampleFiles = (existsSync(examples) ? readdirSync(examples, { withFileTypes: true }) : [])
    .filter((e) => e.isDirectory())
    .flatMap((e) => walk(join(root, 'examples', e.name), (name) => name.endsWith('.ts') && !name.endsWith('.d.ts')));
  if (blocks.length === 0 && exampleFiles.length === 0) return 0;
  const work = mkdtempSync(join(tmpdir(), 'check-docs-'));
  try {
    const origin = new Map(); // temp file -> the block it holds
    blocks.forEach((block, i) => {
      const file = join(work, `block-${i}.ts`);
      // Each block is its own module, so that two blocks may declare the same names.
      writeFileSync(file, `${block.code}\nexport {};\n`);
      origin.set(file, block);
    });
    const options = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [join(packageRoot, 'node_modules', '@types')],
      strict: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      noEmit: true,
      baseUrl: packageRoot,
      paths: {
        'ssm-federated-access': ['modules/index.ts'],
        // Blocks live in a temporary folder: resolve packages from this repository's install.
        '*': ['node_modules/*', 'node_modules/@types/*'],
      },
    };
    const roots = [...origin.keys(), ...exampleFiles];
    const program = ts.createProgram(roots, options);
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...roots.flatMap((f) => {
        const source = program.getSourceFile(f);
        return source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : [];
      }),
    ];
    for (const d of diagnostics) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      if (!d.file || d.start === undefined) {
        problems.push(`TypeScript: TS${d.code}: ${message}`);
        continue;
      }
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const block = origin.get(resolve(d.file.fileName));
      const where = block ? `${block.file}:${block.line + line}` : `${relative(root, d.file.fileName)}:${line + 1}`;
      problems.push(`${where}: does not compile: TS${d.code}: ${message}`);
    }
    return roots.length;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const CONSUMER_GUIDE = join('docs', 'guides', 'consumer-apps.md');
const PACKAGE_NAME = 'ssm-federated-access';
/** tsconfig values that TypeScript 6 deprecates and TypeScript 7 refuses. */
const REMOVED_IN_TS7 = {
  moduleResolution: ['node', 'node10', 'classic'],
  module: ['amd', 'umd', 'system', 'none'],
  target: ['es3', 'es5'],
  baseUrl: undefined,
  outFile: undefined,
};

/** The fenced blocks of a Markdown text: language, first line of code (1-based) and code. */
function fencedBlocks(text) {
  const blocks = [];
  let open = null;
  text.split('\n').forEach((line, index) => {
    const fence = line.match(/^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/);
    if (open && fence && fence[1][0] === open.marker[0] && line.trim().length >= open.marker.length && !fence[2]) {
      blocks.push({ lang: open.lang, line: open.line, code: open.body.join('\n') });
      open = null;
    } else if (open) open.body.push(line);
    else if (fence) open = { marker: fence[1], lang: fence[2], line: index + 2, body: [] };
  });
  return blocks;
}

/** `npm install` lines of the guide: each package spec with its name, version and the line it is on. */
function installSpecs(blocks) {
  const specs = [];
  for (const block of blocks.filter((b) => ['sh', 'bash', 'console'].includes(b.lang))) {
    block.code.split('\n').forEach((line, i) => {
      const m = line.match(/^\s*\$?\s*npm (?:install|i|add)\s+(.*)$/);
      if (!m) return;
      const dev = /(^|\s)(-D|--save-dev)(\s|$)/.test(m[1]);
      for (const word of m[1].split(/\s+/).filter((w) => w && !w.startsWith('-'))) {
        const at = word.lastIndexOf('@');
        const [name, version] = at > 0 ? [word.slice(0, at), word.slice(at + 1)] : [word, undefined];
        specs.push({ name, version, dev, line: block.line + i });
      }
    });
  }
  return specs;
}

/**
 * The consumer guide's install lines and tsconfig.json, checked against this repository: returns
 * what the fresh-folder check needs, or undefined when the tree has no consumer guide.
 */
function checkConsumerGuide(root, markedBlocks, problems) {
  const file = join(root, CONSUMER_GUIDE);
  if (!existsSync(file)) return undefined;
  const blocks = fencedBlocks(readFileSync(file, 'utf8'));
  const specs = installSpecs(blocks);
  const own = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
  const pinned = { ...own.peerDependencies, ...own.devDependencies };
  for (const spec of specs.filter((s) => s.name !== PACKAGE_NAME)) {
    const where = `${CONSUMER_GUIDE}:${spec.line}`;
    if (!spec.version || !/^\d+\.\d+\.\d+$/.test(spec.version)) {
      problems.push(
        `${where}: installs ${spec.name} without an exact version: pin it (${spec.name}@${pinned[spec.name] ?? '<version>'}), or a new release changes what readers get`,
      );
    } else if (pinned[spec.name] && pinned[spec.name] !== spec.version) {
      problems.push(
        `${where}: installs ${spec.name}@${spec.version}, but this repository builds with ${pinned[spec.name]}`,
      );
    }
  }
  const tsconfigBlock = blocks.find((b) => b.lang === 'json' && b.code.includes('"compilerOptions"'));
  if (!tsconfigBlock) {
    problems.push(`${CONSUMER_GUIDE}: has no tsconfig.json block (a json block with "compilerOptions")`);
    return undefined;
  }
  const tsconfig = JSON.parse(tsconfigBlock.code);
  checkTsconfig(tsconfig, `${CONSUMER_GUIDE}:${tsconfigBlock.line}`, problems);
  const examples = markedBlocks.filter((b) => b.file === CONSUMER_GUIDE);
  return { specs, tsconfig, tsconfigWhere: `${CONSUMER_GUIDE}:${tsconfigBlock.line}`, examples };
}

/** The guide's tsconfig.json: options the installed TypeScript accepts, none that TypeScript 7 removes. */
function checkTsconfig(tsconfig, where, problems) {
  const parsed = ts.parseJsonConfigFileContent(tsconfig, ts.sys, packageRoot);
  for (const d of parsed.errors.filter((e) => e.code !== 18003)) {
    problems.push(`${where}: tsconfig.json: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  for (const [option, removed] of Object.entries(REMOVED_IN_TS7)) {
    const value = tsconfig.compilerOptions?.[option];
    if (value === undefined) continue;
    if (removed === undefined || removed.includes(String(value).toLowerCase())) {
      problems.push(
        `${where}: tsconfig.json sets ${option}: ${JSON.stringify(value)}, which TypeScript 6 deprecates and TypeScript 7 removes`,
      );
    }
  }
}

/** Runs a command; returns its output, or pushes a problem and returns undefined. */
function runIn(cwd, command, args, what, problems) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status === 0) return result.stdout;
  problems.push(`${what} failed:\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || result.error?.message}`);
  return undefined;
}

/**
 * What a new user does with the guide, in an empty folder: its TypeScript and @types packages from
 * the npm registry, its tsconfig.json as written, its examples as main.ts, compiled with `tsc -p`.
 * The package is this repository's dist/ and its peers come from this repository's node_modules
 * (linked: the versions the static check compares), so only the compiler is downloaded.
 */
function checkFreshInstall(consumer, problems) {
  const started = Date.now();
  if (!existsSync(join(packageRoot, 'dist', 'modules', 'index.d.ts'))) {
    problems.push(`${CONSUMER_GUIDE}: the fresh-folder check compiles against dist/: run \`npm run build\` first`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'check-docs-consumer-'));
  try {
    writeFileSync(join(work, 'package.json'), `${JSON.stringify({ name: 'consumer-app', private: true }, null, 2)}\n`);
    const downloaded = consumer.specs.filter((s) => s.name === 'typescript' || s.name.startsWith('@types/'));
    const installed = runIn(
      work,
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--prefer-offline',
        '--save-dev',
        '--save-exact',
        ...downloaded.map((s) => `${s.name}@${s.version}`),
      ],
      `npm install ${downloaded.map((s) => s.name).join(' ')} in a fresh folder`,
      problems,
    );
    if (installed === undefined) return;
    for (const spec of consumer.specs.filter((s) => !s.dev)) {
      const target = spec.name === PACKAGE_NAME ? packageRoot : join(packageRoot, 'node_modules', spec.name);
      mkdirSync(dirname(join(work, 'node_modules', spec.name)), { recursive: true });
      symlinkSync(target, join(work, 'node_modules', spec.name), 'dir');
    }
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(consumer.tsconfig, null, 2));
    consumer.examples.forEach((b, i) => writeFileSync(join(work, `example-${i + 1}.ts`), `${b.code}\n`));
    writeFileSync(join(work, 'main.ts'), consumer.examples.map((_, i) => `import './example-${i + 1}';\n`).join(''));
    const tsc = join(work, 'node_modules', 'typescript', 'bin', 'tsc');
    const version = runIn(work, process.execPath, [tsc, '--version'], 'tsc --version', problems);
    const compiled = runIn(work, process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], '', []);
    if (compiled === undefined) {
      const output = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
        cwd: work,
        encoding: 'utf8',
      }).stdout;
      problems.push(
        `${consumer.tsconfigWhere}: the guide's install line and tsconfig.json do not compile its examples in a fresh folder (${(version ?? '').trim()}):\n${output.trim()}`,
      );
    }
    consumer.freshSeconds = (Date.now() - started) / 1000;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const { root, freshInstall } = parseArgs(process.argv.slice(2));
const problems = [];
const files = markdownFiles(root);
const { links: linkCount, blocks } = checkLinks(root, files, problems);
// --fresh-install is the slow check on its own: the links and examples are the quick run's.
const compiled = freshInstall ? 0 : checkCompiles(root, blocks, problems);
const consumer = checkConsumerGuide(root, blocks, problems);
if (freshInstall && consumer) checkFreshInstall(consumer, problems);
const readme = join(root, 'README.md');
if (existsSync(readme)) {
  const lines = readFileSync(readme, 'utf8').replace(/\n$/, '').split('\n').length;
  if (lines > README_MAX_LINES) {
    problems.push(
      `README.md: has ${lines} lines, more than ${README_MAX_LINES}: move the detail into a guide under docs/guides and link it`,
    );
  }
}

if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n${problems.length} documentation problem(s)\n`);
  process.exit(1);
}
process.stdout.write(
  `docs: ${files.length} Markdown files, ${linkCount} relative links, ${blocks.length} compiled blocks, ${compiled} files compiled in all` +
    `${consumer ? `; consumer guide: ${consumer.specs.filter((x) => x.name !== PACKAGE_NAME).length} packages pinned` : ''}` +
    `${consumer?.freshSeconds === undefined ? '' : `, compiled in a fresh folder in ${consumer.freshSeconds.toFixed(1)} s`}\n`,
);
