import { z } from 'zod';
import { AWS_REGIONS, type AwsRegion, type Rule, rules, sessionRules } from '../core/rules';
import { DEFAULT_RUN_AS_SOURCE, identityCenterRules } from '../identity-center/identity-center-rules';
import {
  ATTRIBUTE_TAGS_REQUIRED,
  type AccessRules,
  type AttributeRule,
  type TagPair,
  principalTagsRead,
} from '../core/access-rules';
import { launchTaggerRules } from '../launch-tagger/rules';
import { ACCESS_DURATION_HOURS, manualApprovalProblems } from '../just-in-time/approval-documents';
import { S3_BUCKET_NAME_MAX_LENGTH, auditLogNames } from '../session-audit-logs/names';
import {
  type FieldNames,
  type RunAsSettings,
  type SessionDocumentSettings,
  type TranscriptSettings,
  checkCombinations,
  justInTimeDocumentRules,
  runAsRules,
  transcriptRules,
} from '../core/combination-rules';
import { DEFAULT_DENIED_RUN_AS_USERS, RUN_AS_PATTERN_RULE, RUN_AS_USER_RULE } from '../core/run-as-guard';
import {
  BREAK_GLASS_TRUSTS,
  breakGlassAlarmRegionsOf,
  defaultBreakGlassTrust,
} from '../just-in-time/break-glass-regions';

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
  /** A SAML 2.0 identity provider (ADFS, Okta, Entra ID ...) and a federated role. */
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
  /**
   * Source identity (the IdP sends the person's name as `https://aws.amazon.com/SAML/Attributes/SourceIdentity`;
   * it stays on every CloudTrail record of the session): `off`, `allowed` or `required`.
   */
  sourceIdentity: z
    .enum(['off', 'allowed', 'required'], {
      error: 'must be "off", "allowed" or "required". Pick one of them',
    })
    .default('allowed'),
});

/** IAM Identity Center: a permission set instead of a SAML provider and role. */
const identityCenterIdentity = z.strictObject({
  /** IAM Identity Center: a permission set instead of a SAML provider and role. */
  type: z.literal('identity-center'),
  /** The Identity Center instance, e.g. `arn:aws:sso:::instance/ssoins-0123456789abcdef`. */
  instanceArn: str(identityCenterRules.instanceArn),
  /** Identity Center's home region (its API lives there). */
  region,
  /** The organization's management or delegated administrator account, which manages Identity Center. */
  adminAccountId: z.string().regex(/^\d{12}$/, {
    error: 'must be the 12-digit id of the management or delegated administrator account, written as a string',
  }),
  /** Role Terraform assumes in `adminAccountId` for the Identity Center resources. @default the deploy credentials */
  adminRoleArn: z
    .string()
    .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
      error: 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>). Copy it from the admin account',
    })
    .optional(),
  /** Name of the permission set (the role in the account is `AWSReservedSSO_<name>_<suffix>`). */
  permissionSetName: str(identityCenterRules.permissionSetName),
  /** Session duration of the permission set, in hours. */
  sessionDurationHours: z
    .number({ error: rules.sessionDurationHours.message })
    .refine(rules.sessionDurationHours.test, { error: rules.sessionDurationHours.message })
    .default(1),
  /** Identity Center attribute that becomes the `SSMSessionRunAs` session tag. */
  runAsAttribute: str(identityCenterRules.attributeSource).default(DEFAULT_RUN_AS_SOURCE),
  /** Identity Center attributes for the principal tags the access rules read (ABAC, principal-tag owner). */
  attributePaths: z.record(str(identityCenterRules.attributeKey), str(identityCenterRules.attributeSource)).default({}),
  /** Manage the instance's access control attributes (one set per instance: off when another stack owns it). */
  manageAccessControlAttributes: z.boolean().default(true),
  /** Users and groups that get the permission set in this account. */
  assignments: z
    .array(
      z.strictObject({
        /** Whether `principalId` is an Identity Center group or user. */
        principalType: z.enum(['GROUP', 'USER'], { error: 'must be "GROUP" or "USER"' }),
        /** The Identity Center group or user id. */
        principalId: str(identityCenterRules.principalId),
      }),
    )
    .default([]),
});

export const identitySchema = z.discriminatedUnion('type', [samlIdentity, identityCenterIdentity], {
  error: 'must be an identity source with type "saml" or "identity-center". Set identity.type',
});

