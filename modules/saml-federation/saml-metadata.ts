import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** IAM accepts SAML metadata documents of 1,000 to 10,000,000 characters. */
export const SAML_METADATA_MIN_CHARS = 1_000;
export const SAML_METADATA_MAX_CHARS = 10_000_000;

const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';

type XmlNode = Record<string, unknown>;

/** The children of `node` whose local name (namespace prefix dropped) is `name`. */
function children(node: unknown, name: string): XmlNode[] {
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node as XmlNode)
    .filter(([key]) => key.replace(/^[^:]*:/, '') === name)
    .flatMap(([, value]) => (Array.isArray(value) ? value : [value]))
    .map((value) => (typeof value === 'object' && value !== null ? (value as XmlNode) : { '#text': value }));
}

function text(node: XmlNode): string {
  const value = node['#text'];
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/**
 * What IAM checks of a SAML provider's metadata, before CreateSAMLProvider would refuse it at
 * apply: the size, well-formed XML, one `EntityDescriptor` root, an `IDPSSODescriptor` for SAML
 * 2.0 and a signing certificate (a `KeyDescriptor` for signing, or for any use, with an
 * `X509Certificate`). Returns the problem ("must ... . Fix ..."), or undefined when the document
 * passes.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf
 */
export function samlMetadataProblem(xml: string): string | undefined {
  if (xml.length < SAML_METADATA_MIN_CHARS || xml.length > SAML_METADATA_MAX_CHARS) {
    return `must be a metadata document of ${SAML_METADATA_MIN_CHARS.toLocaleString('en-US')} to ${SAML_METADATA_MAX_CHARS.toLocaleString('en-US')} characters as IAM requires, but it has ${xml.length.toLocaleString('en-US')}. Download the full metadata from your IdP`;
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return `must be well-formed XML: ${valid.err.msg} at line ${valid.err.line}, column ${valid.err.col}. Download the metadata again from your IdP`;
  }
  const document = new XMLParser({
    ignoreDeclaration: true,
    ignorePiTags: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
  }).parse(xml) as XmlNode;
  const root = Object.keys(document).filter((key) => key !== '#text');
  if (root.length !== 1 || root[0].replace(/^[^:]*:/, '') !== 'EntityDescriptor') {
    return `must be SAML metadata whose root element is an EntityDescriptor, found ${root.join(', ') || 'none'}. Use the IdP's SAML 2.0 federation metadata`;
  }
  const idp = children(document[root[0]], 'IDPSSODescriptor').filter((descriptor) =>
    String(descriptor['@protocolSupportEnumeration'] ?? '')
      .split(/\s+/)
      .includes(SAML2_PROTOCOL),
  );
  if (idp.length === 0) {
    return `must describe an identity provider: an IDPSSODescriptor whose protocolSupportEnumeration lists ${SAML2_PROTOCOL} (this document describes none, so IAM would refuse it). Download the IdP's metadata, not a service provider's`;
  }
  const signing = idp
    .flatMap((descriptor) => children(descriptor, 'KeyDescriptor'))
    .filter((key) => key['@use'] === undefined || key['@use'] === 'signing')
    .flatMap((key) => children(key, 'KeyInfo'))
    .flatMap((info) => children(info, 'X509Data'))
    .flatMap((data) => children(data, 'X509Certificate'))
    .filter((certificate) => text(certificate).length > 0);
  if (signing.length === 0) {
    return 'must hold the IdP\'s signing certificate: a KeyDescriptor (use="signing" or no use) of the IDPSSODescriptor with a ds:X509Certificate (IAM refuses metadata without one). Export the metadata with its signing certificate from your IdP';
  }
  return undefined;
}
