import { type Emulator, awsCalls, deliverAccessLogs, startEmulator } from '../support/emulator';
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

  it('s3-access-log-delivery holds the records until asked, then delivers them', async () => {
    const gap = EMULATOR_GAPS.find((g) => g.patch === 's3-access-log-delivery')!;
    const probe = gap.probe('eu-central-1');
    const target = String(probe[0].params!.Bucket);
    await deliverAccessLogs(patched.endpoint);
    const held = await awsCalls(patched.endpoint, probe);
    expect(held.every((r) => r.ok)).toBe(true);
    expect(await deliverAccessLogs(patched.endpoint)).toBeGreaterThan(0);
    const list = { service: 's3', region: 'eu-central-1', method: 'list_objects_v2', params: { Bucket: target } };
    const [listed] = await awsCalls(patched.endpoint, [list]);
    expect(listed.ok && Number(listed.result.KeyCount)).toBeGreaterThan(0);
  });

  it('jitna-document-types refuses DescribeDocumentPermission for those types, as AWS does', async () => {
    const create = (name: string, type: string) => ({
      service: 'ssm',
      region: 'eu-west-1',
      method: 'create_document',
      params: {
        Name: name,
        DocumentType: type,
        DocumentFormat: 'YAML',
        Content: "schemaVersion: '0.3'\nmainSteps: []\n",
      },
    });
    const permission = (name: string) => ({
      service: 'ssm',
      region: 'eu-west-1',
      method: 'describe_document_permission',
      params: { Name: name, PermissionType: 'Share' },
    });
    const results = await awsCalls(patched.endpoint, [
      create('probe-auto-approval', 'AutoApprovalPolicy'),
      permission('probe-auto-approval'),
      create('probe-automation', 'Automation'),
      permission('probe-automation'),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'InvalidDocumentOperation', 'ok', 'ok']);
  });
});