const runAsObject = z.strictObject({
  /** Each session runs as the OS user named by the caller's `SSMSessionRunAs` session tag. */
  enabled: z.boolean().default(true),
  /** OS user for sessions whose caller has no `SSMSessionRunAs` tag (the trust policy requires one when enabled). */
  defaultUser: str(rules.linuxUserName).optional(),
  /**
   * Accept sessions running as the shared `ssm-user` (run-as off, `ssm-user` as the default
   * user, or an `SSMSessionRunAs` tag naming it), which run-as exists to avoid. Off, the first two
   * are errors and the trust policy and session policy refuse the tag.
   * @default false
   */
  allowSharedDefaultUser: z.boolean().default(false),
  /**
   * OS users the `SSMSessionRunAs` tag may not name, compared ignoring case, besides `root` and
   * `ssm-user`, which are always refused (`ssm-user` unless `allowSharedDefaultUser`). The SAML
   * trust refuses the sign-in and the session policy denies `ssm:StartSession`. Replaces the
   * default list. It bounds what the IdP sends, not `defaultUser`, which a session runs as only
   * when its caller has no tag: `ec2-user` may be the default user and still be refused as a tag.
   * @default ["admin", "administrator", "bitnami", "centos", "cloud-user", "debian", "ec2-user", "fedora", "opc", "rocky", "ubuntu"]
   */
  deniedUsers: z.array(str(RUN_AS_USER_RULE)).default([...DEFAULT_DENIED_RUN_AS_USERS]),
  /**
   * An IAM `StringLike` pattern (`*` and `?` wildcards, not a regular expression) every
   * `SSMSessionRunAs` value must match, e.g. `u-*`: the SAML trust refuses other values and the
   * session policy denies `ssm:StartSession` to them.
   * @default none: any value but the refused users
   */
  allowedPattern: str(RUN_AS_PATTERN_RULE).optional(),
});

/** The environment file's names for the run-as rules the `SessionPreferences` construct shares. */
const RUN_AS_FIELDS: FieldNames<RunAsSettings> = {
  enabled: 'runAs.enabled',
  defaultUser: 'runAs.defaultUser',
  allowSharedDefaultUser: 'runAs.allowSharedDefaultUser',
};

// `.refine`, not `.superRefine`: the field reference lists the messages of refinements.
const runAsSchema = runAsRules(RUN_AS_FIELDS).reduce(
  (schema, rule) =>
    schema.refine(rule.test, { error: (issue) => rule.message(issue.input as RunAsSettings), path: [rule.field] }),
  runAsObject,
);

const tagPair = z.strictObject({
  /** Principal (session) tag name, e.g. `AppId`. Group k >= 2 uses `<name><k>`. */
  principalTag: z.string().regex(/^[A-Za-z][\w.:/=+@-]{0,119}$/, {
    error: 'must be a principal tag name (a letter first, then letters, digits and _.:/=+-@, at most 120 characters)',
  }),
  /** Instance tag name that must equal the principal tag, e.g. `APP_ID`. */
  instanceTag: str(rules.accessTagKey),
}) satisfies z.ZodType<TagPair>;

const attributeRule = z.strictObject({
  /** The principal-tag to instance-tag pairs of group 1; group k >= 2 uses `<principalTag><k>`. */
  tags: z.array(tagPair).min(1, { error: ATTRIBUTE_TAGS_REQUIRED }),
  /** How many numbered groups (`AppId`, `AppId2` ... `AppIdN`), one statement each. @default 1 */
  groups: z
    .number()
    .int({ error: 'must be a whole number of groups from 1 to 20. Pick a value in that range' })
    .min(1, { error: 'must be a whole number of groups from 1 to 20. Pick a value in that range' })
    .max(20, { error: 'must be a whole number of groups from 1 to 20. Pick a value in that range' })
    .default(1),
}) satisfies z.ZodType<AttributeRule>;

const accessSchema = z.strictObject({
  /**
   * `standing`: the match rules allow sessions directly. `just-in-time`: people request access,
   * the `justInTime` approval policies decide (Systems Manager just-in-time node access).
   */
  mode: z
    .enum(['standing', 'just-in-time'], { error: 'must be "standing" or "just-in-time". Pick one of them' })
    .default('standing'),
  /** Start sessions on instances whose `AwsUserId` tag equals the caller's `aws:userid`. */
  ownerRule: z.boolean().default(true),
  /** Attribute (ABAC) rule: instance tags must equal principal tags, in N numbered groups. */
  attributeRule: attributeRule.optional(),
  /** Principal-tag owner rule: instance tag `instanceTag` must equal principal tag `principalTag`. */
  principalTagOwnerRule: tagPair.optional(),
  /** Allow `AWS-StartSSHSession`. SSH sessions are not transcribed by Session Manager. */
  sshEnabled: z.boolean().default(false),
  /** Allow the port-forwarding documents. Port-forwarding sessions are not transcribed. */
  portForwardingEnabled: z.boolean().default(false),
  // The validated section is the match rules (`AccessRules`) plus the mode and the session documents.
}) satisfies z.ZodType<AccessRules>;

