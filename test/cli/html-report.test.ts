import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { readStackAccess } from '../../cli/access/read-stack';
import { accessDiff } from '../../cli/report/access-diff';
import { buildEnvironmentReport } from '../../cli/report/build-report';
import { renderHtml } from '../../cli/report/html';
import { MATRIX_HEADERS, renderReport } from '../../cli/report/render';
import { type TerraformPlan, parsePlan } from '../../cli/report/terraform-plan';
import { synthesize } from '../support/synth';

/**
 * The HTML page renders in a real browser (headless Chromium) and its grid says what the Markdown
 * table says, cell for cell. `UPDATE_DOCS_SCREENSHOT=1` also copies the screenshot to
 * docs/access-matrix.png for the README.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function chromium(args: string[]): string {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed (${CHROMIUM}): the HTML report is tested in a real browser. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (CI installs it in .ci/run), or set CHROMIUM_PATH',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'ssm-fa-chromium-'));
  const result = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 90_000 },
  );
  if (result.status !== 0) throw new Error(`chromium failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

const fixture = (name: string): TerraformPlan => {
  const path = join(__dirname, '..', 'fixtures', 'plans', `${name}.json`);
  return parsePlan(readFileSync(path, 'utf8'), path);
};

/** The widened plan with the SSH document dropped as well: access both gained and lost. */
function widenedAndNarrowed(): TerraformPlan {
  const plan = fixture('widened-policy');
  return {
    ...plan,
    resource_changes: plan.resource_changes!.map((rc) => {
      if (typeof rc.change.after?.policy !== 'string' || rc.type !== 'aws_iam_role_policy') return rc;
      const policy = JSON.parse(rc.change.after.policy) as PolicyDocument;
      const narrowed = policy.Statement.map((s) =>
        Array.isArray(s.Resource)
          ? { ...s, Resource: s.Resource.filter((r) => !r.endsWith('AWS-StartSSHSession')) }
          : s,
      );
      return {
        ...rc,
        change: {
          ...rc.change,
          after: { ...rc.change.after, policy: JSON.stringify({ ...policy, Statement: narrowed }) },
        },
      };
    }),
  };
}

/** The cells of each row of the Markdown matrix table, code spans and escapes undone. */
function markdownRows(markdown: string): string[][] {
  const header = `| ${MATRIX_HEADERS.join(' | ')} |`;
  const lines = markdown.split('\n');
  const start = lines.indexOf(header);
  expect(start).toBeGreaterThan(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('| ')) break;
    rows.push(
      line
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((c) => c.replace(/\\\|/g, '|').replace(/^`(.*)`$/, '$1')),
    );
  }
  return rows;
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A grid's rows as the browser's DOM has them: each case row's data attributes and cell classes. */
function domRows(dom: string, grid: 'matrix' | 'changes'): { cells: string[]; classes: string[]; rowClass: string }[] {
  const table = new RegExp(`<table class="grid ${grid}">([\\s\\S]*?)</table>`).exec(dom)?.[1] ?? '';
  const rows = [...table.matchAll(/<tr class="(case[^"]*)"([^>]*)>(.*?)<\/tr>/g)];
  return rows.map(([, rowClass, attributes, body]) => ({
    rowClass,
    cells: MATRIX_HEADERS.map((h) => {
      const match = new RegExp(` data-${h.toLowerCase().replace(/ /g, '-')}="([^"]*)"`).exec(attributes);
      return unescapeHtml(match?.[1] ?? '(missing)');
    }),
    classes: [...body.matchAll(/<td class="decision ([a-z]+)"/g)].map((m) => m[1]),
  }));
}

