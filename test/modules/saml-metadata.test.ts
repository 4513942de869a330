import { TerraformStack, Testing } from 'cdktf';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSamlMetadata } from '../../modules/environment/load-environment';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { samlMetadataProblem, withoutByteOrderMark } from '../../modules/saml-federation/saml-metadata';
import { validated } from '../support/validation';

// Shapes of real IdP downloads (see test/fixtures/saml-metadata/README.md), with self-signed test certificates.
const FIXTURES = join(__dirname, '..', 'fixtures', 'saml-metadata');
const fixture = (name: string) => join(FIXTURES, name);
const BOM = '\uFEFF';

function synthProvider(metadataXml: string): { saml_metadata_document: string } {
  const stack = new TerraformStack(Testing.app(), 'test');
  validated(
    () =>
      new SamlFederation(stack, 'federation', {
        accountId: '111111111111',
        providerName: 'Idp',
        metadataXml,
        roleName: 'Shell',
      }),
  );
  const json = JSON.parse(Testing.synth(stack));
  return Object.values(json.resource.aws_iam_saml_provider)[0] as { saml_metadata_document: string };
}

describe('IdP metadata in the shapes real IdPs produce', () => {
  it.each([
    [
      'Entra ID: byte-order mark, encoding declaration, default namespaces, WS-Federation role descriptors',
      'entra-id.xml',
    ],
    ['ADFS: ds: signature, role descriptors, an SPSSODescriptor beside the IdP, rollover certificates', 'adfs.xml'],
    ['ns0:/ns1: prefixes, comments before the root, a KeyDescriptor without use', 'ns0-prefix.xml'],
    ['an EntitiesDescriptor wrapping one identity provider', 'entities-wrapper.xml'],
  ])('accepts %s', (_label, name) => {
    const result = readSamlMetadata(fixture(name));
    expect(result).toEqual(expect.any(String));
    expect((result as string).startsWith('<')).toBe(true);
  });

  it('the Entra ID fixture starts with a UTF-8 byte-order mark, as its downloads do', () => {
    expect([...readFileSync(fixture('entra-id.xml')).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('Entra ID metadata reaches Terraform without its byte-order mark, from the loader and from the construct', () => {
    const raw = readFileSync(fixture('entra-id.xml'), 'utf8');
    expect(raw.startsWith(BOM)).toBe(true);
    const loaded = readSamlMetadata(fixture('entra-id.xml')) as string;
    expect(loaded).toBe(raw.slice(1));
    expect(loaded.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    // A construct user who reads the file themselves gets the same document.
    const provider = synthProvider(raw);
    expect(provider.saml_metadata_document.startsWith('<?xml')).toBe(true);
    expect(provider.saml_metadata_document).not.toContain(BOM);
    expect(withoutByteOrderMark('abc')).toBe('abc');
  });

  it.each<[string, string, RegExp]>([
    [
      "a service provider's metadata given by mistake",
      'service-provider.xml',
      /^must describe an identity provider, but it is a service provider's metadata \(an SPSSODescriptor and no IDPSSODescriptor\)[^\n]*\. Download the metadata of your IdP/,
    ],
    [
      'a bare public key where the certificate belongs',
      'bare-public-key.xml',
      /^must hold X\.509 signing certificates, but ds:X509Certificate 1 of 1 \([^)]*\) is a bare public key, not an X\.509 certificate\. Download the metadata again from your IdP/,
    ],
    [
      'elements outside the SAML metadata namespace',
      'no-namespace.xml',
      /^must be SAML metadata in the namespace urn:oasis:names:tc:SAML:2\.0:metadata, but its root element EntityDescriptor is in no namespace[^\n]*\. Download the metadata again/,
    ],
  ])('refuses %s with one clear line', (_label, name, message) => {
    const xml = readFileSync(fixture(name), 'utf8');
    const problem = samlMetadataProblem(xml);
    expect(problem).toMatch(message);
    expect(problem).not.toContain('\n');
  });

  it('matches by namespace, not by prefix: a prefix bound to another namespace is refused, any prefix bound to SAML metadata passes', () => {
    const ns0 = readFileSync(fixture('ns0-prefix.xml'), 'utf8');
    const renamed = ns0.replace(/ns0:/g, 'saml2md:').replace('xmlns:ns0=', 'xmlns:saml2md=');
    expect(samlMetadataProblem(renamed)).toBeUndefined();
    const otherNamespace = ns0.replace('urn:oasis:names:tc:SAML:2.0:metadata', 'urn:example:not-saml');
    expect(samlMetadataProblem(otherNamespace)).toMatch(/root element ns0:EntityDescriptor is in urn:example:not-saml/);
    // The certificate path is read by namespace too: ds elements in another namespace hold no certificate.
    const certificateElsewhere = ns0.replace('http://www.w3.org/2000/09/xmldsig#', 'urn:example:not-dsig');
    expect(samlMetadataProblem(certificateElsewhere)).toMatch(/^must hold the IdP's signing certificate/);
  });

  it('reads every signing certificate: a broken one beside a good one is refused, naming which', () => {
    const adfs = readFileSync(fixture('adfs.xml'), 'utf8');
    const certificates = [...adfs.matchAll(/<X509Certificate>([^<]+)<\/X509Certificate>/g)].map((m) => m[1]);
    // The ADFS fixture's IDPSSODescriptor: encryption, current signing, next signing (rollover).
    const next = certificates.at(-1)!;
    const broken = adfs.replace(
      `${next}</X509Certificate></X509Data></KeyInfo></KeyDescriptor><SingleLogout`,
      `MIIBbroken</X509Certificate></X509Data></KeyInfo></KeyDescriptor><SingleLogout`,
    );
    expect(broken).not.toBe(adfs);
    expect(samlMetadataProblem(broken)).toMatch(
      /ds:X509Certificate 2 of 2 \([^)]*\) does not parse as an X\.509 certificate/,
    );
  });

  it('ignores an encryption-only key that is not a certificate', () => {
    const adfs = readFileSync(fixture('adfs.xml'), 'utf8');
    const encryption = adfs.match(/<KeyDescriptor use="encryption">[\s\S]*?<X509Certificate>([^<]+)</)![1];
    expect(samlMetadataProblem(adfs.replaceAll(encryption, 'AAAA'))).toBeUndefined();
  });

  it('refuses PEM armour inside the element', () => {
    const ns0 = readFileSync(fixture('ns0-prefix.xml'), 'utf8');
    const pem = ns0
      .replace(/(<ns1:X509Certificate>)/, '$1-----BEGIN CERTIFICATE-----')
      .replace(/(\s*<\/ns1:X509Certificate>)/, '-----END CERTIFICATE-----$1');
    expect(samlMetadataProblem(pem)).toMatch(/holds PEM armour/);
  });

  it('refuses an EntitiesDescriptor of several identity providers', () => {
    const wrapped = readFileSync(fixture('entities-wrapper.xml'), 'utf8');
    const entity = wrapped.match(/<md:EntityDescriptor[\s\S]*<\/md:EntityDescriptor>/)![0];
    const two = wrapped.replace(entity, `${entity}\n  ${entity.replace('realms/platform', 'realms/other')}`);
    expect(samlMetadataProblem(two)).toMatch(
      /^must describe one identity provider, but its md:EntitiesDescriptor holds 2/,
    );
  });

  it('accepts a certificate openssl makes now, and refuses its public key (not only the committed fixtures)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-cert-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=idp.test',
      ],
      { stdio: 'ignore' },
    );
    const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, '');
    const publicKey = execFileSync('openssl', [
      'pkey',
      '-in',
      join(dir, 'key.pem'),
      '-pubout',
      '-outform',
      'DER',
    ]).toString('base64');
    const ns0 = readFileSync(fixture('ns0-prefix.xml'), 'utf8');
    const withCertificate = (value: string) =>
      ns0.replace(/(<ns1:X509Certificate>)[^<]*(<\/ns1:X509Certificate>)/, `$1${value}$2`);
    expect(samlMetadataProblem(withCertificate(certificate))).toBeUndefined();
    expect(samlMetadataProblem(withCertificate(publicKey))).toMatch(/is a bare public key/);
  });

  it('refuses a file saved as UTF-16 with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-idp-'));
    const path = join(dir, 'metadata.xml');
    const xml = readFileSync(fixture('ns0-prefix.xml'), 'utf8');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
    expect(readSamlMetadata(path)).toEqual({
      problem: expect.stringMatching(/^must name an IdP metadata file in UTF-8, but .* is UTF-16\. /),
    });
  });
});