/** Longest session and idle time allowed in just-in-time mode: sessions outlive the approval window, these end them. */
export const JUST_IN_TIME_SESSION_BOUNDS = { maxDurationMinutes: 240, idleTimeoutMinutes: 30 } as const;

const tagMatch = z.strictObject({
  /** The instance tag. */
  tagKey,
  /** Its values, any of which matches. */
  values: z.array(tagValue).min(1, { error: 'must list at least one tag value' }),
});

const justInTimeSchema = z.strictObject({
  /** Which of the access rules are approved without a person. */
  autoApproval: z
    .strictObject({
      /** Auto-approve the attribute (ABAC) rule, every group. */
      attributeRule: z.boolean().default(false),
      /** Auto-approve the principal-tag owner rule. */
      principalTagOwnerRule: z.boolean().default(false),
      /** The `aws:userid` owner rule cannot be auto-approved (Cedar has no `aws:userid`); true is an error. */
      ownerRule: z.boolean().default(false),
      /** Instances with this tag are never auto-approved (restricted instances). */
      exceptWhenTagged: z
        .strictObject({
          /** The tag that marks a restricted instance, e.g. `Restricted`. */
          key: tagKey,
          /** Its value on restricted instances, e.g. `true`. */
          value: tagValue,
        })
        .optional(),
    })
    .default({ attributeRule: false, principalTagOwnerRule: false, ownerRule: false }),
  /** Manual approval policies (at most one may apply to a node). */
  manualApprovals: z
    .array(
      z.strictObject({
        /** SSM document name of the policy. */
        name: z.string(),
        /** Nodes: those with any of the tags, or "all". */
        targets: z.union([z.literal('all'), z.array(tagMatch)], {
          error: 'must be "all" or a list of { tagKey, values } targets',
        }),
        /** Who approves (up to 5 per level, as AWS allows). */
        approvers: z.array(
          z.strictObject({
            /**
             * `SSOGroup` or `SSOUser`: an IAM Identity Center group or user; `IAM`: an IAM user. AWS
             * names no other approvers: an IAM role, and so a person signed in through a SAML role,
             * cannot approve.
             */
            type: z.enum(['SSOGroup', 'SSOUser', 'IAM'], { error: 'must be "SSOGroup", "SSOUser" or "IAM"' }),
            /** The Identity Center group or user id (from the identity store, not the display name), or the IAM user name. */
            name: z.string().min(1, { error: 'must name the approver' }),
          }),
        ),
        /** How many approvers must approve. @default 1 */
        minRequiredApprovals: z.number().default(1),
        /** How long approved access lasts, in hours (1-336). */
        accessDurationHours: z.number({
          error: `must be a whole number of hours from ${ACCESS_DURATION_HOURS.min} to ${ACCESS_DURATION_HOURS.max}`,
        }),
      }),
    )
    .default([]),
  /**
   * Deny-access policy (organization-wide, deployed from the delegated administrator account; this
   * environment outputs it): no auto-approval on instances with any of these tags.
   */
  denyAccess: z.array(tagMatch).default([]),
  /** A separate role with standing session access for emergencies; every use alarms. */
  breakGlass: z
    .strictObject({
      /** Create the break-glass role and its alarms. @default false */
      enabled: z.boolean().default(false),
      /** @default <environment>-break-glass */
      roleName: iamRoleName.optional(),
      /**
       * Who may assume the role: `iam` (the IAM principals in `trustedPrincipalArns`, with MFA: the
       * way in when the IdP is down), `saml` (the environment's SAML provider, through the IdP
       * application people use every day), or `both`. Identity Center environments have no SAML
       * provider of their own: `iam` only.
       * @default "saml" in a SAML environment, "both" when it also lists trustedPrincipalArns; "iam" with Identity Center
       */
      trust: z.enum(BREAK_GLASS_TRUSTS, { error: 'must be "iam", "saml" or "both". Pick one of them' }).optional(),
      /** IAM roles or users that may assume the role with MFA (`trust` "iam" or "both"). */
      trustedPrincipalArns: z
        .array(
          z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/, {
            error: 'must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)',
          }),
        )
        .default([]),
      /** Email subscribed to the alarm topics (AWS asks the address to confirm). */
      alarmEmail: z.email({ error: 'must be an email address' }).optional(),
      /** Existing SNS topics to alarm instead of the ones created here, by region (EventBridge targets a topic in its own region). */
      alarmTopicArns: z.partialRecord(region, str(launchTaggerRules.snsTopicArn)).default({}),
      /**
       * Regions besides the environment's whose CloudTrail may record a sign-in to the role, each
       * watched by sign-in rules: where the STS or sign-in endpoints people use are. us-east-1 (the
       * STS global endpoint, console sign-ins) is always watched.
       * @default ["us-east-1", "us-east-2", "eu-north-1", "ap-southeast-2"] (where console sign-ins are recorded)
       */
      signInAlarmRegions: z.array(region).optional(),
      /**
       * The CloudWatch Logs group of a multi-region CloudTrail trail: sign-ins alarm through a
       * metric filter on it (CIS AWS Foundations Benchmark), instead of EventBridge rules in every
       * sign-in region. Session starts still alarm through EventBridge in the environment's regions.
       * @default none: EventBridge sign-in rules
       */
      cloudTrailLogGroupName: z
        .string()
        .regex(/^[\w#./-]{1,512}$/, {
          error: 'must be a CloudWatch Logs group name (1-512 characters: letters, digits and _-./#)',
        })
        .optional(),
      /** The trail log group's region. @default the primary region */
      cloudTrailLogGroupRegion: region.optional(),
    })
    .default({ enabled: false, trustedPrincipalArns: [], alarmTopicArns: {} }),
});

