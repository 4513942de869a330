import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Lazy, TerraformResource } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { type PolicyDocument, type PolicyStatement, policyDocument, renderPolicy } from '../core/policy-document';
import { POLICY_QUOTAS, type PolicyUnderCheck } from '../core/policy-lint';
import { type CiRoles, describeForReview } from '../core/review-metadata';
import { isLiteral, terraformAttributes } from '../core/terraform-attributes';
import { type Rule, propProblems, rules } from '../core/rules';
import { reportProblems } from '../core/validation';
import {
  type CiScope,
  boundaryDocument,
  byFamily,
  deployGuardsDocument,
  deployStatements,
  planReadStatements,
} from './ci-policies';
import { refreshResourcesIn, regionFree } from './refresh-resources';
import { actionsOfTypes, resourceTypesIn } from './terraform-actions';

/** GitHub's OpenID Connect issuer for Actions. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

const githubRepository: Rule<string> = {
  test: (v) => /^[A-Za-z0-9][\w.-]{0,38}\/[\w.-]{1,100}$/.test(v),
  message: 'must be a GitHub repository as "owner/name". Use the repository that holds this project',
};

/** Where Terraform keeps this environment's state, so the plan role may read it (and only it). */
export interface StateAccess {
  /** The state bucket. */
  readonly bucket: string;
  /** The state object's key. */
  readonly key: string;
}

/** Properties of `GitHubActionsRoles`: the CI roles of an environment's review workflow. */
export interface GitHubActionsRolesProps {
  /** The AWS account of the roles. */
  readonly accountId: string;
  /** The repository allowed to assume the roles, as `owner/name`. */
  readonly repository: string;
  /** The GitHub environment whose deploy jobs may assume the deploy role (its required reviewers guard it). */
  readonly deployEnvironment: string;
  /** Name of the role pull-request and main-branch plans assume (read-only). */
  readonly planRoleName: string;
  /** Name of the role the protected deploy job assumes. */
  readonly deployRoleName: string;
  /**
   * Regions the stack manages resources in: the deploy role may change resources there only.
   */
  readonly regions: readonly string[];
  /**
   * Further regions where the stack manages only alarms (EventBridge rules, SNS topics, their keys
   * and CloudWatch alarms), such as the break-glass sign-in alarms: the deploy role may change those
   * there, and the plan role read them.
   *
   * @default - none
   */
  readonly alarmRegions?: readonly string[];
  /**
   * Start of the names of the roles, instance profiles, functions, queues, rules, alarms, log
   * groups, buckets and key aliases the deploy role may change (IAM names are per account, so one
   * environment's deploy role cannot touch another's). Roles, SAML providers and Session documents
   * of the stack with other names are added by name at synth time.
   *
   * @default `${deployEnvironment}-`
   */
  readonly namePrefix?: string;
  /**
   * Create the account's GitHub OIDC provider. An account has at most one per URL: turn this off
   * when another stack already created it (the roles trust it by ARN either way).
   * @default true
   */
  readonly createOidcProvider?: boolean;
  /**
   * S3 state location, for the plan role's read access and lock file, and the deploy role's writes.
   * @default none (HCP Terraform or local state: no S3 permissions)
   */
  readonly state?: StateAccess;
  /**
   * Statements of your own for the plan role, for resources your app adds to the stack beside the
   * ones these roles manage (`grantManage`): attached as a policy of their own
   * (`<planRoleName>-read-app`), so the library's policies keep their size.
   *
   * @default none
   */
  readonly additionalPlanStatements?: readonly PolicyStatement[];
  /**
   * Statements of your own for the deploy role, for resources your app adds to the stack: attached
   * as a policy of their own (`<deployRoleName>-changes-app`). Their actions must be within the
   * permissions boundary's ceiling (`BOUNDARY_CEILING`), or listed in {@link additionalBoundaryActions}.
   *
   * @default none
   */
  readonly additionalDeployStatements?: readonly PolicyStatement[];
  /**
   * Actions beyond the boundary's ceiling that your own statements need (the boundary grows by them).
   *
   * @default none
   */
  readonly additionalBoundaryActions?: readonly string[];
}

