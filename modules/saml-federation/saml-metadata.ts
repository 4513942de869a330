import { X509Certificate, createPublicKey } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** IAM accepts SAML metadata documents of 1,000 to 10,000,000 characters. */
export const SAML_METADATA_MIN_CHARS = 1_000;
export const SAML_METADATA_MAX_CHARS = 10_000_000;

/** The namespace of SAML 2.0 metadata elements, whatever prefix (or none) a document gives it. */
export const SAML_METADATA_NAMESPACE = 'urn:oasis:names:tc:SAML:2.0:metadata';
/** The namespace of XML Signature elements (`KeyInfo`, `X509Data`, `X509Certificate`). */
export const XML_DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * The document without a leading byte-order mark. Entra ID's federation metadata downloads start
 * with one (EF BB BF), and IAM is reported to refuse such documents.
 *
 * @see https://github.com/MicrosoftDocs/azure-docs/issues/65434
 */
export function withoutByteOrderMark(xml: string): string {
  return xml.startsWith(BYTE_ORDER_MARK) ? xml.slice(BYTE_ORDER_MARK.length) : xml;
}

type XmlNode = Record<string, unknown>;

/** An element with its namespace resolved from the declarations in scope. */
interface XmlElement {
  /** Namespace URI; undefined for an element in no namespace. */
  readonly namespace: string | undefined;
  readonly localName: string;
  /** The name as written, prefix included (for messages). */
  readonly name: string;
  readonly node: XmlNode;
  /** Prefix ('' for the default namespace) to namespace URI, as declared on this element and its ancestors. */
  readonly scope: ReadonlyMap<string, string>;
}

/** The scope of an element: its parent's, plus its own `xmlns` and `xmlns:<prefix>` declarations. */
function scopeOf(node: XmlNode, parent: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  const declarations = Object.entries(node).filter(([key]) => key === '@xmlns' || key.startsWith('@xmlns:'));
  if (declarations.length === 0) return parent;
  const scope = new Map(parent);
  for (const [key, value] of declarations) {
    const prefix = key === '@xmlns' ? '' : key.slice('@xmlns:'.length);
    // xmlns="" takes an element out of the default namespace.
    if (value === '') scope.delete(prefix);
    else scope.set(prefix, String(value));
  }
  return scope;
}

/** The child elements of `parent`, with their namespaces resolved (prefixes only mean what they were declared as). */
function elementsOf(parent: Pick<XmlElement, 'node' | 'scope'>): XmlElement[] {
  return Object.entries(parent.node)
    .filter(([key]) => !key.startsWith('@') && key !== '#text')
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((one) => ({ name, one })))
    .map(({ name, one }) => {
      const node = typeof one === 'object' && one !== null ? (one as XmlNode) : { '#text': one };
      const scope = scopeOf(node, parent.scope);
      const colon = name.indexOf(':');
      const prefix = colon < 0 ? '' : name.slice(0, colon);
      return { namespace: scope.get(prefix), localName: name.slice(colon + 1), name, node, scope };
    });
}

const children = (parent: XmlElement, namespace: string, localName: string) =>
  elementsOf(parent).filter((e) => e.namespace === namespace && e.localName === localName);