const launchTaggerSchema = z.strictObject({
  /** Deploy the launch tagger in every region of the environment. */
  enabled: z.boolean().default(true),
  /** Roles that launch instances on a person's behalf and write the `CreatedBy` tag (tag mode). */
  launcherRoleNames: z.array(iamRoleName).default([]),
  /** Lambda retries of an event the function failed on, before it goes to the dead-letter queue (0-2). @default 2 */
  maxRetryAttempts: z
    .number({ error: launchTaggerRules.maxRetryAttempts.message })
    .refine(launchTaggerRules.maxRetryAttempts.test, { error: launchTaggerRules.maxRetryAttempts.message })
    .optional(),
  /** How long Lambda keeps trying an event, in seconds (60-21600). @default 21600 */
  maxEventAgeSeconds: z
    .number({ error: launchTaggerRules.maxEventAgeSeconds.message })
    .refine(launchTaggerRules.maxEventAgeSeconds.test, { error: launchTaggerRules.maxEventAgeSeconds.message })
    .optional(),
  /** SNS topic told when the dead-letter queue holds events, by region (an alarm acts only in its region). @default none */
  alarmTopicArns: z.partialRecord(region, str(launchTaggerRules.snsTopicArn)).optional(),
});

const ciSchema = z.strictObject({
  /** GitHub repository whose workflows plan and deploy this environment, as `owner/name`. */
  githubRepository: z.string().regex(/^[A-Za-z0-9][\w.-]{0,38}\/[\w.-]{1,100}$/, {
    error: 'must be a GitHub repository as "owner/name". Use the repository that holds this project',
  }),
  /** Create the account's GitHub OIDC provider (turn off when another stack owns it). */
  createOidcProvider: z.boolean().default(true),
  /** Name of the role the plan-review workflow assumes. @default <environment>-github-plan */
  planRoleName: iamRoleName.optional(),
  /** Name of the role the deploy workflow assumes. @default <environment>-github-deploy */
  deployRoleName: iamRoleName.optional(),
  /**
   * The GitHub environment (Settings > Environments) whose deploy jobs the deploy role trusts. Give
   * many accounts one (for example `production`) so a deploy job of a shard of several accounts can
   * assume each of their roles.
   *
   * @default the environment's name
   */
  deployEnvironment: z
    .string()
    .regex(/^[^,'"`;\\]{1,255}$/, {
      error: 'must be a GitHub environment name (1-255 characters, no commas, quotes, backslashes or semicolons)',
    })
    .optional(),
});

// Session Manager preferences, audit logging and VPC endpoints (modules/session-preferences,
// modules/session-audit-logs, modules/vpc-endpoints).
const num = (rule: Rule<number>) => z.number({ error: rule.message }).refine(rule.test, { error: rule.message });

