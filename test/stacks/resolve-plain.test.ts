import {
  App,
  DefaultTokenResolver,
  Fn,
  Lazy,
  StringConcat,
  TerraformStack,
  Token,
  Tokenization,
  propertyAccess,
  ref,
} from 'cdktf';
import { resolvePlain } from '../../stacks/resolve-plain';

/**
 * resolvePlain must return what cdktf's resolve returns for anything an element renders: plain
 * data, tokens of every encoding inside it, and the errors cdktf reports.
 */
const stack = new TerraformStack(new App({ outdir: '/tmp/ssm-fa-resolve-plain' }), 'resolving');
const resolver = new DefaultTokenResolver(new StringConcat());
const cdktf = (value: unknown) => Tokenization.resolve(value, { scope: stack, preparing: false, resolver });

const role = ref('aws_iam_role.shell.arn', stack);
const lazyCount = Lazy.numberValue({ produce: () => 3 });

const cases: Record<string, () => unknown> = {
  'plain values': () => ({ a: 'text', b: 0, c: -1.5, d: true, e: false, f: null, g: [], h: {} }),
  'undefined dropped from objects and arrays': () => ({
    a: undefined,
    b: [1, undefined, 'x', undefined],
    c: { d: undefined },
  }),
  'nested objects and arrays': () => ({ a: [{ b: [{ c: 'd' }] }, [['e']]], f: { g: { h: { i: 1 } } } }),
  'IAM policy variables and Terraform escapes': () => ({
    policy: '{"Resource":"arn:aws:ssm:*:*:session/$${aws:userid}-*"}',
    template: '${aws:userid}',
    braces: 'a } b { c',
  }),
  'strings that look like numbers': () => ({ a: '1e5', b: 'abc3e4f', c: '2.5e-3', d: '1-eu-west-1', e: '-1.8e+289' }),
  'large and special numbers': () => ({ a: 1e300, b: -1e300, c: Number.MAX_SAFE_INTEGER, d: 1e-300 }),
  'a Date': () => ({ at: new Date(0) }),
  'string tokens alone and inside strings': () => ({
    arn: Token.asString(role),
    policy: `{"Resource":"${Token.asString(role)}/*"}`,
    key: { [`${Token.asString(role)}`]: 'x' },
  }),
  'Terraform functions and property access': () => ({
    joined: Fn.join(',', ['a', Token.asString(role)]),
    hash: Fn.filebase64sha256('bundle.zip'),
    access: Token.asString(propertyAccess(role, ['id'])),
  }),
  'Lazy values': () => ({
    text: Lazy.stringValue({ produce: () => 'produced' }),
    any: Lazy.anyValue({ produce: () => ({ nested: [Token.asString(role), undefined] }) }),
    count: lazyCount,
  }),
  'number tokens, alone and inside a string': () => ({ count: lazyCount, text: `size-${lazyCount}` }),
  'list tokens': () => ({
    strings: Token.asList(Lazy.anyValue({ produce: () => ['a', 'b'] })),
    numbers: Token.asNumberList(Lazy.anyValue({ produce: () => [1, 2] })),
  }),
  'map tokens': () => ({
    strings: Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: 'v' }) })),
    any: Token.asAnyMap(Lazy.anyValue({ produce: () => ({ k: [1] }) })),
  }),
  'an IResolvable in a plain object': () => ({ a: [{ b: Token.asAny(role) }] }),
};

describe('resolvePlain', () => {
  it.each(Object.entries(cases))('returns what cdktf returns: %s', (_label, make) => {
    const expected = cdktf(make());
    expect(resolvePlain(make(), cdktf)).toStrictEqual(expected);
  });

  it('returns plain strings, numbers and objects without calling cdktf', () => {
    const calls: unknown[] = [];
    const spy = (value: unknown) => {
      calls.push(value);
      return cdktf(value);
    };
    resolvePlain(cases['plain values'](), spy);
    resolvePlain(cases['IAM policy variables and Terraform escapes'](), spy);
    resolvePlain(cases['nested objects and arrays'](), spy);
    expect(calls).toEqual([]);
  });

  it.each([
    ['a function', () => ({ a: { b: () => 1 } })],
    ['a construct', () => ({ a: stack })],
    ["cdktf's string map value", () => ({ a: [Token.STRING_MAP_TOKEN_VALUE] })],
    ["cdktf's number map value", () => ({ a: Token.NUMBER_MAP_TOKEN_VALUE })],
    ['a list token inside a string', () => ({ a: `x${Token.asList(role)}` })],
    ['a list token beside other items', () => ({ a: [...Token.asList(role), 'b'] })],
  ])("throws cdktf's error for %s", (_label, make) => {
    expect(() => cdktf(make())).toThrow();
    const thrown = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as Error).message;
      }
      return undefined;
    };
    expect(thrown(() => resolvePlain(make(), cdktf))).toBe(thrown(() => cdktf(make())));
  });
});
