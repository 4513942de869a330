import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the EC2 Query API (the protocol the SDK speaks: form-encoded POST, XML
 * answers), enough for the launch tagger: CreateTags, DescribeInstances, RequestLimitExceeded
 * throttling and eventual consistency. It also answers IAM's ListRoles (the same Query protocol),
 * so one endpoint serves `AWS_ENDPOINT_URL_EC2` and `AWS_ENDPOINT_URL_IAM`. Listens on 127.0.0.1 only.
 */

/** An IAM role as ListRoles reports it. */
export interface FakeRole {
  /** E.g. `/aws-reserved/sso.amazonaws.com/eu-west-1/`. */
  readonly path: string;
  readonly roleName: string;
  readonly roleId: string;
}

export interface FakeEc2Options {
  /** Share of requests answered with RequestLimitExceeded (HTTP 503), 0-1. @default 0 */
  readonly throttleRate?: number;
  /** Seed of the throttling dice, so a run is repeatable. @default 1 */
  readonly seed?: number;
  /** Instances that exist, with their tags. CreateTags accepts any instance id. */
  readonly instances?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** DescribeInstances calls that answer InvalidInstanceID.NotFound before an instance is visible. @default 0 */
  readonly invisibleForDescribes?: number;
  /** Tags that appear on an instance only after this many DescribeInstances calls (a launcher tagging late). */
  readonly lateTags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly lateTagsAfterDescribes?: number;
  /** Roles in the account, for IAM ListRoles. @default none */
  readonly roles?: readonly FakeRole[];
  /** ListRoles page size (IAM may return fewer than MaxItems). @default 100 */
  readonly listRolesPageSize?: number;
}