const sessionSchema = z.strictObject({
  /** Minutes without activity before a session ends (1-60). */
  idleTimeoutMinutes: num(sessionRules.idleSessionTimeoutMinutes).default(20),
  /** Longest a session may last, in minutes (1-1440). */
  maxDurationMinutes: num(sessionRules.maxSessionDurationMinutes).default(60),
  /** Commands run at the start of every session, per OS (shell, environment, working directory). */
  shellProfile: z
    .strictObject({
      /** Linux and macOS: commands such as `cd ~ && exec bash --login`. @default none */
      linux: z.string().default(''),
      /** Windows: PowerShell commands. @default none */
      windows: z.string().default(''),
    })
    .default({ linux: '', windows: '' }),
  /**
   * Adopt the region's existing `SSM-SessionManagerRunShell` document with a Terraform import block.
   * Turn on when a deploy fails with `DocumentAlreadyExists`; the import needs AWS at plan time.
   */
  adoptExistingDocument: z.boolean().default(false),
});

/** The `logging` section's names for the transcript rules the `SessionAuditLogs` construct shares. */
const TRANSCRIPT_FIELDS: FieldNames<TranscriptSettings> = {
  s3Enabled: 's3.enabled',
  cloudWatchEnabled: 'cloudWatch.enabled',
  centralBucket: 'centralBucket',
  objectLock: 'objectLock',
  objectLockDays: 'objectLock.days',
  archiveAfterDays: 'transcriptArchiveAfterDays',
  expirationDays: 'transcriptExpirationDays',
};

const loggingSchema = z
  .strictObject({
    /** Transcripts to an S3 bucket per region (or to `centralBucket`). */
    s3: z
      .strictObject({
        /** Upload session transcripts to S3. @default true */
        enabled: z.boolean().default(true),
        /** @default "sessions" ("sessions/<account>/<region>" in a central bucket) */
        keyPrefix: str(sessionRules.s3KeyPrefix).optional(),
      })
      .default({ enabled: true }),
    /** Transcripts to the log group `/aws/ssm/<environment>/sessions` per region. */
    cloudWatch: z
      .strictObject({
        /** Send session logs to CloudWatch Logs. @default true */
        enabled: z.boolean().default(true),
        /** Stream output as it happens instead of uploading it when the session ends. */
        streamingEnabled: z.boolean().default(true),
      })
      .default({ enabled: true, streamingEnabled: true }),
    /** Days CloudWatch Logs keeps session logs (a value CloudWatch accepts, at least 365). */
    logRetentionDays: num(sessionRules.logRetentionDays).default(365),
    /** Days after which transcripts move to S3 Glacier Instant Retrieval. */
    transcriptArchiveAfterDays: num(sessionRules.lifecycleDays).default(90),
    /** Days after which transcripts expire (at least 365). */
    transcriptExpirationDays: num(sessionRules.transcriptExpirationDays).default(365),
    /** S3 Object Lock default retention on the transcript bucket. Adding it later replaces the bucket. */
    objectLock: z
      .strictObject({
        /** `GOVERNANCE` or `COMPLIANCE` retention of every transcript object. */
        mode: z.enum(['GOVERNANCE', 'COMPLIANCE'], { error: sessionRules.objectLockMode.message }),
        /** How long each transcript object is locked, in days. */
        days: num(sessionRules.lifecycleDays),
      })
      .optional(),
    /** A bucket in a log-archive account instead of a bucket per region here. */
    centralBucket: z
      .strictObject({
        /** Name of the central bucket. */
        name: str(sessionRules.s3BucketName),
        /** ARN of the KMS key that encrypts it (a key ARN, not an alias). */
        kmsKeyArn: str(sessionRules.kmsKeyArn),
      })
      .optional(),
  })
  .superRefine((logging, ctx) => {
    const settings: TranscriptSettings = {
      s3Enabled: logging.s3.enabled,
      cloudWatchEnabled: logging.cloudWatch.enabled,
      centralBucket: logging.centralBucket,
      objectLock: logging.objectLock,
      objectLockDays: logging.objectLock?.days,
      archiveAfterDays: logging.transcriptArchiveAfterDays,
      expirationDays: logging.transcriptExpirationDays,
    };
    for (const p of checkCombinations(settings, transcriptRules(TRANSCRIPT_FIELDS), TRANSCRIPT_FIELDS)) {
      ctx.addIssue({ code: 'custom', path: p.path.split('.'), input: p.value, message: p.message });
    }
  });

const vpcEndpointsSchema = z.strictObject({
  /** The VPC of the instances. */
  vpcId: str(sessionRules.vpcId),
  /** The VPC's IPv4 CIDR block: the only source the endpoints accept HTTPS from. */
  vpcCidr: str(sessionRules.ipv4Cidr),
  /** Private subnets of the instances, at most one per Availability Zone. */
  subnetIds: z
    .array(str(sessionRules.subnetId))
    .min(1, { error: 'must list at least one private subnet for the interface endpoints. Add the subnets' }),
  /** Route tables of those subnets, for the S3 gateway endpoint. */
  routeTableIds: z
    .array(str(sessionRules.routeTableId))
    .min(1, { error: 'must list at least one route table for the S3 gateway endpoint. Add the route tables' }),
});

const backendSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      /** A state file on the machine that runs Terraform. */
      type: z.literal('local'),
      /** State file path. @default terraform.<environment>.tfstate */
      path: z.string().min(1).optional(),
    }),
    z.strictObject({
      /** An S3 bucket (with native locking). */
      type: z.literal('s3'),
      /** The state bucket. */
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        error: 'must be an S3 bucket name (3-63 characters: a-z, 0-9, . and -)',
      }),
      /** Key of the state object in the bucket. @default <environment>/terraform.tfstate */
      key: z.string().min(1).optional(),
      /** The state bucket's region. */
      region,
      /** S3 native state locking (a `.tflock` object beside the state). */
      useLockfile: z.boolean().default(true),
    }),
    z.strictObject({
      /** HCP Terraform (or Terraform Enterprise). */
      type: z.literal('hcp'),
      /** The HCP Terraform organization. */
      organization: z.string().min(1, { error: 'must name the HCP Terraform organization' }),
      /** The HCP Terraform workspace. @default the environment name */
      workspace: z.string().min(1).optional(),
      /** Terraform Enterprise host name. @default app.terraform.io */
      hostname: z.string().min(1).optional(),
    }),
  ],
  { error: 'must be a state backend with type "local", "s3" or "hcp". Set backend.type' },
);

const environmentObject = z.strictObject({
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
  /** Who signs in: a SAML identity provider, or IAM Identity Center. */
  identity: identitySchema,
  /** Each person's session runs as their own OS user (`SSMSessionRunAs`). @default run-as on, default user ec2-user */
  runAs: runAsSchema.default({
    enabled: true,
    defaultUser: 'ec2-user',
    allowSharedDefaultUser: false,
    deniedUsers: [...DEFAULT_DENIED_RUN_AS_USERS],
  }),
  /** Which instances people may open sessions on, and which session documents. @default standing access, the owner rule only; no SSH or port forwarding */
  access: accessSchema.default({ mode: 'standing', ownerRule: true, sshEnabled: false, portForwardingEnabled: false }),
  /**
   * Approval policies of just-in-time node access. With `access.mode` "standing" they are
   * deployed and requests can be tried while direct sessions still work: the step before the move.
   * @default none
   */
  justInTime: justInTimeSchema.optional(),
  /** The launch tagger that writes the `AwsUserId` owner tag on new instances. @default on, caller mode */
  launchTagger: launchTaggerSchema.default({ enabled: true, launcherRoleNames: [] }),
  /** Session Manager preferences (the regional SSM-SessionManagerRunShell document). */
  session: sessionSchema.default({
    idleTimeoutMinutes: 20,
    maxDurationMinutes: 60,
    shellProfile: { linux: '', windows: '' },
    adoptExistingDocument: false,
  }),
  /** Where session transcripts go and how long they are kept, per region. */
  logging: loggingSchema.default({
    s3: { enabled: true },
    cloudWatch: { enabled: true, streamingEnabled: true },
    logRetentionDays: 365,
    transcriptArchiveAfterDays: 90,
    transcriptExpirationDays: 365,
  }),
  /** VPC endpoints for Session Manager, by region, for private subnets without a NAT. @default none */
  vpcEndpoints: z.partialRecord(region, vpcEndpointsSchema).default({}),
  /** Tags on every resource (the provider's default_tags). */
  tags: z.record(tagKey, tagValue).default({}),
  /** Where Terraform keeps the environment's state (not used by `SsmFederatedAccess`: the stack's backend is). @default local */
  backend: backendSchema.default({ type: 'local' }),
  /** GitHub Actions roles (OIDC) for the plan-review and deploy workflows. @default none */
  ci: ciSchema.optional(),
});

