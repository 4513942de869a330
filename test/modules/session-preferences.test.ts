import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import { ConfigError, loadEnvironment } from '../../modules/environment/load-environment';
import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import type { SessionLogDestination } from '../../modules/core/session-log-destination';
import { consoleSessionUrl, sshConfigSnippet } from '../../modules/session-preferences/connect';
import {
  SESSION_PREFERENCES_DOCUMENT_NAME,
  SessionPreferences,
  type SessionPreferencesContent,
  type SessionPreferencesProps,
} from '../../modules/session-preferences/session-preferences';
import {
  MODULE_FIXTURE,
  MODULE_FIXTURE_JIT_SOURCE,
  MODULE_FIXTURE_SOURCE,
} from '../fixtures/environments/module-fixtures';
import { synthStack } from '../support/construct-synth';
import { type SynthesizedStack, resourceAt, resourcesOfType, synthesize } from '../support/synth';
import { validateOffline } from '../support/terraform';
import { InvalidConstruct, validated } from '../support/validation';

const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const destination: SessionLogDestination = {
  region: 'us-east-1',
  s3BucketName: 'example-ssm-sessions-111111111111-us-east-1',
  s3KeyPrefix: 'sessions',
  logGroupName: '/aws/ssm/example/sessions',
  kmsKeyArn: KEY_ARN,
};

type Props = Omit<SessionPreferencesProps, 'provider'>;
const base: Props = { destination, runAsDefaultUser: 'ec2-user' };

/** Synthesizes the construct; `aliased` puts it behind an aliased provider, as in a further region. */
function synthPreferences(
  overrides: Partial<Props> = {},
  aliased = true,
): { stack: SynthesizedStack; preferences: SessionPreferences } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const provider = aliased
    ? new AwsProvider(stack, 'aws_us', { region: 'us-east-1', alias: 'us-east-1' })
    : new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const preferences = validated(
    () => new SessionPreferences(stack, 'preferences', { provider, ...base, ...overrides }),
  );
  return { stack: synthStack(stack), preferences };
}

/** The document content as Terraform will send it to SSM. */
function contentOf(stack: SynthesizedStack, pathSuffix = 'preferences/document'): SessionPreferencesContent {
  return JSON.parse(unescapeTerraformTemplate(resourceAt(stack, 'aws_ssm_document', pathSuffix).content));
}

function problemsOf(overrides: Partial<Props>): string[] {
  try {
    synthPreferences(overrides);
  } catch (error) {
    if (error instanceof InvalidConstruct) return [...error.problems];
    throw error;
  }
  return [];
}

describe('SessionPreferences: the document', () => {
  it('is the regional SSM-SessionManagerRunShell Session document, in JSON, through the region provider', () => {
    const { stack } = synthPreferences();
    const document = resourceAt(stack, 'aws_ssm_document', 'preferences/document');
    expect(document).toMatchObject({
      name: 'SSM-SessionManagerRunShell',
      document_type: 'Session',
      document_format: 'JSON',
      provider: 'aws.us-east-1',
    });
  });

  it('has all twelve inputs, typed as the Session document schema wants them', () => {
    const { stack } = synthPreferences({
      idleSessionTimeoutMinutes: 15,
      maxSessionDurationMinutes: 120,
      shellProfileLinux: 'cd ~',
      shellProfileWindows: 'cd $HOME',
    });
    const content = contentOf(stack);
    expect(content).toMatchObject({ schemaVersion: '1.0', sessionType: 'Standard_Stream' });
    expect(content.inputs).toEqual({
      s3BucketName: 'example-ssm-sessions-111111111111-us-east-1',
      s3KeyPrefix: 'sessions',
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: '/aws/ssm/example/sessions',
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: true,
      kmsKeyId: KEY_ARN,
      runAsEnabled: true,
      runAsDefaultUser: 'ec2-user',
      idleSessionTimeout: '15',
      maxSessionDuration: '120',
      shellProfile: { linux: 'cd ~', windows: 'cd $HOME' },
    });
  });

  it('writes booleans as JSON booleans and durations as strings of minutes', () => {
    const { inputs } = contentOf(synthPreferences().stack);
    for (const key of [
      's3EncryptionEnabled',
      'cloudWatchEncryptionEnabled',
      'cloudWatchStreamingEnabled',
      'runAsEnabled',
    ] as const) {
      expect(typeof inputs[key]).toBe('boolean');
    }
    expect(inputs.idleSessionTimeout).toBe('20');
    expect(inputs.maxSessionDuration).toBe('60');
  });

  it('with run-as off (an explicit opt-in to the shared user), runs sessions as ssm-user and names no default user', () => {
    const { inputs } = contentOf(
      synthPreferences({ runAsEnabled: false, runAsDefaultUser: undefined, allowSharedDefaultUser: true }).stack,
    );
    expect(inputs.runAsEnabled).toBe(false);
    expect(inputs.runAsDefaultUser).toBe('');
  });

  it('refuses the shared ssm-user unless allowSharedDefaultUser opts in', () => {
    expect(problemsOf({ runAsEnabled: false, runAsDefaultUser: undefined })).toEqual([
      expect.stringContaining(
        'test/preferences: runAsEnabled must be true unless allowSharedDefaultUser is true: without run-as every session runs as the shared ssm-user',
      ),
    ]);
    expect(problemsOf({ runAsDefaultUser: 'ssm-user' })).toEqual([
      expect.stringContaining(
        'test/preferences: runAsDefaultUser must not be the shared ssm-user unless allowSharedDefaultUser is true',
      ),
    ]);
    expect(problemsOf({ runAsDefaultUser: 'ssm-user', allowSharedDefaultUser: true })).toEqual([]);
    expect(
      contentOf(synthPreferences({ runAsDefaultUser: 'ssm-user', allowSharedDefaultUser: true }).stack).inputs,
    ).toMatchObject({ runAsEnabled: true, runAsDefaultUser: 'ssm-user' });
  });

  it('without a log group, leaves CloudWatch out and does not stream', () => {
    const { logGroupName: _omit, ...s3Only } = destination;
    const { inputs } = contentOf(synthPreferences({ destination: s3Only }).stack);
    expect(inputs).toMatchObject({
      cloudWatchLogGroupName: '',
      cloudWatchStreamingEnabled: false,
      cloudWatchEncryptionEnabled: true,
    });
  });

  it('escapes ${ in shell profiles so Terraform reads them verbatim, and keeps the key reference live', () => {
    const { stack } = synthPreferences({ shellProfileLinux: 'export PS1="${USER}@\\h $ "' });
    const raw = resourceAt(stack, 'aws_ssm_document', 'preferences/document').content as string;
    expect(raw).toContain('$${USER}');
    expect(contentOf(stack).inputs.shellProfile.linux).toBe('export PS1="${USER}@\\h $ "');
  });
});