/**
 * The CI side of the review workflow: GitHub's OIDC provider, two roles, and the permissions
 * boundary of every role in the stack. No long-lived keys are stored.
 *
 * - The plan role (this repository's pull requests and main branch) may make the reads a
 *   `terraform plan` refresh makes for the resource types in the stack, found at synth time, on
 *   the stack's own resources (by name, keys by Terraform reference, in the stack's regions; only
 *   the reads IAM cannot scope are on `"*"`), and read the state object; explicit Denies keep it
 *   from session data (log events, Logs Insights, live tails, transcript objects, `kms:Decrypt`,
 *   dead letters), whatever else is attached later.
 *   `ReadOnlyAccess` is not used: CloudWatch Logs decrypts log events for any reader of the group.
 * - The deploy role (jobs in the protected GitHub environment) may change the resource types in
 *   the stack, by name prefix; every role it creates or grants to must carry the boundary
 *   ({@link permissionsBoundary}), which it cannot change or remove; it cannot change the CI
 *   roles or their policies, attach AWS-managed policies, or create users or access keys.
 *
 * Break-glass: the first deploy, and any change to the CI roles or their policies (a new resource
 * type changes them, and so does a new role, bucket, key, function or other resource the plan role
 * reads), is made by an administrator with `cdktf deploy`.
 *
 * Pass {@link permissionsBoundaryArn} as `permissionsBoundaryArn` to every construct that creates a role.
 */
export class GitHubActionsRoles extends Construct {
  readonly providerArn: string;
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  readonly planTrustPolicy: PolicyDocument;
  readonly deployTrustPolicy: PolicyDocument;
  /** The managed policy every role of the stack carries as its permissions boundary. */
  readonly permissionsBoundary: IamPolicy;
  /** ARN of {@link permissionsBoundary} (a reference, so roles are created after it). */
  readonly permissionsBoundaryArn: string;
  /** The deploy role's Denies: no role without the boundary, no change to the CI roles, no admin policies, users or keys. */
  readonly deployGuardsPolicy: IamPolicy;
  /**
   * The plan role's reads (also attached to the deploy role, which refreshes before it changes),
   * one managed policy per service family (the base policy under the key `''`), once
   * {@link grantManage} has run.
   */
  readonly planReadPolicies = new Map<string, IamPolicy>();
  /** The deploy role's changes, one managed policy per service family, once {@link grantManage} has run. */
  readonly deployPolicies = new Map<string, IamPolicy>();

  private readonly scope: CiScope;
  private readonly props: GitHubActionsRolesProps;
  private readonly names: { planRead: string; deploy: string };
  private managed?: {
    plan: Map<string, PolicyDocument>;
    deploy: Map<string, PolicyDocument>;
    boundary: PolicyDocument;
  };
  private bucketPatterns: readonly string[] = [];
  private readonly grantedDocumentNames = new Set<string>();