export const environmentSchema = environmentObject
  .superRefine(checkJustInTime)
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
  })
  .superRefine((env, ctx) => {
    const regions = new Set<string>([env.primaryRegion, ...env.additionalRegions]);
    for (const r of Object.keys(env.vpcEndpoints)) {
      if (!regions.has(r)) {
        ctx.addIssue({
          code: 'custom',
          path: ['vpcEndpoints', r],
          input: r,
          message: `must be a region of this environment (primaryRegion or additionalRegions). Add "${r}" to the regions or remove its endpoints`,
        });
      }
    }
  })
  .superRefine((env, ctx) => {
    // Names derived from the environment name must fit their services' limits: report them here,
    // against the environment's own field, before any construct sees them.
    if (!env.logging.s3.enabled || env.logging.centralBucket) return;
    for (const region of [env.primaryRegion, ...env.additionalRegions]) {
      const names = auditLogNames(env.name, env.accountId, region);
      const bucket = [names.transcriptBucket, names.accessLogBucket].find((b) => b.length > S3_BUCKET_NAME_MAX_LENGTH);
      if (bucket === undefined) continue;
      const over = bucket.length - S3_BUCKET_NAME_MAX_LENGTH;
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        input: env.name,
        message: `must be short enough for the transcript bucket "${bucket}" in ${region} (${bucket.length} characters; S3 allows 63). Shorten the name by ${over} character${over === 1 ? '' : 's'}, or send transcripts to logging.centralBucket`,
      });
      return;
    }
  })
  .superRefine((env, ctx) => {
    // Identity Center: every principal tag the access rules read must come from a user attribute.
    if (env.identity.type !== 'identity-center') return;
    const mapped = env.identity.attributePaths;
    for (const tag of principalTagsRead(env.access)) {
      if (tag === 'SSMSessionRunAs' || tag in mapped) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['identity', 'attributePaths'],
        input: Object.keys(mapped),
        message: `must map the principal tag ${tag}, which the access rules read (without it no instance matches). Add "${tag}": "\${path:...}" with the Identity Center attribute that holds it`,
      });
    }
  });

/** The environment file's names for the session document rules the `SessionAccessPolicy` construct shares. */
const DOCUMENT_FIELDS: FieldNames<SessionDocumentSettings> = {
  accessMode: 'access.mode',
  sshEnabled: 'access.sshEnabled',
  portForwardingEnabled: 'access.portForwardingEnabled',
};

/** The rules of just-in-time mode that span sections (access, session, justInTime). */
function checkJustInTime(env: z.output<typeof environmentObject>, ctx: z.core.$RefinementCtx): void {
  const issue = (path: (string | number)[], input: unknown, message: string) =>
    ctx.addIssue({ code: 'custom', path, input, message });
  const jit = env.justInTime;
  const justInTime = env.access.mode === 'just-in-time';
  const documents = { ...env.access, accessMode: env.access.mode };
  for (const p of checkCombinations(documents, justInTimeDocumentRules(DOCUMENT_FIELDS), DOCUMENT_FIELDS)) {
    issue(p.path.split('.'), p.value, p.message);
  }
  if (justInTime) {
    const bounds = JUST_IN_TIME_SESSION_BOUNDS;
    if (env.session.maxDurationMinutes > bounds.maxDurationMinutes) {
      issue(
        ['session', 'maxDurationMinutes'],
        env.session.maxDurationMinutes,
        `must be at most ${bounds.maxDurationMinutes} when access.mode is "just-in-time": a session is not ended when its approval window closes, the maximum duration is what ends it. Lower it`,
      );
    }
    if (env.session.idleTimeoutMinutes > bounds.idleTimeoutMinutes) {
      issue(
        ['session', 'idleTimeoutMinutes'],
        env.session.idleTimeoutMinutes,
        `must be at most ${bounds.idleTimeoutMinutes} when access.mode is "just-in-time": an idle session outlives its approval window until the idle timeout ends it. Lower it`,
      );
    }
    if (!jit) {
      issue(
        ['justInTime'],
        undefined,
        'is required when access.mode is "just-in-time": without approval policies no request can be approved. Add justInTime with autoApproval or manualApprovals',
      );
      return;
    }
  }
  if (!jit) return;
  const auto = jit.autoApproval;
  if (auto.ownerRule) {
    issue(
      ['justInTime', 'autoApproval', 'ownerRule'],
      true,
      'must be false: the owner rule compares the AwsUserId tag with aws:userid, which the approval policy language (Cedar) cannot read. Auto-approve the principal-tag owner rule instead (access.principalTagOwnerRule, e.g. CreatedBy = a principal tag with the user name)',
    );
  }
  if (auto.attributeRule && !env.access.attributeRule) {
    issue(
      ['justInTime', 'autoApproval', 'attributeRule'],
      true,
      'needs access.attributeRule: it auto-approves that rule. Define access.attributeRule or set this to false',
    );
  }
  if (auto.principalTagOwnerRule && !env.access.principalTagOwnerRule) {
    issue(
      ['justInTime', 'autoApproval', 'principalTagOwnerRule'],
      true,
      'needs access.principalTagOwnerRule: it auto-approves that rule. Define access.principalTagOwnerRule or set this to false',
    );
  }
  if (auto.exceptWhenTagged && !auto.attributeRule && !auto.principalTagOwnerRule) {
    issue(
      ['justInTime', 'autoApproval', 'exceptWhenTagged'],
      auto.exceptWhenTagged,
      'excludes instances from auto-approval, but no rule is auto-approved. Remove it, or auto-approve a rule',
    );
  }
  if (!auto.attributeRule && !auto.principalTagOwnerRule && jit.manualApprovals.length === 0) {
    issue(
      ['justInTime'],
      jit,
      'must auto-approve a rule or define a manual approval policy: with neither, no request can be approved. Add autoApproval or manualApprovals',
    );
  }
  for (const p of manualApprovalProblems(jit.manualApprovals)) {
    issue(['justInTime', 'manualApprovals', ...(p.path === '' ? [] : p.path.split('.'))], p.value, p.message);
  }
  if (jit.breakGlass.enabled) checkBreakGlass(env, jit.breakGlass, issue);
}