describe('SessionPreferences: validation (prop, value, rule and fix)', () => {
  it.each([1, 20, 60])('accepts an idle timeout of %p minutes', (minutes) => {
    expect(problemsOf({ idleSessionTimeoutMinutes: minutes })).toEqual([]);
  });

  it.each([0, 61, 7.5])('rejects an idle timeout of %p minutes', (minutes) => {
    expect(problemsOf({ idleSessionTimeoutMinutes: minutes })).toEqual([
      `test/preferences: idleSessionTimeoutMinutes must be a whole number of minutes from 1 to 60 (Session Manager allows 1-60). Pick a value in that range (got ${minutes})`,
    ]);
  });

  it.each([1, 60, 1440])('accepts a maximum duration of %p minutes', (minutes) => {
    expect(problemsOf({ maxSessionDurationMinutes: minutes })).toEqual([]);
  });

  it.each([0, 1441])('rejects a maximum duration of %p minutes', (minutes) => {
    expect(problemsOf({ maxSessionDurationMinutes: minutes })).toEqual([
      `test/preferences: maxSessionDurationMinutes must be a whole number of minutes from 1 to 1,440 (Session Manager allows 1-1440, 24 hours). Pick a value in that range (got ${minutes})`,
    ]);
  });

  it.each(['ec2-user', 'ubuntu', '_svc'])('accepts the default user %p', (user) => {
    expect(problemsOf({ runAsDefaultUser: user })).toEqual([]);
  });

  it.each(['root', 'Admin', '1user', 'a b'])('rejects the default user %p', (user) => {
    expect(problemsOf({ runAsDefaultUser: user })).toEqual([
      `test/preferences: runAsDefaultUser must be a Linux user name other than root (a lower-case letter or _ first, then a-z, 0-9, _ or -, at most 32 characters). Use the unprivileged OS user that sessions should run as (got ${JSON.stringify(user)})`,
    ]);
  });

  it('requires a default user when run-as is on', () => {
    expect(problemsOf({ runAsDefaultUser: undefined })).toEqual([
      'test/preferences: runAsDefaultUser must name a default OS user when run-as is enabled (sessions of callers without an SSMSessionRunAs tag run as it). Set it, for example "ec2-user", or turn run-as off (got nothing)',
    ]);
  });

  it('requires somewhere to transcribe to, and a session key', () => {
    expect(problemsOf({ destination: { region: 'us-east-1', kmsKeyArn: KEY_ARN } })).toEqual([
      expect.stringContaining('test/preferences: destination must name an S3 bucket or a CloudWatch log group'),
    ]);
    const { kmsKeyArn: _omit, ...withoutKey } = destination;
    expect(problemsOf({ destination: withoutKey })).toEqual([
      'test/preferences: destination.kmsKeyArn must name the KMS key that encrypts session data. Pass SessionAuditLogs.destination (got nothing)',
    ]);
  });

  it('reports every problem at once', () => {
    expect(
      problemsOf({ idleSessionTimeoutMinutes: 0, maxSessionDurationMinutes: 1441, runAsDefaultUser: 'root' }),
    ).toHaveLength(3);
  });
});