describe('the HTML access grid in headless Chromium', () => {
  let markdown: string;
  let dom: string;
  let screenshot: string;

  beforeAll(async () => {
    const { stacks } = synthesize(environmentSources.filter((s) => s.input.name === 'example'));
    const example = readStackAccess(stacks.get('example')!);
    const report = await buildEnvironmentReport('example', 'live', widenedAndNarrowed(), async (p) => ({
      access: await accessDiff(example, p),
    }));
    markdown = renderReport([report]);
    const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-html-'));
    const page = join(dir, 'report.html');
    writeFileSync(page, renderHtml([report]));
    dom = chromium(['--dump-dom', `file://${page}`]);
    screenshot = join(dir, 'access-matrix.png');
    chromium([`--screenshot=${screenshot}`, '--window-size=1280,600', `file://${page}`]);
  }, 180_000);

  it('renders: the browser built the grid from the page', () => {
    expect(dom).toContain('<table class="grid matrix">');
    expect(existsSync(screenshot)).toBe(true);
    // A blank page is a few kilobytes; a rendered grid is many times that.
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1')
      copyFileSync(screenshot, join(__dirname, '..', '..', 'docs', 'access-matrix.png'));
  });

  it('has one grid row per Markdown row, with the same cells', () => {
    const fromMarkdown = markdownRows(markdown);
    const fromDom = domRows(dom, 'matrix');
    expect(fromMarkdown.length).toBeGreaterThan(50);
    // The grid groups the rows by who asks, in the order the matrix first names them.
    const who = MATRIX_HEADERS.indexOf('Principal');
    const grouped = [...new Set(fromMarkdown.map((r) => r[who]))].flatMap((p) =>
      fromMarkdown.filter((r) => r[who] === p),
    );
    expect(fromDom.map((r) => r.cells)).toEqual(grouped);
  });

  it('colours each decision cell by its state and highlights access gained and lost', () => {
    const css = (label: string) =>
      ({ '-': 'none', allowed: 'allowed', denied: 'denied', 'denied (explicit)': 'explicit' })[label];
    const rows = domRows(dom, 'matrix');
    for (const row of rows) {
      expect(row.classes).toEqual([css(row.cells[5]), css(row.cells[6])]);
      expect(row.rowClass).toBe(row.cells[7] ? `case ${row.cells[7]}` : 'case');
    }
    const gained = rows.filter((r) => r.rowClass === 'case gained');
    const lost = rows.filter((r) => r.rowClass === 'case lost');
    expect(gained.map((r) => r.cells[4])).toEqual(
      expect.arrayContaining(["someone else's instance", 'untagged instance']),
    );
    expect(lost.map((r) => `${r.cells[4]} ${r.cells[3]}`)).toEqual([
      'SSH on in this environment arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession',
      'SSH on in this environment arn:aws:ssm:us-east-1::document/AWS-StartSSHSession',
    ]);
    // The same changes as the Markdown's words, and first in the page, on their own.
    expect(gained).toHaveLength((markdown.match(/:unlock: gained:/g) ?? []).length);
    expect(lost).toHaveLength((markdown.match(/:lock: lost:/g) ?? []).length);
    expect(domRows(dom, 'changes')).toEqual([...rows.filter((r) => r.rowClass !== 'case')]);
  });

  it('is self-contained: no scripts, no external styles, fonts or images', () => {
    expect(dom).not.toMatch(/<script|<link|<img|url\(|https?:\/\//);
  });
});

describe('the HTML page: audit settings', () => {
  const page = async (name: string) =>
    renderHtml([await buildEnvironmentReport('example', 'live', fixture(name), async () => ({}))]);

  it('says each weakening loudly and lists every changed setting before -> after', async () => {
    const html = await page('weakened-audit');
    expect(html.match(/<p class="caution"><b>WEAKENED<\/b>/g)).toHaveLength(7);
    expect(html).toContain('<h3>Audit settings</h3>');
    expect(html).toContain(
      '<li class="weakened"><code>runAsEnabled: true -&gt; false</code> <b>run-as turned off: sessions run as the shared default user, not as each person</b></li>',
    );
    expect(html).toContain('<li><code>idleSessionTimeout: &quot;20&quot; -&gt; &quot;60&quot;</code></li>');
  });

  it('flags nothing where the audit is kept or tightened', async () => {
    const html = await page('tightened-audit');
    expect(html).toContain('<h3>Audit settings</h3>');
    expect(html).not.toMatch(/WEAKENED|class="weakened"/);
  });
});
