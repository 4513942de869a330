import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, environmentName, loadEnvironments, organizationEnvironments } from '../../environments';
import { exampleOrganization } from '../../environments/organization/example-organization';
import { synthesize } from '../support/synth';

describe('environments from an AWS Organizations account list', () => {
  it('gives every included active account its own validated environment', () => {
    const configs = loadEnvironments(exampleOrganization());
    // 64 accounts: the management account and one suspended account are left out.
    expect(configs).toHaveLength(62);
    expect(new Set(configs.map((c) => c.accountId)).size).toBe(62);
    expect(configs.map((c) => c.name)).toContain('payments-prod');
    expect(configs.find((c) => c.accountId === '555500000017')).toBeUndefined();
  });

  it('applies per-account overrides by name, and only to that account', () => {
    const configs = loadEnvironments(exampleOrganization());
    expect(configs.find((c) => c.name === 'payments-prod')?.regions).toEqual(['eu-west-1', 'eu-central-1']);
    expect(configs.find((c) => c.name === 'payments-dev')?.regions).toEqual(['eu-west-1']);
    expect(configs.find((c) => c.name === 'ml-platform-sandbox')?.access.sshEnabled).toBe(true);
    expect(configs.filter((c) => c.access.sshEnabled)).toHaveLength(1);
  });

  it('synthesizes one stack per account', () => {
    const { stacks } = synthesize(exampleOrganization());
    expect(stacks.size).toBe(62);
    expect(stacks.get('ledger-test')?.json.provider.aws[0].allowed_account_ids).toEqual([
      expect.stringMatching(/^5555\d{8}$/),
    ]);
  });

  function accountsFile(accounts: object[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-org-'));
    writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ Accounts: accounts }));
    return join(dir, 'accounts.json');
  }

  const template = exampleOrganization()[0].input;
  const { name: _n, accountId: _a, ...base } = template;

  it('validates generated environments like hand-written ones, naming the file and the account', () => {
    const file = accountsFile([{ Id: '123456789012', Name: 'Team A' }]);
    const sources = organizationEnvironments({
      accountsFile: file,
      template: base,
      overrides: { 'Team A': { primaryRegion: 'moon-1' as never } },
    });
    expect(() => loadEnvironments(sources)).toThrow(
      `${file} (account 123456789012 Team A): primaryRegion must be an AWS region name`,
    );
  });

  it('rejects an account id that is not 12 digits', () => {
    const sources = organizationEnvironments({
      accountsFile: accountsFile([{ Id: '1234', Name: 'Short' }]),
      template: base,
    });
    expect(() => loadEnvironments(sources)).toThrow('accountId must be a 12-digit AWS account id');
  });

  it('rejects an override for an account that is not in the list', () => {
    const call = () =>
      organizationEnvironments({
        accountsFile: accountsFile([{ Id: '123456789012', Name: 'Team A' }]),
        template: base,
        overrides: { 'Team B': {} },
      });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow('overrides.Team B must name an included account by id or name');
  });

  it('rejects a file that is not an accounts export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-org-'));
    writeFileSync(join(dir, 'accounts.json'), 'not json');
    expect(() => organizationEnvironments({ accountsFile: join(dir, 'accounts.json'), template: base })).toThrow(
      'must be the JSON that `aws organizations list-accounts --output json` prints',
    );
  });

  it('rejects two accounts whose names make the same environment name', () => {
    const sources = organizationEnvironments({
      accountsFile: accountsFile([
        { Id: '123456789012', Name: 'Team A' },
        { Id: '123456789013', Name: 'team-a' },
      ]),
      template: base,
    });
    expect(() => loadEnvironments(sources)).toThrow('name must be unique');
  });

  it.each([
    ['Payments PROD', 'payments-prod'],
    ['  Data Lake (EU) ', 'data-lake-eu'],
    ['A very long account name that goes on', 'a-very-long-account-name'],
  ])('derives the environment name of %p as %p', (account, name) => {
    expect(environmentName(account)).toBe(name);
  });
});