/** The rules of `justInTime.breakGlass`: who may assume it, and who is alarmed where. */
function checkBreakGlass(
  env: z.output<typeof environmentObject>,
  breakGlass: z.output<typeof justInTimeSchema>['breakGlass'],
  issue: (path: (string | number)[], input: unknown, message: string) => void,
): void {
  const at = (...path: string[]) => ['justInTime', 'breakGlass', ...path];
  const trusted = breakGlass.trustedPrincipalArns;
  const trust = breakGlass.trust ?? defaultBreakGlassTrust(env.identity.type, trusted.length);
  if (env.identity.type === 'identity-center' && trust !== 'iam') {
    issue(
      at('trust'),
      trust,
      'must be "iam" in an Identity Center environment: it has no SAML provider of its own to trust. Set trust: "iam" and list the emergency operators in trustedPrincipalArns',
    );
  } else if (trust !== 'saml' && trusted.length === 0) {
    issue(
      at('trustedPrincipalArns'),
      [],
      `must list who may assume the break-glass role with MFA when trust is "${trust}"${env.identity.type === 'identity-center' ? ' (an Identity Center environment has no SAML provider to trust)' : ''}. Add the emergency operators' role or user ARNs${env.identity.type === 'saml' ? ', or set trust: "saml"' : ''}`,
    );
  } else if (trust === 'saml' && trusted.length > 0) {
    issue(
      at('trustedPrincipalArns'),
      trusted,
      'lists IAM principals, but trust is "saml", so none of them could assume the role. Set trust: "both", or remove them',
    );
  }
  if (breakGlass.cloudTrailLogGroupRegion !== undefined && breakGlass.cloudTrailLogGroupName === undefined) {
    issue(
      at('cloudTrailLogGroupRegion'),
      breakGlass.cloudTrailLogGroupRegion,
      'names the region of a trail log group, but cloudTrailLogGroupName is not set. Set cloudTrailLogGroupName, or remove the region',
    );
  }
  if (breakGlass.cloudTrailLogGroupName !== undefined && breakGlass.signInAlarmRegions !== undefined) {
    issue(
      at('signInAlarmRegions'),
      breakGlass.signInAlarmRegions,
      'has no effect with cloudTrailLogGroupName: the trail alarm sees sign-ins in every region. Remove one of them',
    );
  }
  const alarmed = breakGlassAlarmRegionsOf({ ...env, regions: [env.primaryRegion, ...env.additionalRegions] });
  const unalarmed = alarmed.filter((r) => breakGlass.alarmTopicArns[r] === undefined);
  if (breakGlass.alarmEmail === undefined && unalarmed.length > 0) {
    issue(
      at(),
      breakGlass,
      `must name who is alarmed when the break-glass role is used: set alarmEmail, or alarmTopicArns for every alarm region (missing ${unalarmed.join(', ')})`,
    );
  }
  for (const r of Object.keys(breakGlass.alarmTopicArns)) {
    if (!alarmed.includes(r as AwsRegion)) {
      issue(
        at('alarmTopicArns', r),
        r,
        `is not a region the break-glass alarms are in (${alarmed.join(', ')}). Remove it, or add the region to signInAlarmRegions`,
      );
    }
  }
}

/**
 * What an environment file exports: the input form, with defaults still to apply.
 *
 * The type is inferred from the environment's zod schema, so its fields are not listed here: the
 * Environment fields page lists every one, with its type, default and rules, generated from the
 * same schema, as is the JSON Schema the package ships (`schema/environment.schema.json`).
 *
 * @see [Environment fields](../../docs/reference/environment-fields.md)
 */
export type EnvironmentInput = z.input<typeof environmentSchema>;

/** The validated form, defaults applied. */
export type EnvironmentSettings = z.output<typeof environmentSchema>;