export interface RecordedRequest {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  /** What the fake answered: 200, or the error code. */
  readonly answer: string;
}

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export class FakeEc2 {
  readonly requests: RecordedRequest[] = [];
  /** Tags per instance, as CreateTags left them. */
  readonly tags = new Map<string, Map<string, string>>();
  private readonly server: Server;
  private readonly random: () => number;
  private describes = 0;

  constructor(private readonly options: FakeEc2Options = {}) {
    this.random = mulberry32(options.seed ?? 1);
    for (const [id, tags] of Object.entries(options.instances ?? {})) this.tags.set(id, new Map(Object.entries(tags)));
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  /** Starts listening on a free loopback port; returns the endpoint URL for AWS_ENDPOINT_URL_EC2. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests per action and answer, e.g. `{ 'CreateTags 200': 3, 'CreateTags RequestLimitExceeded': 1 }`. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.requests) counts[`${r.action} ${r.answer}`] = (counts[`${r.action} ${r.answer}`] ?? 0) + 1;
    return counts;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const action = params.Action ?? '(none)';
    const answer = (status: number, code: string, body: string): void => {
      this.requests.push({ action, params, answer: code });
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' }).end(body);
    };

    if (req.method !== 'POST' || !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      return answer(401, 'AuthFailure', errorXml('AuthFailure', 'Expected a SigV4-signed POST.'));
    }
    if (this.random() < (this.options.throttleRate ?? 0)) {
      return answer(503, 'RequestLimitExceeded', errorXml('RequestLimitExceeded', 'Request limit exceeded.'));
    }
    switch (action) {
      case 'CreateTags':
        return this.createTags(params, answer);
      case 'DescribeInstances':
        return this.describeInstances(params, answer);
      case 'ListRoles':
        return this.listRoles(params, answer);
      default:
        return answer(400, 'InvalidAction', errorXml('InvalidAction', `The action ${action} is not valid.`));
    }
  }

  private listRoles(params: Record<string, string>, answer: (s: number, c: string, b: string) => void): void {
    const { status, code, body } = listRolesAnswer(
      this.options.roles ?? [],
      params,
      this.options.listRolesPageSize ?? 100,
    );
    answer(status, code, body);
  }

  private createTags(params: Record<string, string>, answer: (s: number, c: string, b: string) => void): void {
    const ids = numbered(params, 'ResourceId');
    if (ids.length === 0 || ids.length > 1000) {
      return answer(400, 'InvalidParameterValue', errorXml('InvalidParameterValue', 'Give 1 to 1000 resource ids.'));
    }
    const tags = numbered(params, 'Tag', '.Key').map((key, i) => [key, params[`Tag.${i + 1}.Value`] ?? ''] as const);
    for (const id of ids) {
      const current = this.tags.get(id) ?? new Map<string, string>();
      for (const [key, value] of tags) current.set(key, value);
      this.tags.set(id, current);
    }
    answer(
      200,
      '200',
      `<?xml version="1.0" encoding="UTF-8"?>
<CreateTagsResponse xmlns="${XMLNS}"><requestId>${randomUUID()}</requestId><return>true</return></CreateTagsResponse>`,
    );
  }

  private describeInstances(params: Record<string, string>, answer: (s: number, c: string, b: string) => void): void {
    this.describes++;
    const ids = numbered(params, 'InstanceId');
    const visible = this.describes > (this.options.invisibleForDescribes ?? 0);
    const missing = ids.filter((id) => !visible || !this.tags.has(id));
    if (missing.length > 0) {
      const message = `The instance IDs '${missing.join(', ')}' do not exist`;
      return answer(400, 'InvalidInstanceID.NotFound', errorXml('InvalidInstanceID.NotFound', message));
    }
    if (this.describes > (this.options.lateTagsAfterDescribes ?? Infinity)) {
      for (const [id, tags] of Object.entries(this.options.lateTags ?? {})) {
        for (const [key, value] of Object.entries(tags)) this.tags.get(id)?.set(key, value);
      }
    }
    const instances = ids
      .map((id) => {
        const tagItems = [...(this.tags.get(id) ?? [])]
          .map(([key, value]) => `<item><key>${escapeXml(key)}</key><value>${escapeXml(value)}</value></item>`)
          .join('');
        return `<item><instanceId>${id}</instanceId><imageId>ami-0abcdef1234567890</imageId><instanceState><code>0</code><name>pending</name></instanceState><instanceType>t3.micro</instanceType><tagSet>${tagItems}</tagSet></item>`;
      })
      .join('');
    answer(
      200,
      '200',
      `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="${XMLNS}"><requestId>${randomUUID()}</requestId><reservationSet><item><reservationId>r-0123456789abcdef0</reservationId><ownerId>111111111111</ownerId><groupSet/><instancesSet>${instances}</instancesSet></item></reservationSet></DescribeInstancesResponse>`,
    );
  }
}

/** IAM ListRoles: roles whose path starts with PathPrefix, paged with Marker (an index here). */
function listRolesAnswer(
  roles: readonly FakeRole[],
  params: Record<string, string>,
  pageSize: number,
): { status: number; code: string; body: string } {
  const account = '222222222222';
  const prefix = params.PathPrefix ?? '/';
  const matching = roles.filter((r) => r.path.startsWith(prefix));
  const start = Number(params.Marker ?? 0);
  const size = Math.min(pageSize, Number(params.MaxItems ?? 100));
  const page = matching.slice(start, start + size);
  const truncated = start + size < matching.length;
  const members = page
    .map(
      (r) =>
        `<member><Path>${escapeXml(r.path)}</Path><RoleName>${r.roleName}</RoleName><RoleId>${r.roleId}</RoleId><Arn>arn:aws:iam::${account}:role${escapeXml(r.path)}${r.roleName}</Arn><CreateDate>2025-10-01T12:00:00Z</CreateDate><MaxSessionDuration>3600</MaxSessionDuration></member>`,
    )
    .join('');
  return {
    status: 200,
    code: '200',
    body: `<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><IsTruncated>${truncated}</IsTruncated>${truncated ? `<Marker>${start + size}</Marker>` : ''}<Roles>${members}</Roles></ListRolesResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ListRolesResponse>`,
  };
}

/** The EC2 Query API's error document. */
function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
}

/** Query-protocol lists: `Name.1`, `Name.2`, ... (with an optional suffix such as `.Key`). */
function numbered(params: Record<string, string>, name: string, suffix = ''): string[] {
  const values: string[] = [];
  for (let i = 1; params[`${name}.${i}${suffix}`] !== undefined; i++) values.push(params[`${name}.${i}${suffix}`]);
  return values;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A small seeded PRNG: the same seed throttles the same requests. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
