import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { synthesize } from '../support/synth';

/**
 * Resource addresses are part of the public contract (CHANGELOG.md, "Versioning policy"): a changed
 * address replaces the resource on the next apply. The example environment's addresses are pinned
 * in a reviewed list; to accept a change, run `UPDATE_ADDRESSES=1 npx jest test/stacks/addresses`
 * and explain it in the CHANGELOG (a `moved` block, or a replacement operators must plan for).
 */
const PINNED = join(__dirname, '..', 'fixtures', 'example-addresses.txt');

function addresses(): string[] {
  const { stacks } = synthesize(environmentSources.filter((s) => s.input.name === 'example'));
  const json = stacks.get('example')!.json;
  return Object.entries(json.resource as Record<string, Record<string, unknown>>)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

describe('resource addresses of the example environment', () => {
  it('match the reviewed list', () => {
    const current = addresses();
    if (process.env.UPDATE_ADDRESSES === '1') writeFileSync(PINNED, `${current.join('\n')}\n`);
    const pinned = readFileSync(PINNED, 'utf8').trim().split('\n');
    const added = current.filter((a) => !pinned.includes(a));
    const removed = pinned.filter((a) => !current.includes(a));
    expect({ added, removed }).toEqual({ added: [], removed: [] });
  });
});