  constructor(scope: Construct, id: string, props: GitHubActionsRolesProps) {
    super(scope, id);
    reportProblems(
      this,
      propProblems(this.node.path, [
        ['accountId', props.accountId, rules.accountId],
        ['repository', props.repository, githubRepository],
        ['planRoleName', props.planRoleName, rules.iamRoleName],
        ['deployRoleName', props.deployRoleName, rules.iamRoleName],
        ...props.regions.map((r, i) => [`regions.${i}`, r, rules.region] as const),
        ...(props.alarmRegions ?? []).map((r, i) => [`alarmRegions.${i}`, r, rules.region] as const),
      ]),
    );
    this.props = props;
    const names = policyNames(props);
    this.names = names;
    this.scope = ciScopeOf(props, names);

    this.providerArn = `arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
    const provider =
      (props.createOidcProvider ?? true)
        ? new IamOpenidConnectProvider(this, 'provider', {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdList: ['sts.amazonaws.com'],
          })
        : undefined;

    // The boundary is the same for every configuration but for the names of the buckets whose
    // objects it denies, known once grantManage has run.
    this.permissionsBoundary = new IamPolicy(this, 'permissions-boundary', {
      name: names.boundary,
      description: 'Permissions boundary of every role of this stack: what its roles and Terraform do, nothing else',
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.boundaryDocument) }),
    });
    this.permissionsBoundaryArn = this.permissionsBoundary.arn;
    this.deployGuardsPolicy = new IamPolicy(this, 'deploy-guards', {
      name: names.guards,
      description:
        'terraform apply: no role without the boundary, no change to the CI roles, no admin policies, users or keys',
      policy: renderPolicy(deployGuardsDocument(this.scope)),
    });

    const repo = props.repository;
    this.planTrustPolicy = githubTrustPolicy(this.providerArn, [
      `repo:${repo}:pull_request`,
      `repo:${repo}:ref:refs/heads/main`,
    ]);
    this.deployTrustPolicy = githubTrustPolicy(this.providerArn, [
      `repo:${repo}:environment:${props.deployEnvironment}`,
    ]);

    this.planRole = new IamRole(this, 'plan-role', {
      name: props.planRoleName,
      description: `terraform plan from GitHub Actions (${repo}), read-only`,
      assumeRolePolicy: renderPolicy(this.planTrustPolicy),
      maxSessionDuration: 3600,
      permissionsBoundary: this.permissionsBoundaryArn,
      ...(provider ? { dependsOn: [provider] } : {}),
    });
    if (props.state) {
      new IamRolePolicy(this, 'plan-state', {
        name: 'terraform-state-read',
        role: this.planRole.name,
        policy: renderPolicy(stateReadPolicy(props.state)),
      });
    }

    this.deployRole = new IamRole(this, 'deploy-role', {
      name: props.deployRoleName,
      description: `terraform apply from the GitHub environment ${props.deployEnvironment} (${repo})`,
      assumeRolePolicy: renderPolicy(this.deployTrustPolicy),
      maxSessionDuration: 3600,
      permissionsBoundary: this.permissionsBoundaryArn,
      ...(provider ? { dependsOn: [provider] } : {}),
    });
    const review = reviewOf(props);
    describeForReview(this.planRole, { part: 'ci-plan-role', ...review });
    describeForReview(this.deployRole, { part: 'ci-deploy-role', ...review });
    new IamRolePolicyAttachment(this, 'deploy-guards-attachment', {
      role: this.deployRole.name,
      policyArn: this.deployGuardsPolicy.arn,
    });
    if (props.state) {
      new IamRolePolicy(this, 'deploy-state', {
        name: 'terraform-state-write',
        role: this.deployRole.name,
        policy: renderPolicy(stateWritePolicy(props.state)),
      });
    }
    this.addAppPolicies(props);
  }

  /**
   * Grants the plan role the refresh reads, and the deploy role the changes, of every resource
   * under `resources` (the constructs of this library; `SsmFederatedAccess` calls it with itself,
   * once all its resources exist). Computes the policies once, from the resource-type registry,
   * and creates one managed policy per service family with a statement in it. Call it once, after
   * the resources are added.
   */
  grantManage(resources: IConstruct): void {
    if (this.managed) throw new Error(`${this.node.path}: grantManage may be called once`);
    const types = actionsOfTypes(this.node.path, resourceTypesIn(resources));
    const prefix = this.scope.namePrefix;
    const regions = this.scope.regions;
    this.bucketPatterns = [
      ...new Set(literalAttributes(resources, 'aws_s3_bucket', 'bucket').map((b) => regionFree(b, regions))),
    ].sort();
    const scope: CiScope = {
      ...this.scope,
      roleNames: literalAttributes(resources, 'aws_iam_role', 'name').filter((n) => !n.startsWith(prefix)),
      samlProviderNames: literalAttributes(resources, 'aws_iam_saml_provider', 'name'),
      documentNames: [
        ...new Set([
          ...literalAttributes(resources, 'aws_ssm_document', 'name'),
          // Documents granted by the constructs that create them outside Terraform (grantManageDocuments).
          ...this.grantedDocumentNames,
        ]),
      ].sort(),
    };
    // The CI policies are read too: by name pattern, since the family policies are created below.
    const refresh = new Map(refreshResourcesIn(resources, this.scope.accountId, regions));
    refresh.set('iam', [...new Set([...(refresh.get('iam') ?? []), ...this.scope.ciPolicyArns])].sort());
    const plan = byFamily(planReadStatements(types, refresh, this.scope, this.bucketPatterns));
    const deploy = byFamily(deployStatements(types, scope));
    this.managed = { plan, deploy, boundary: boundaryDocument(this.scope.boundaryArn, this.bucketPatterns) };
    for (const [family, document] of plan) {
      const policy = this.familyPolicy('plan-read', this.names.planRead, family, document);
      this.planReadPolicies.set(family, policy);
      this.attach(this.planRole, `plan-read${suffix(family)}`, policy);
      this.attach(this.deployRole, `deploy-read${suffix(family)}`, policy);
    }
    for (const [family, document] of deploy) {
      const policy = this.familyPolicy('deploy-changes', this.names.deploy, family, document);
      this.deployPolicies.set(family, policy);
      this.attach(this.deployRole, `deploy-changes${suffix(family)}`, policy);
    }
  }

  /**
   * Lets the deploy role manage Systems Manager documents that are not Terraform resources of the
   * stack, such as those a CloudFormation stack of it creates with the deploy role's credentials
   * (`JustInTimeApprovalPolicies.grantDeploy`). Call it before {@link grantManage}.
   */
  grantManageDocuments(names: readonly string[]): void {
    if (this.managed) throw new Error(`${this.node.path}: grant documents before grantManage computes the policies`);
    for (const name of names) this.grantedDocumentNames.add(name);
  }

  /** Whether {@link grantManage} has computed the policies. */
  get isGranted(): boolean {
    return this.managed !== undefined;
  }

  /** The plan role's reads, all families together (for tests and the review). */
  get planReadDocument(): PolicyDocument {
    return mergedDocument(this.computed().plan);
  }

  /** The deploy role's changes, all families together. */
  get deployDocument(): PolicyDocument {
    return mergedDocument(this.computed().deploy);
  }

  /** The permissions boundary. */
  get boundaryDocument(): PolicyDocument {
    const boundary = this.managed?.boundary ?? boundaryDocument(this.scope.boundaryArn, this.bucketPatterns);
    const extra = this.props.additionalBoundaryActions ?? [];
    if (extra.length === 0) return boundary;
    const [ceiling, ...rest] = boundary.Statement;
    return { ...boundary, Statement: [{ ...ceiling, Action: [...[ceiling.Action ?? []].flat(), ...extra] }, ...rest] };
  }

  /**
   * The policy rendered at synth time (the boundary), for the stack's synth-time lint and size
   * check; the others are rendered when {@link grantManage} runs and checked with every policy.
   */
  policiesToCheck(): PolicyUnderCheck[] {
    return [
      {
        where: this.permissionsBoundary.node.path,
        attribute: 'policy',
        kind: 'identity',
        document: this.boundaryDocument,
        quota: POLICY_QUOTAS.managedPolicy,
      },
    ];
  }

  private computed(): NonNullable<GitHubActionsRoles['managed']> {
    if (!this.managed) {
      throw new Error(
        `${this.node.path}: call grantManage(scope) once the resources the CI roles manage are added (SsmFederatedAccess does)`,
      );
    }
    return this.managed;
  }

  private familyPolicy(id: string, name: string, family: string, document: PolicyDocument): IamPolicy {
    const what = id === 'plan-read' ? 'terraform plan: refresh reads' : 'terraform apply: changes';
    return new IamPolicy(this, `${id}${suffix(family)}`, {
      name: `${name}${suffix(family)}`,
      description: `${what} of the ${family || 'base'} resources of this stack${id === 'plan-read' ? '; no session data' : ''}`,
      policy: renderPolicy(document),
    });
  }

  private attach(role: IamRole, id: string, policy: IamPolicy): void {
    new IamRolePolicyAttachment(this, `${id}-attachment`, { role: role.name, policyArn: policy.arn });
  }

  /** The consumer's own statements, each role's in a policy of its own. */
  private addAppPolicies(props: GitHubActionsRolesProps): void {
    const own: [IamRole[], string, string, readonly PolicyStatement[] | undefined][] = [
      [[this.planRole, this.deployRole], 'plan-read-app', `${this.names.planRead}-app`, props.additionalPlanStatements],
      [[this.deployRole], 'deploy-changes-app', `${this.names.deploy}-app`, props.additionalDeployStatements],
    ];
    for (const [roles, id, name, statements] of own) {
      if (!statements || statements.length === 0) continue;
      const policy = new IamPolicy(this, id, {
        name,
        description: 'Your own resources of this stack (given to GitHubActionsRoles)',
        policy: renderPolicy(policyDocument([...statements])),
      });
      for (const role of roles) this.attach(role, `${role === this.planRole ? 'plan' : 'deploy'}-${id}`, policy);
    }
  }
}

/** The names of the CI policies: the boundary, the plan role's reads, the deploy role's changes and guards. */
function policyNames(props: GitHubActionsRolesProps) {
  const prefix = props.namePrefix ?? `${props.deployEnvironment}-`;
  return {
    prefix,
    boundary: `${prefix}permissions-boundary`,
    planRead: `${props.planRoleName}-read`,
    deploy: `${props.deployRoleName}-changes`,
    guards: `${props.deployRoleName}-guards`,
  };
}

/** What the CI policies are scoped to: the account, the stack's regions and names, the CI roles and policies. */
function ciScopeOf(props: GitHubActionsRolesProps, names: ReturnType<typeof policyNames>): CiScope {
  const account = props.accountId;
  const policyArn = (name: string) => `arn:aws:iam::${account}:policy/${name}`;
  return {
    accountId: account,
    // Alarm-only regions are regions the stack manages resources in too (rules, topics, keys).
    regions: [...new Set([...props.regions, ...(props.alarmRegions ?? [])])],
    namePrefix: names.prefix,
    roleNames: [],
    samlProviderNames: [],
    documentNames: [],
    planRoleArn: `arn:aws:iam::${account}:role/${props.planRoleName}`,
    deployRoleArn: `arn:aws:iam::${account}:role/${props.deployRoleName}`,
    boundaryArn: policyArn(names.boundary),
    // The split policies by name pattern: a family added later is covered too.
    ciPolicyArns: [names.boundary, `${names.planRead}*`, `${names.deploy}*`, names.guards].map(policyArn),
  };
}

/** What both CI roles tell the review command. */
function reviewOf(props: GitHubActionsRolesProps): CiRoles {
  return {
    accountId: props.accountId,
    githubRepository: props.repository,
    planRoleName: props.planRoleName,
    deployRoleName: props.deployRoleName,
    deployEnvironment: props.deployEnvironment,
    createOidcProvider: props.createOidcProvider ?? true,
    ...(props.state ? { state: { bucket: props.state.bucket, key: props.state.key } } : {}),
  };
}

const suffix = (family: string) => (family === '' ? '' : `-${family}`);

/** One document of every family's statements (for tests and reviews that read the role's permissions whole). */
function mergedDocument(families: ReadonlyMap<string, PolicyDocument>): PolicyDocument {
  return policyDocument([...families.values()].flatMap((d) => [...d.Statement]));
}

/** The values of one attribute of every resource of a type under `scope`. */
function attributeValues(scope: IConstruct, type: string, attribute: string): unknown[] {
  const values: unknown[] = [];
  for (const construct of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(construct)) continue;
    const resource = construct as TerraformResource;
    if (resource.terraformResourceType !== type) continue;
    values.push(terraformAttributes(resource)[attribute]);
  }
  return values;
}

/** The literal values of one attribute of every resource of a type under `scope` (references skipped), sorted. */
function literalAttributes(scope: IConstruct, type: string, attribute: string): string[] {
  return [...new Set(attributeValues(scope, type, attribute).filter(isLiteral))].sort();
}

/** Trust for GitHub Actions jobs whose OIDC subject is one of `subjects`, with the STS audience. */
export function githubTrustPolicy(providerArn: string, subjects: readonly string[]): PolicyDocument {
  const statement: PolicyStatement = {
    Sid: 'GitHubActionsOidc',
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_HOST}:sub`]: subjects },
    },
  };
  return policyDocument([statement]);
}

function stateReadPolicy(state: StateAccess): PolicyDocument {
  return policyDocument([
    { Sid: 'ListStateBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${state.bucket}` },
    {
      Sid: 'ReadState',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${state.bucket}/${state.key}`,
    },
    {
      Sid: 'StateLockFile',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: `arn:aws:s3:::${state.bucket}/${state.key}.tflock`,
    },
  ]);
}

function stateWritePolicy(state: StateAccess): PolicyDocument {
  return policyDocument([
    { Sid: 'ListStateBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${state.bucket}` },
    {
      Sid: 'WriteState',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `arn:aws:s3:::${state.bucket}/${state.key}`,
    },
    {
      Sid: 'StateLockFile',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: `arn:aws:s3:::${state.bucket}/${state.key}.tflock`,
    },
  ]);
}
