import { type ExpectedDifference, type Json, addressesOf, compareSynth, formatComparison } from './synth-diff';

const reference = {
  '//': { metadata: { version: '0.21.0', stackName: 'example' } },
  terraform: { required_providers: { aws: { source: 'aws', version: '5.100.0' } } },
  resource: {
    aws_iam_role: { federated: { name: 'example-federated', tags: { Team: 'platform' } } },
    aws_s3_bucket: { transcripts: { bucket: 'example-transcripts' }, access_logs: { bucket: 'example-access' } },
  },
  data: { aws_iam_policy_document: { trust: { statement: [{ actions: ['sts:AssumeRoleWithSAML'] }] } } },
  output: { role_arn: { value: '${aws_iam_role.federated.arn}' } },
};

const listed: ExpectedDifference[] = [
  {
    path: ['terraform', 'required_providers', 'aws', 'version'],
    before: /^5\./,
    after: /^6\./,
    reason: 'provider 6 binding',
  },
  { path: ['//', 'metadata', 'version'], before: '0.21.0', after: '0.24.0', reason: 'toolchain version' },
];

/** A deep copy of the reference with one change applied. */
function changed(edit: (doc: typeof reference) => void): Json {
  const doc = structuredClone(reference);
  edit(doc);
  return doc as unknown as Json;
}

describe('compareSynth (test support)', () => {
  it('lists resource and data source addresses', () => {
    expect(addressesOf(reference)).toEqual([
      'aws_iam_role.federated',
      'aws_s3_bucket.access_logs',
      'aws_s3_bucket.transcripts',
      'data.aws_iam_policy_document.trust',
    ]);
  });

  it('passes identical syntheses, whatever the key order', () => {
    const reordered = changed((doc) => {
      doc.resource = { aws_s3_bucket: doc.resource.aws_s3_bucket, aws_iam_role: doc.resource.aws_iam_role };
    });
    const result = compareSynth(reference, reordered, listed);
    expect(result).toEqual({ missingAddresses: [], extraAddresses: [], unexpected: [], expected: [] });
    expect(formatComparison('example', result)).toBe('');
  });

  it('passes the listed differences and reports which entry allowed each', () => {
    const after = changed((doc) => {
      doc.terraform.required_providers.aws.version = '6.66.0';
      doc['//'].metadata.version = '0.24.0';
    });
    const result = compareSynth(reference, after, listed);
    expect(result.unexpected).toEqual([]);
    expect(result.expected.map((e) => e.allowedBy.reason)).toEqual(['toolchain version', 'provider 6 binding']);
  });

  it('fails an unexpected body difference, with a readable diff', () => {
    const after = changed((doc) => {
      doc.resource.aws_iam_role.federated.tags.Team = 'security';
    });
    const result = compareSynth(reference, after, listed);
    expect(result.unexpected).toEqual([
      { path: ['resource', 'aws_iam_role', 'federated', 'tags', 'Team'], before: 'platform', after: 'security' },
    ]);
    expect(formatComparison('example', result)).toBe(
      'example: resource.aws_iam_role.federated.tags.Team differs and is not a listed difference\n' +
        '  CDKTF: "platform"\n  CDK Terrain: "security"',
    );
  });

  it('fails a field that only one side has', () => {
    const after = changed((doc) => {
      Object.assign(doc.resource.aws_s3_bucket.transcripts, { force_destroy: true });
    });
    expect(formatComparison('example', compareSynth(reference, after, listed))).toBe(
      'example: resource.aws_s3_bucket.transcripts.force_destroy differs and is not a listed difference\n' +
        '  CDKTF: (absent)\n  CDK Terrain: true',
    );
  });

  it('fails a listed path whose values are not the listed ones', () => {
    const after = changed((doc) => {
      doc.terraform.required_providers.aws.version = '7.0.0';
    });
    expect(compareSynth(reference, after, listed).unexpected).toEqual([
      { path: ['terraform', 'required_providers', 'aws', 'version'], before: '5.100.0', after: '7.0.0' },
    ]);
  });

  it('fails a missing or an added address, reported once as an address', () => {
    const after = changed((doc) => {
      delete (doc.resource.aws_s3_bucket as Partial<typeof doc.resource.aws_s3_bucket>).access_logs;
      Object.assign(doc.resource, { aws_s3_bucket_policy: { tls_only: { bucket: 'example-transcripts' } } });
    });
    const result = compareSynth(reference, after, listed);
    expect(result.missingAddresses).toEqual(['aws_s3_bucket.access_logs']);
    expect(result.extraAddresses).toEqual(['aws_s3_bucket_policy.tls_only']);
    expect(result.unexpected).toEqual([]);
    expect(formatComparison('example', result)).toBe(
      'example: aws_s3_bucket.access_logs is only in the CDKTF synth\n' +
        'example: aws_s3_bucket_policy.tls_only is only in the CDK Terrain synth',
    );
  });

  it('fails a data source that is missing, and changes outside resources', () => {
    const after = changed((doc) => {
      delete (doc as Partial<typeof doc>).data;
      doc.output.role_arn.value = '${aws_iam_role.other.arn}';
    });
    const result = compareSynth(reference, after, listed);
    expect(result.missingAddresses).toEqual(['data.aws_iam_policy_document.trust']);
    expect(result.unexpected.map((d) => d.path.join('.'))).toEqual(['output.role_arn.value']);
  });

  it('matches `*` in a listed path against any one key', () => {
    const after = changed((doc) => {
      doc.resource.aws_s3_bucket.transcripts.bucket = 'renamed';
      doc.resource.aws_s3_bucket.access_logs.bucket = 'renamed';
    });
    const wildcard: ExpectedDifference = {
      path: ['resource', 'aws_s3_bucket', '*', 'bucket'],
      before: /^example-/,
      after: 'renamed',
      reason: 'test',
    };
    expect(compareSynth(reference, after, [wildcard]).unexpected).toEqual([]);
  });
});