function text(element: XmlElement): string {
  const value = element.node['#text'];
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

const where = (element: XmlElement) => `${element.namespace === undefined ? 'no namespace' : element.namespace}`;

/** The identity provider entities of a metadata root: the root itself, or those inside an EntitiesDescriptor (nested too). */
function entityDescriptors(element: XmlElement): XmlElement[] {
  if (element.localName === 'EntityDescriptor') return [element];
  return [
    ...children(element, SAML_METADATA_NAMESPACE, 'EntityDescriptor'),
    ...children(element, SAML_METADATA_NAMESPACE, 'EntitiesDescriptor').flatMap(entityDescriptors),
  ];
}

const isSaml2IdentityProvider = (descriptor: XmlElement) =>
  String(descriptor.node['@protocolSupportEnumeration'] ?? '')
    .split(/\s+/)
    .includes(SAML2_PROTOCOL);

/**
 * What IAM checks of a SAML provider's metadata, before CreateSAMLProvider would refuse it at
 * apply: the size, well-formed XML, elements in the SAML metadata namespace (matched by namespace,
 * whatever the prefix: a default namespace, `md:`, `ns0:`), an `EntityDescriptor` root (or an
 * `EntitiesDescriptor` holding exactly one identity provider), an `IDPSSODescriptor` for SAML 2.0,
 * and signing certificates (a `KeyDescriptor` with `use="signing"` or no `use`) that parse as
 * X.509. Returns the problem, one line ("must ... . Fix ..."), or undefined when the document
 * passes. Give it the document without its byte-order mark ({@link withoutByteOrderMark}).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf
 */
export function samlMetadataProblem(xml: string): string | undefined {
  // The environments of an organization share their IdP's document, and each stack checks it again.
  if (lastChecked?.xml !== xml) lastChecked = { xml, problem: metadataProblem(xml) };
  return lastChecked.problem;
}

let lastChecked: { readonly xml: string; readonly problem: string | undefined } | undefined;

function metadataProblem(xml: string): string | undefined {
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
    parseTagValue: false,
  }).parse(xml) as XmlNode;
  const roots = elementsOf({ node: document, scope: new Map([['xml', XML_NAMESPACE]]) });
  const root = roots.length === 1 ? roots[0] : undefined;
  if (root === undefined || !['EntityDescriptor', 'EntitiesDescriptor'].includes(root.localName)) {
    return `must be SAML metadata whose root element is an EntityDescriptor, found ${roots.map((r) => r.name).join(', ') || 'none'}. Use the IdP's SAML 2.0 federation metadata`;
  }
  if (root.namespace !== SAML_METADATA_NAMESPACE) {
    return `must be SAML metadata in the namespace ${SAML_METADATA_NAMESPACE}, but its root element ${root.name} is in ${where(root)}, so IAM would find no identity provider in it. Download the metadata again from your IdP (its root declares xmlns="${SAML_METADATA_NAMESPACE}" or a prefix for it)`;
  }
  const entities = entityDescriptors(root);
  const providers = entities
    .map((entity) => children(entity, SAML_METADATA_NAMESPACE, 'IDPSSODescriptor').filter(isSaml2IdentityProvider))
    .filter((descriptors) => descriptors.length > 0);
  if (providers.length === 0) {
    const serviceProvider = entities.some(
      (entity) => children(entity, SAML_METADATA_NAMESPACE, 'SPSSODescriptor').length > 0,
    );
    return serviceProvider
      ? `must describe an identity provider, but it is a service provider's metadata (an SPSSODescriptor and no IDPSSODescriptor), such as AWS's own sign-in metadata. Download the metadata of your IdP (its federation metadata), not a service provider's`
      : `must describe an identity provider: an IDPSSODescriptor whose protocolSupportEnumeration lists ${SAML2_PROTOCOL} (this document describes none, so IAM would refuse it). Download the IdP's metadata, not a service provider's`;
  }
  if (providers.length > 1) {
    return `must describe one identity provider, but its ${root.name} holds ${providers.length}: an IAM SAML provider trusts one. Keep the EntityDescriptor of your IdP alone in the file`;
  }
  return signingCertificateProblem(providers[0]);
}

/** The signing certificates of the IdP's descriptors: none, or one that is not X.509, is a problem. */
function signingCertificateProblem(descriptors: readonly XmlElement[]): string | undefined {
  const certificates = descriptors
    .flatMap((descriptor) => children(descriptor, SAML_METADATA_NAMESPACE, 'KeyDescriptor'))
    // Without `use`, a key is for signing and encryption alike.
    .filter((key) => key.node['@use'] === undefined || key.node['@use'] === 'signing')
    .flatMap((key) => children(key, XML_DSIG_NAMESPACE, 'KeyInfo'))
    .flatMap((info) => children(info, XML_DSIG_NAMESPACE, 'X509Data'))
    .flatMap((data) => children(data, XML_DSIG_NAMESPACE, 'X509Certificate'))
    .map(text)
    .filter((value) => value.length > 0);
  if (certificates.length === 0) {
    return 'must hold the IdP\'s signing certificate: a KeyDescriptor (use="signing" or no use) of the IDPSSODescriptor with a ds:X509Certificate (IAM refuses metadata without one). Export the metadata with its signing certificate from your IdP';
  }
  for (const [index, certificate] of certificates.entries()) {
    const problem = x509Problem(certificate);
    if (problem !== undefined) {
      return `must hold X.509 signing certificates, but ds:X509Certificate ${index + 1} of ${certificates.length} (a signing KeyDescriptor of the IDPSSODescriptor) ${problem}. Download the metadata again from your IdP, or put the base64 of the DER certificate in the element`;
    }
  }
  return undefined;
}

/** Why `base64` is not an X.509 certificate in DER, base64-encoded; undefined when it is one. */
function x509Problem(base64: string): string | undefined {
  if (base64.includes('-----BEGIN')) return 'holds PEM armour (-----BEGIN ...-----), which the element does not take';
  const compact = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return 'is not base64';
  const der = Buffer.from(compact, 'base64');
  try {
    new X509Certificate(der);
    return undefined;
  } catch {
    try {
      createPublicKey({ key: der, format: 'der', type: 'spki' });
      return 'is a bare public key, not an X.509 certificate';
    } catch {
      return 'does not parse as an X.509 certificate';
    }
  }
}