describe('SessionPreferences: adopting the document the console created', () => {
  it('adds a Terraform import block for the aliased provider when adoption is on', () => {
    const { stack } = synthPreferences({ adoptExistingDocument: true });
    const [id] = Object.keys(resourcesOfType(stack, 'aws_ssm_document'));
    expect(stack.json.import).toEqual([
      { to: `aws_ssm_document.${id}`, id: SESSION_PREFERENCES_DOCUMENT_NAME, provider: 'aws.us-east-1' },
    ]);
  });

  it('names the default provider in the primary region', () => {
    const { stack } = synthPreferences({ adoptExistingDocument: true }, false);
    const [id] = Object.keys(resourcesOfType(stack, 'aws_ssm_document'));
    expect(stack.json.import).toEqual([
      { to: `aws_ssm_document.${id}`, id: 'SSM-SessionManagerRunShell', provider: 'aws' },
    ]);
  });

  it('adds no import block by default', () => {
    expect(synthPreferences().stack.json.import).toBeUndefined();
  });

  it('is the environment switch session.adoptExistingDocument, one import per region', () => {
    const { stacks } = synthesize([
      {
        file: 'environments/test.ts',
        input: { ...MODULE_FIXTURE, session: { ...MODULE_FIXTURE.session, adoptExistingDocument: true } },
      },
    ]);
    const json = stacks.get('fixture')!.json;
    const documents = Object.keys(json.resource.aws_ssm_document);
    expect(json.import).toEqual(
      expect.arrayContaining([
        { to: `aws_ssm_document.${documents[0]}`, id: 'SSM-SessionManagerRunShell', provider: 'aws' },
        { to: `aws_ssm_document.${documents[1]}`, id: 'SSM-SessionManagerRunShell', provider: 'aws.us-east-1' },
      ]),
    );
    expect(json.import).toHaveLength(2);
    // Terraform itself accepts the blocks (a plan would read the documents from AWS).
    expect(validateOffline(stacks.get('fixture')!.dir, json)).toContain('Success! The configuration is valid.');
  });
});

