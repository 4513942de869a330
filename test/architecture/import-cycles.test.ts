import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SOURCE_FOLDERS, cyclePath, importCycles, importGraph } from './import-graph';

/**
 * No import cycles in the sources: every module of modules/, stacks/, cli/, environments/ and
 * handlers/ can be read, tested and moved after the ones it imports. Type-only imports count too.
 */
const ROOT = join(__dirname, '..', '..');

describe('the import graph', () => {
  const graph = importGraph(ROOT);
  const cycles = importCycles(graph);

  it('covers every source folder', () => {
    for (const folder of SOURCE_FOLDERS) {
      expect({ folder, files: [...graph.keys()].some((f) => f.startsWith(`${folder}/`)) }).toEqual({
        folder,
        files: true,
      });
    }
  });

  it('has no import cycle', () => {
    expect(cycles.map((c) => cyclePath(graph, c).join(' -> '))).toEqual([]);
  });
});

describe('the cycle finder', () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

  it('finds a cycle through any number of files, and a file that imports itself', () => {
    const g = graph({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts', 'd.ts'], 'd.ts': [], 'e.ts': ['e.ts'] });
    expect(importCycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    expect(cyclePath(g, ['a.ts', 'b.ts', 'c.ts'])).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });

  it('finds none in a graph without one', () => {
    expect(importCycles(graph({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts'], 'c.ts': [] }))).toEqual([]);
  });

  it('follows re-exports, type-only and dynamic imports, `.js` specifiers and index files', () => {
    const root = mkdtempSync(join(tmpdir(), 'ssm-fa-imports-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('cli/a.ts', "export type { B } from './b';\n");
    write('cli/b.ts', "export type B = number;\nexport const load = () => import('./c/index.js');\n");
    write('cli/c/index.ts', "import type { A } from '../lib';\nexport type C = A;\n");
    write(
      'cli/lib/index.ts',
      "import { B } from '../a.js';\nimport { readFileSync } from 'node:fs';\nexport type A = B;\n",
    );
    const g = importGraph(root, ['cli']);
    expect(Object.fromEntries(g)).toEqual({
      'cli/a.ts': ['cli/b.ts'],
      'cli/b.ts': ['cli/c/index.ts'],
      'cli/c/index.ts': ['cli/lib/index.ts'],
      'cli/lib/index.ts': ['cli/a.ts'],
    });
    expect(importCycles(g)).toEqual([['cli/a.ts', 'cli/b.ts', 'cli/c/index.ts', 'cli/lib/index.ts']]);
  });
});
