#!/usr/bin/env node
// The documentation check (`npm run docs:links`, part of `npm test`):
//  - every relative link of README.md, CHANGELOG.md, docs/**/*.md and examples/**/README.md points at a
//    file that exists, and a `#anchor` into a Markdown file at one of its headings;
//  - every TypeScript block marked as a complete program (an HTML comment `<!-- compile -->` on the
//    line before its fence) and every app under examples/ type-checks against the package's sources
//    (`ssm-federated-access` resolves to modules/index.ts);
//  - README.md stays a front page: at most README_MAX_LINES lines (the manual is docs/guides).
// Prints one line per problem (file:line: what is wrong) and exits 1 if there is any.
//
// Usage: node scripts/check-docs.mjs [--root DIR]   (DIR: the tree to check, default this repository;
// the package sources and node_modules are always this repository's)
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root' && argv[i + 1]) root = resolve(argv[++i]);
    else {
      process.stderr.write(
        `check-docs: unknown argument ${JSON.stringify(argv[i])}. Usage: check-docs.mjs [--root DIR]\n`,
      );
      process.exit(2);
    }
  }
  return { root };
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

const { root } = parseArgs(process.argv.slice(2));
const problems = [];
const files = markdownFiles(root);
const { links: linkCount, blocks } = checkLinks(root, files, problems);
const compiled = checkCompiles(root, blocks, problems);
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
  `docs: ${files.length} Markdown files, ${linkCount} relative links, ${blocks.length} compiled blocks, ${compiled} files compiled in all\n`,
);
