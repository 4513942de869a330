import { z } from 'zod';
import { AWS_REGIONS, type AwsRegion, type Rule, rules } from '../modules/core/rules';

export { AWS_REGIONS, type AwsRegion };

/**
 * The schema of one environment: one AWS account, its regions and its identity source.
 *
 * Every rule carries its own message, written as "<rule>. <fix>", so that the loader can print
 * "<file>: <field path> <rule>, got <value>. <fix>" for each problem.
 */

const str = (rule: Rule<string>) => z.string({ error: rule.message }).refine(rule.test, { error: rule.message });

const region = z.enum(AWS_REGIONS, { error: rules.region.message });
const iamRoleName = str(rules.iamRoleName);
const tagKey = str(rules.tagKey);
const tagValue = z
  .string({ error: rules.tagValue.message })
  .refine(rules.tagValue.test, { error: rules.tagValue.message });

const samlIdentity = z.strictObject({
  type: z.literal('saml'),
  /** Name of the IAM SAML provider. */
  providerName: str(rules.samlProviderName),
  /** Path of the IdP metadata XML, relative to the project root. */
  metadataFile: z
    .string({ error: 'must be the path of the IdP metadata XML file, relative to the project root' })
    .min(1, {
      error: 'must be the path of the IdP metadata XML file, relative to the project root',
    }),
  /** Name of the federated role. */
  roleName: iamRoleName,
  /** Maximum session duration of the federated role, in hours. */
  maxSessionDurationHours: z
    .number({ error: rules.sessionDurationHours.message })
    .refine(rules.sessionDurationHours.test, { error: rules.sessionDurationHours.message })
    .default(1),
});

export const identitySchema = z.discriminatedUnion('type', [samlIdentity], {
  error: 'must be an identity source with type "saml". Set identity.type',
});

const runAsSchema = z
  .strictObject({
    /** Each session runs as the OS user named by the caller's `SSMSessionRunAs` session tag. */
    enabled: z.boolean().default(true),
    /** OS user for sessions whose caller has no `SSMSessionRunAs` tag (the trust policy requires one when enabled). */
    defaultUser: str(rules.linuxUserName).optional(),
  })
  .refine((runAs) => !runAs.enabled || runAs.defaultUser !== undefined, {
    error: 'must name a default OS user when run-as is enabled. Set runAs.defaultUser, for example "ec2-user"',
    path: ['defaultUser'],
  });

const tagPair = z.strictObject({
  /** Principal (session) tag name, e.g. `AppId`. Group k >= 2 uses `<name><k>`. */
  principalTag: z.string().regex(/^[A-Za-z][\w.:/=+@-]{0,119}$/, {
    error: 'must be a principal tag name (a letter first, then letters, digits and _.:/=+-@, at most 120 characters)',
  }),
  /** Instance tag name that must equal the principal tag, e.g. `APP_ID`. */
  instanceTag: tagKey,
});

const accessSchema = z.strictObject({
  /** Start sessions on instances whose `AwsUserId` tag equals the caller's `aws:userid`. */
  ownerRule: z.boolean().default(true),
  /** Attribute (ABAC) rule: instance tags must equal principal tags, in N numbered groups. */
  attributeRule: z
    .strictObject({
      tags: z.array(tagPair).min(1, { error: 'must list at least one principal-tag to instance-tag pair' }),
      groups: z
        .number()
        .int({ error: 'must be a whole number of groups from 1 to 20. Pick a value in that range' })
        .min(1, { error: 'must be a whole number of groups from 1 to 20. Pick a value in that range' })
        .max(20, { error: 'must be a whole number of groups from 1 to 20. Pick a value in that range' })
        .default(1),
    })
    .optional(),
  /** Principal-tag owner rule: instance tag `instanceTag` must equal principal tag `principalTag`. */
  principalTagOwnerRule: tagPair.optional(),
  /** Allow `AWS-StartSSHSession`. SSH sessions are not transcribed by Session Manager. */
  sshEnabled: z.boolean().default(false),
  /** Allow the port-forwarding documents. Port-forwarding sessions are not transcribed. */
  portForwardingEnabled: z.boolean().default(false),
});

const launchTaggerSchema = z.strictObject({
  /** Deploy the launch tagger in every region of the environment. */
  enabled: z.boolean().default(true),
  /** Roles that launch instances on a person's behalf and write the `CreatedBy` tag (tag mode). */
  launcherRoleNames: z.array(iamRoleName).default([]),
});

const backendSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('local'),
      /** State file path. @default terraform.<environment>.tfstate */
      path: z.string().min(1).optional(),
    }),
    z.strictObject({
      type: z.literal('s3'),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        error: 'must be an S3 bucket name (3-63 characters: a-z, 0-9, . and -)',
      }),
      /** @default <environment>/terraform.tfstate */
      key: z.string().min(1).optional(),
      region,
      /** S3 native state locking (a `.tflock` object beside the state). */
      useLockfile: z.boolean().default(true),
    }),
    z.strictObject({
      type: z.literal('hcp'),
      organization: z.string().min(1, { error: 'must name the HCP Terraform organization' }),
      /** @default the environment name */
      workspace: z.string().min(1).optional(),
      hostname: z.string().min(1).optional(),
    }),
  ],
  { error: 'must be a state backend with type "local", "s3" or "hcp". Set backend.type' },
);

export const environmentSchema = z
  .strictObject({
    /** Environment name: the stack name and the prefix of resource names. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, {
      error: 'must be 2-24 characters of a-z, 0-9 and -, starting with a letter. Rename the environment',
    }),
    /** The AWS account this environment deploys into. */
    accountId: z
      .string({ error: 'must be a 12-digit AWS account id written as a string, e.g. "123456789012"' })
      .regex(/^\d{12}$/, {
        error: 'must be a 12-digit AWS account id written as a string, e.g. "123456789012" (keep leading zeros)',
      }),
    /** Region of the default provider; IAM (global) resources are managed through it. */
    primaryRegion: region,
    /** Further regions that get the regional resources too. */
    additionalRegions: z.array(region).default([]),
    identity: identitySchema,
    runAs: runAsSchema.default({ enabled: true, defaultUser: 'ec2-user' }),
    access: accessSchema.default({ ownerRule: true, sshEnabled: false, portForwardingEnabled: false }),
    launchTagger: launchTaggerSchema.default({ enabled: true, launcherRoleNames: [] }),
    /** Tags on every resource (the provider's default_tags). */
    tags: z.record(tagKey, tagValue).default({}),
    backend: backendSchema.default({ type: 'local' }),
  })
  .superRefine((env, ctx) => {
    const seen = new Set<string>([env.primaryRegion]);
    env.additionalRegions.forEach((r, i) => {
      if (seen.has(r)) {
        ctx.addIssue({
          code: 'custom',
          path: ['additionalRegions', i],
          input: r,
          message: `must not repeat a region (primary or additional). Remove the duplicate "${r}"`,
        });
      }
      seen.add(r);
    });
  });

/** What an environment file exports: the input form, with defaults still to apply. */
export type EnvironmentInput = z.input<typeof environmentSchema>;

/** The validated form, defaults applied. */
export type EnvironmentSettings = z.output<typeof environmentSchema>;
