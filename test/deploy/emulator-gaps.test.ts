import { type Emulator, awsCalls, startEmulator } from '../support/emulator';
import { EMULATOR_GAPS, EMULATOR_PATCHES, GAP_PROBE_ACCOUNT } from './emulator-gaps';

/**
 * The emulator gap list is evidence, not an excuse: each gap must show on an emulator without its
 * patch, and be gone with it. An entry that moto has fixed fails here and is removed from the list.
 */
describe('emulator gaps (test/deploy/emulator-gaps.ts)', () => {
  let unpatched: Emulator;
  let patched: Emulator;

  beforeAll(async () => {
    [unpatched, patched] = await Promise.all([
      startEmulator(GAP_PROBE_ACCOUNT, []),
      startEmulator(GAP_PROBE_ACCOUNT, EMULATOR_PATCHES),
    ]);
  });

  afterAll(async () => {
    await Promise.all([unpatched?.stop(), patched?.stop()]);
  });

  it('names each patch once', () => {
    expect(new Set(EMULATOR_PATCHES).size).toBe(EMULATOR_GAPS.length);
  });

  it.each(EMULATOR_GAPS.map((gap) => [gap.patch, gap] as const))('%s shows without its patch', async (_, gap) => {
    const results = await awsCalls(unpatched.endpoint, gap.probe('eu-west-1'));
    expect({ shows: gap.shows(results), results }).toMatchObject({ shows: true });
  });

  it.each(EMULATOR_GAPS.map((gap) => [gap.patch, gap] as const))('%s is gone with its patch', async (_, gap) => {
    const results = await awsCalls(patched.endpoint, gap.probe('eu-west-1'));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(gap.shows(results)).toBe(false);
  });
});