describe('the environment: session settings, wiring and outputs', () => {
  const FILE = 'environments/test.ts';
  let fixtureStacks: Map<string, SynthesizedStack> | undefined;
  const fixtures = () => (fixtureStacks ??= synthesize([MODULE_FIXTURE_SOURCE, MODULE_FIXTURE_JIT_SOURCE]).stacks);
  function problemsOfEnv(change: (input: EnvironmentInput) => void): string[] {
    const input = structuredClone(MODULE_FIXTURE);
    change(input);
    try {
      loadEnvironment({ file: FILE, input });
    } catch (error) {
      if (error instanceof ConfigError) return error.message.split('\n');
      throw error;
    }
    return [];
  }
  it('refuses ssm-user in an environment file unless runAs.allowSharedDefaultUser opts in', () => {
    expect(problemsOfEnv((i) => (i.runAs = { enabled: true, defaultUser: 'ssm-user' }))).toEqual([
      expect.stringContaining(
        'runAs.defaultUser must not be the shared ssm-user unless runAs.allowSharedDefaultUser is true',
      ),
    ]);
    expect(problemsOfEnv((i) => (i.runAs = { enabled: false }))).toEqual([
      expect.stringContaining('runAs.enabled must be true unless runAs.allowSharedDefaultUser is true'),
    ]);
    expect(problemsOfEnv((i) => (i.runAs = { enabled: false, allowSharedDefaultUser: true }))).toEqual([]);
  });

  it.each([
    ['idleTimeoutMinutes', 61, 'must be a whole number of minutes from 1 to 60'],
    ['idleTimeoutMinutes', 0, 'must be a whole number of minutes from 1 to 60'],
    ['maxDurationMinutes', 1441, 'must be a whole number of minutes from 1 to 1,440'],
    ['maxDurationMinutes', 0, 'must be a whole number of minutes from 1 to 1,440'],
  ] as const)('rejects session.%s = %p with the file and the field', (field, value, rule) => {
    expect(problemsOfEnv((i) => (i.session = { ...i.session, [field]: value }))).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}: session\\.${field} ${rule}.*\\(got ${value}\\)$`)),
    ]);
  });

  it('defaults to secure settings when the session section is left out', () => {
    const { session: _s, logging: _l, vpcEndpoints: _v, ...rest } = MODULE_FIXTURE;
    const config = loadEnvironment({ file: FILE, input: rest });
    expect(config.session).toEqual({
      idleTimeoutMinutes: 20,
      maxDurationMinutes: 60,
      shellProfile: { linux: '', windows: '' },
      adoptExistingDocument: false,
    });
    expect(config.logging).toEqual({
      s3: { enabled: true },
      cloudWatch: { enabled: true, streamingEnabled: true },
      logRetentionDays: 365,
      transcriptArchiveAfterDays: 90,
      transcriptExpirationDays: 365,
    });
    expect(config.vpcEndpoints).toEqual({});
  });

  it('rejects logging settings that would leave sessions untranscribed or unkept', () => {
    expect(problemsOfEnv((i) => (i.logging = { s3: { enabled: false }, cloudWatch: { enabled: false } }))).toEqual([
      expect.stringContaining(`${FILE}: logging.s3.enabled must be true when cloudWatch.enabled is false`),
    ]);
    expect(problemsOfEnv((i) => (i.logging = { logRetentionDays: 90 }))).toEqual([
      expect.stringContaining(
        `${FILE}: logging.logRetentionDays must be a retention period CloudWatch Logs accepts and at least 365 days`,
      ),
    ]);
    expect(problemsOfEnv((i) => (i.logging = { objectLock: { mode: 'LEGAL' as 'GOVERNANCE', days: 1 } }))).toEqual([
      expect.stringContaining(`${FILE}: logging.objectLock.mode must be "GOVERNANCE"`),
    ]);
  });

  it('points each region preferences at that region log destinations', () => {
    const json = fixtures().get('fixture')!.json;
    const documents = Object.values(json.resource.aws_ssm_document) as { content: string; provider: string }[];
    const byProvider = Object.fromEntries(
      documents.map((d) => [d.provider, JSON.parse(unescapeTerraformTemplate(d.content)).inputs]),
    );
    expect(byProvider.aws).toMatchObject({
      s3BucketName: 'fixture-ssm-sessions-111111111111-eu-west-1',
      cloudWatchLogGroupName: '/aws/ssm/fixture/sessions',
      kmsKeyId: expect.stringMatching(/^\$\{aws_kms_key\.session-audit-logs-eu-west-1_key_[0-9A-F]+\.arn\}$/),
      idleSessionTimeout: '20',
      maxSessionDuration: '120',
      shellProfile: { linux: 'cd ~ && exec bash --login', windows: '' },
    });
    expect(byProvider['aws.us-east-1']).toMatchObject({
      s3BucketName: 'fixture-ssm-sessions-111111111111-us-east-1',
      kmsKeyId: expect.stringMatching(/^\$\{aws_kms_key\.session-audit-logs-us-east-1_key_[0-9A-F]+\.arn\}$/),
    });
  });

  it('outputs the document name per region and the console relay state template', () => {
    const outputs = fixtures().get('fixture')!.json.output;
    expect(outputs.session_preferences_documents.value).toEqual({
      'eu-west-1': expect.stringMatching(
        /^\$\{aws_ssm_document\.session-preferences-eu-west-1_document_[0-9A-F]+\.name\}$/,
      ),
      'us-east-1': expect.stringMatching(
        /^\$\{aws_ssm_document\.session-preferences-us-east-1_document_[0-9A-F]+\.name\}$/,
      ),
    });
    expect(outputs.console_session_relay_states.value).toEqual({
      'eu-west-1':
        'https://eu-west-1.console.aws.amazon.com/systems-manager/session-manager/<instance-id>?region=eu-west-1',
      'us-east-1':
        'https://us-east-1.console.aws.amazon.com/systems-manager/session-manager/<instance-id>?region=us-east-1',
    });
  });

  it('outputs the SSH config snippet only where SSH is on', () => {
    expect(fixtures().get('fixture')!.json.output.ssh_config_snippet.value).toBe(sshConfigSnippet());
    expect(fixtures().get('fixture-jit')!.json.output.ssh_config_snippet).toBeUndefined();
  });
});

describe('connection helpers', () => {
  it('the SSH snippet proxies i-* and mi-* hosts through AWS-StartSSHSession', () => {
    expect(sshConfigSnippet().split('\n')).toEqual([
      expect.stringMatching(/^# .*not transcribed/),
      'Host i-* mi-*',
      `    ProxyCommand sh -c "aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters 'portNumber=%p'"`,
      '',
    ]);
  });

  it('the console URL opens a shell on one instance in its region', () => {
    expect(consoleSessionUrl('eu-central-1', 'i-0123456789abcdef0')).toBe(
      'https://eu-central-1.console.aws.amazon.com/systems-manager/session-manager/i-0123456789abcdef0?region=eu-central-1',
    );
  });
});
