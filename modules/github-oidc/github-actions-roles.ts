import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { type PolicyDocument, type PolicyStatement, policyDocument, renderPolicy } from '../core/policy-document';
import { describeForReview } from '../core/review-metadata';
import { type Rule, rules, validateProps } from '../core/rules';

/** GitHub's OpenID Connect issuer for Actions. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

const githubRepository: Rule<string> = {
  test: (v) => /^[A-Za-z0-9][\w.-]{0,38}\/[\w.-]{1,100}$/.test(v),
  message: 'must be a GitHub repository as "owner/name". Use the repository that holds this project',
};

/** Where Terraform keeps this environment's state, so the plan role may read it (and only it). */
export interface StateAccess {
  readonly bucket: string;
  readonly key: string;
}

export interface GitHubActionsRolesProps {
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
   * Create the account's GitHub OIDC provider. An account has at most one per URL: turn this off
   * when another stack already created it (the roles trust it by ARN either way).
   * @default true
   */
  readonly createOidcProvider?: boolean;
  /**
   * S3 state location, for the plan role's read access and lock file.
   * @default none (HCP Terraform or local state: no S3 permissions)
   */
  readonly state?: StateAccess;
}

/**
 * The CI side of the review workflow: GitHub's OIDC provider and two roles. The plan role is
 * read-only and may be assumed by this repository's pull requests and main branch; the deploy role
 * only by jobs running in the protected GitHub environment, so no long-lived keys are stored.
 */
export class GitHubActionsRoles extends Construct {
  readonly providerArn: string;
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  readonly planTrustPolicy: PolicyDocument;
  readonly deployTrustPolicy: PolicyDocument;

  constructor(scope: Construct, id: string, props: GitHubActionsRolesProps) {
    super(scope, id);
    validateProps(this.node.path, [
      ['accountId', props.accountId, rules.accountId],
      ['repository', props.repository, githubRepository],
      ['planRoleName', props.planRoleName, rules.iamRoleName],
      ['deployRoleName', props.deployRoleName, rules.iamRoleName],
    ]);
    this.providerArn = `arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
    const provider =
      (props.createOidcProvider ?? true)
        ? new IamOpenidConnectProvider(this, 'provider', {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdList: ['sts.amazonaws.com'],
          })
        : undefined;

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
      ...(provider ? { dependsOn: [provider] } : {}),
    });
    new IamRolePolicyAttachment(this, 'plan-read-only', {
      role: this.planRole.name,
      policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
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
      ...(provider ? { dependsOn: [provider] } : {}),
    });
    const review = {
      accountId: props.accountId,
      githubRepository: repo,
      planRoleName: props.planRoleName,
      deployRoleName: props.deployRoleName,
      createOidcProvider: props.createOidcProvider ?? true,
    };
    describeForReview(this.planRole, { part: 'ci-plan-role', ...review });
    describeForReview(this.deployRole, { part: 'ci-deploy-role', ...review });
    // The deploy role creates and changes IAM roles, so it is as powerful as an administrator of
    // this account's access: the trust policy (one protected environment) is what guards it.
    new IamRolePolicyAttachment(this, 'deploy-administrator', {
      role: this.deployRole.name,
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
  }
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
