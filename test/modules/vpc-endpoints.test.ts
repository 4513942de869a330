import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import { ConfigError, loadEnvironment } from '../../modules/environment/load-environment';
import { VpcEndpoints, type VpcEndpointsProps } from '../../modules/vpc-endpoints/vpc-endpoints';
import { MODULE_FIXTURE, MODULE_FIXTURE_SOURCES } from '../fixtures/environments/module-fixtures';
import { synthStack } from '../support/construct-synth';
import { type SynthesizedStack, resourceAt, resourcesOfType, synthesize } from '../support/synth';
import { InvalidConstruct, validated } from '../support/validation';

type Props = Omit<VpcEndpointsProps, 'provider'>;
const base: Props = {
  region: 'us-east-1',
  namePrefix: 'example',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.20.0.0/16',
  subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
  routeTableIds: ['rtb-0a1b2c3d4e5f60001'],
};

function synthEndpoints(overrides: Partial<Props> = {}): SynthesizedStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const provider = new AwsProvider(stack, 'aws_us', { region: 'us-east-1', alias: 'us-east-1' });
  validated(() => new VpcEndpoints(stack, 'endpoints', { provider, ...base, ...overrides }));
  return synthStack(stack);
}

function problemsOf(overrides: Partial<Props>): string[] {
  try {
    synthEndpoints(overrides);
  } catch (error) {
    if (error instanceof InvalidConstruct) return [...error.problems];
    throw error;
  }
  return [];
}

describe('VpcEndpoints', () => {
  const stack = synthEndpoints();

  it.each(['ssm', 'ssmmessages', 'ec2messages', 'kms', 'logs'])(
    'has an interface endpoint for %s with private DNS in the private subnets',
    (service) => {
      expect(resourceAt(stack, 'aws_vpc_endpoint', `endpoints/${service}`)).toMatchObject({
        vpc_id: base.vpcId,
        service_name: `com.amazonaws.us-east-1.${service}`,
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
        subnet_ids: base.subnetIds,
        security_group_ids: [
          expect.stringMatching(/^\$\{aws_security_group\.endpoints_security-group_[0-9A-F]+\.id\}$/),
        ],
      });
    },
  );

  it('has an S3 gateway endpoint on the route tables', () => {
    expect(resourceAt(stack, 'aws_vpc_endpoint', 'endpoints/s3')).toMatchObject({
      service_name: 'com.amazonaws.us-east-1.s3',
      vpc_endpoint_type: 'Gateway',
      route_table_ids: base.routeTableIds,
    });
    expect(Object.keys(resourcesOfType(stack, 'aws_vpc_endpoint'))).toHaveLength(6);
  });

  it('allows HTTPS from the VPC only: one ingress rule, no egress, no inline rules', () => {
    const group = resourceAt(stack, 'aws_security_group', 'endpoints/security-group');
    expect(group).toMatchObject({ name: 'example-ssm-endpoints', vpc_id: base.vpcId });
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
    expect(Object.values(resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule'))).toEqual([
      expect.objectContaining({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '10.20.0.0/16' }),
    ]);
    expect(resourcesOfType(stack, 'aws_vpc_security_group_egress_rule')).toEqual({});
    expect(resourcesOfType(stack, 'aws_security_group_rule')).toEqual({});
  });

  it('passes the region provider to every resource', () => {
    const resources = Object.values(stack.json.resource).flatMap((byId) => Object.values(byId as object));
    expect(resources).toHaveLength(8);
    for (const resource of resources) expect(resource).toMatchObject({ provider: 'aws.us-east-1' });
  });

  it('accepts valid ids, both lengths', () => {
    expect(
      problemsOf({ vpcId: 'vpc-0123abcd', subnetIds: ['subnet-0123abcd'], routeTableIds: ['rtb-0123abcd'] }),
    ).toEqual([]);
  });

  it('rejects bad ids and CIDRs, naming each', () => {
    expect(
      problemsOf({
        vpcId: 'vpc-XYZ',
        vpcCidrBlock: '10.20.1.7/16',
        subnetIds: ['subnet-0a1b2c3d4e5f60001', 'sn-1'],
        routeTableIds: ['rtb-0a1b2c3d4e5f60001x'],
      }),
    ).toEqual([
      'test/endpoints: vpcId must be a VPC id such as "vpc-0123456789abcdef0". Copy it from the VPC console (got "vpc-XYZ")',
      'test/endpoints: vpcCidrBlock must be an IPv4 network in CIDR notation such as "10.0.0.0/16" (the network address). Use the VPC\'s CIDR block (got "10.20.1.7/16")',
      expect.stringContaining('test/endpoints: subnetIds.1 must be a subnet id'),
      expect.stringContaining('test/endpoints: routeTableIds.0 must be a route table id'),
    ]);
    expect(problemsOf({ vpcCidrBlock: '10.300.0.0/16' })).toHaveLength(1);
    expect(problemsOf({ vpcCidrBlock: '10.0.0.0/33' })).toHaveLength(1);
  });

  it("names its services after its provider's region, and rejects a region other than the provider's", () => {
    const stack = synthEndpoints({ region: undefined });
    const services = Object.values(stack.json.resource.aws_vpc_endpoint as Record<string, { service_name: string }>);
    expect(services.map((e) => e.service_name)).toContain('com.amazonaws.us-east-1.ssmmessages');
    expect(problemsOf({ region: 'eu-west-1' })).toEqual([
      expect.stringContaining('test/endpoints: region must be the region of its provider (us-east-1)'),
    ]);
  });

  it('requires subnets and route tables', () => {
    expect(problemsOf({ subnetIds: [], routeTableIds: [] })).toEqual([
      expect.stringContaining('test/endpoints: subnetIds must list at least one private subnet'),
      expect.stringContaining('test/endpoints: routeTableIds must list at least one route table'),
    ]);
  });
});

