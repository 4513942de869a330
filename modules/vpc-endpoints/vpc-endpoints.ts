import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { ConfigProblem } from '../core/config-error';
import { type AwsRegion, propProblems, sessionRules } from '../core/rules';
import { reportProblems } from '../core/validation';
import { resolveRegion } from '../core/provider-region';

/**
 * The interface endpoints an instance without a NAT needs for Session Manager: the agent's channel
 * (ssm, ssmmessages, ec2messages), session encryption (kms) and CloudWatch transcripts (logs).
 * S3 transcripts go through a gateway endpoint.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
 */
export const SESSION_MANAGER_INTERFACE_SERVICES = ['ssm', 'ssmmessages', 'ec2messages', 'kms', 'logs'] as const;

/** One of {@link SESSION_MANAGER_INTERFACE_SERVICES}: the key of {@link VpcEndpoints.interfaceEndpoints}. */
export type SessionManagerInterfaceService = (typeof SESSION_MANAGER_INTERFACE_SERVICES)[number];

/**
 * Properties of a {@link VpcEndpoints}.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
 */
export interface VpcEndpointsProps {
  /** The region's provider; every resource of this construct uses it. */
  readonly provider: AwsProvider;
  /**
   * The region of the VPC (service names are built from it); an error when it is not the
   * provider's.
   *
   * @default - the region of `provider`
   */
  readonly region?: AwsRegion;
  /** Prefix of the security group name, `<namePrefix>-ssm-endpoints`, e.g. the environment name. */
  readonly namePrefix: string;
  /** The VPC of the instances, e.g. `vpc-0123456789abcdef0`. */
  readonly vpcId: string;
  /**
   * The VPC's IPv4 CIDR block (the network address, e.g. `10.0.0.0/16`): the only source the
   * endpoints accept HTTPS from.
   */
  readonly vpcCidrBlock: string;
  /** Private subnets for the interface endpoints (at least one), at most one per Availability Zone. */
  readonly subnetIds: readonly string[];
  /**
   * Route tables of those subnets (at least one), for the S3 gateway endpoint.
   *
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html
   */
  readonly routeTableIds: readonly string[];
}

/**
 * VPC endpoints for Session Manager in private subnets without a NAT: interface endpoints for
 * ssm, ssmmessages, ec2messages, kms and logs (private DNS on, so the agent needs no settings),
 * behind a security group that allows HTTPS from the VPC only, and an S3 gateway endpoint.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
 */
export class VpcEndpoints extends Construct {
  /** The endpoints' security group: HTTPS in from `vpcCidrBlock`, no egress rule. */
  readonly securityGroup: SecurityGroup;
  /** The interface endpoints, by service. */
  readonly interfaceEndpoints: Readonly<Record<SessionManagerInterfaceService, VpcEndpoint>>;
  /** The S3 gateway endpoint, on `routeTableIds`. */
  readonly s3GatewayEndpoint: VpcEndpoint;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const where = this.node.path;
    const resolved = resolveRegion(this, props.region, props.provider);
    const region = resolved.region;
    const problems: ConfigProblem[] = [
      ...resolved.problems,
      ...propProblems(where, [
        ['vpcId', props.vpcId, sessionRules.vpcId],
        ['vpcCidrBlock', props.vpcCidrBlock, sessionRules.ipv4Cidr],
        ...props.subnetIds.map((v, i) => [`subnetIds.${i}`, v, sessionRules.subnetId] as const),
        ...props.routeTableIds.map((v, i) => [`routeTableIds.${i}`, v, sessionRules.routeTableId] as const),
      ]),
    ];
    if (props.subnetIds.length === 0) {
      problems.push({
        file: where,
        path: 'subnetIds',
        value: [],
        message: 'must list at least one private subnet for the interface endpoints. Add the subnets of the instances',
      });
    }
    if (props.routeTableIds.length === 0) {
      problems.push({
        file: where,
        path: 'routeTableIds',
        value: [],
        message: 'must list at least one route table for the S3 gateway endpoint. Add the route tables of the subnets',
      });
    }
    reportProblems(this, problems);

    const provider = props.provider;
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      provider,
      name: `${props.namePrefix}-ssm-endpoints`,
      description: 'Session Manager VPC endpoints: HTTPS from the VPC only',
      vpcId: props.vpcId,
      // No egress rule: Terraform removes the default allow-all egress, and endpoints need none.
    });
    new VpcSecurityGroupIngressRule(this, 'https-from-vpc', {
      provider,
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS from the VPC',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidrBlock,
    });

    const endpoints = {} as Record<SessionManagerInterfaceService, VpcEndpoint>;
    for (const service of SESSION_MANAGER_INTERFACE_SERVICES) {
      endpoints[service] = new VpcEndpoint(this, service, {
        provider,
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: [...props.subnetIds],
        securityGroupIds: [this.securityGroup.id],
      });
    }
    this.interfaceEndpoints = endpoints;
    this.s3GatewayEndpoint = new VpcEndpoint(this, 's3', {
      provider,
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [...props.routeTableIds],
    });
  }
}
