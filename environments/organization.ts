import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../modules/core/config-error';
import type { EnvironmentSource } from '../modules/environment/load-environment';
import type { EnvironmentInput } from '../modules/environment/environment-schema';

/** One account as `aws organizations list-accounts` prints it. */
export interface OrganizationAccount {
  readonly Id: string;
  readonly Name: string;
  readonly Status?: string;
  readonly Email?: string;
}

/** What an environment generated for an account may change from the template. */
export type AccountOverride = Partial<Omit<EnvironmentInput, 'accountId'>>;

export interface OrganizationEnvironmentsOptions {
  /** Path of the `aws organizations list-accounts --output json` file, relative to the project root. */
  readonly accountsFile: string;
  /** Everything an environment needs but its name and account: identity, regions, rules, backend. */
  readonly template: Omit<EnvironmentInput, 'name' | 'accountId'>;
  /**
   * Per-account changes, keyed by account id or account name. A key that matches no account is an
   * error, so a typo cannot silently leave an account on the template.
   * @default none
   */
  readonly overrides?: Readonly<Record<string, AccountOverride>>;
  /**
   * Which accounts get an environment.
   * @default every ACTIVE account
   */
  readonly include?: (account: OrganizationAccount) => boolean;
  /** @default process.cwd() */
  readonly rootDir?: string;
}

/** An account name as an environment name: lower case, runs of other characters as one dash. */
export function environmentName(accountName: string): string {
  return accountName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '');
}

/**
 * One environment per account of an AWS Organizations account list, from a template plus
 * per-account overrides. Each environment is still validated by `loadEnvironments` like a
 * hand-written one; its errors name the accounts file and the account.
 */
export function organizationEnvironments(options: OrganizationEnvironmentsOptions): EnvironmentSource[] {
  const path = resolve(options.rootDir ?? process.cwd(), options.accountsFile);
  let accounts: OrganizationAccount[];
  try {
    accounts = (JSON.parse(readFileSync(path, 'utf8')) as { Accounts?: OrganizationAccount[] }).Accounts ?? [];
  } catch (error) {
    throw new ConfigError([
      {
        file: options.accountsFile,
        path: '',
        value: String((error as Error).message),
        message: 'must be the JSON that `aws organizations list-accounts --output json` prints. Export it again',
      },
    ]);
  }
  const include = options.include ?? ((a: OrganizationAccount) => (a.Status ?? 'ACTIVE') === 'ACTIVE');
  const selected = accounts.filter(include);
  const overrides = options.overrides ?? {};
  const unknown = Object.keys(overrides).filter((key) => !selected.some((a) => a.Id === key || a.Name === key));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((key) => ({
        file: options.accountsFile,
        path: `overrides.${key}`,
        value: key,
        message: 'must name an included account by id or name. Fix the key or the include filter',
      })),
    );
  }
  return selected.map((account) => ({
    file: `${options.accountsFile} (account ${account.Id} ${account.Name})`,
    input: {
      ...options.template,
      name: environmentName(account.Name),
      accountId: account.Id,
      ...overrides[account.Id],
      ...overrides[account.Name],
    } as EnvironmentInput,
  }));
}