describe('VPC endpoints in the environments', () => {
  const FILE = 'environments/test.ts';
  function problemsOfEnv(vpcEndpoints: EnvironmentInput['vpcEndpoints']): string[] {
    try {
      loadEnvironment({ file: FILE, input: { ...MODULE_FIXTURE, vpcEndpoints } });
    } catch (error) {
      if (error instanceof ConfigError) return error.message.split('\n');
      throw error;
    }
    return [];
  }
  const endpoints = {
    vpcId: base.vpcId,
    vpcCidr: base.vpcCidrBlock,
    subnetIds: [...base.subnetIds],
    routeTableIds: [...base.routeTableIds],
  };

  let fixtureStacks: Map<string, SynthesizedStack> | undefined;
  const fixtures = () => (fixtureStacks ??= synthesize(MODULE_FIXTURE_SOURCES).stacks);

  it('endpoints set in the primary region only are there only, through that region provider', () => {
    expect(Object.keys(MODULE_FIXTURE.vpcEndpoints ?? {})).toEqual([MODULE_FIXTURE.primaryRegion]);
    const json = fixtures().get('fixture')!.json;
    const all = Object.values(json.resource.aws_vpc_endpoint) as { provider: string; service_name: string }[];
    expect(all).toHaveLength(6);
    for (const endpoint of all) {
      expect(endpoint.provider).toBe('aws');
      expect(endpoint.service_name).toMatch(/^com\.amazonaws\.eu-west-1\./);
    }
  });

  it('an environment without vpcEndpoints has none', () => {
    expect(fixtures().get('fixture-ci')!.json.resource.aws_vpc_endpoint).toBeUndefined();
    expect(fixtures().get('fixture-jit')!.json.resource.aws_vpc_endpoint).toBeUndefined();
  });

  it('rejects a region that is not one of the environment', () => {
    expect(problemsOfEnv({ 'ap-south-1': endpoints })).toEqual([
      `${FILE}: vpcEndpoints.ap-south-1 must be a region of this environment (primaryRegion or additionalRegions). Add "ap-south-1" to the regions or remove its endpoints (got "ap-south-1")`,
    ]);
  });

  it('rejects bad ids with the field path, and an empty subnet list', () => {
    expect(problemsOfEnv({ 'us-east-1': { ...endpoints, vpcId: 'vpc-1' } })).toEqual([
      expect.stringContaining(`${FILE}: vpcEndpoints.us-east-1.vpcId must be a VPC id`),
    ]);
    expect(problemsOfEnv({ 'us-east-1': { ...endpoints, subnetIds: [] } })).toEqual([
      expect.stringContaining(`${FILE}: vpcEndpoints.us-east-1.subnetIds must list at least one private subnet`),
    ]);
  });
});
