import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the module tests' IdP metadata is, relative to the project root (an environment's `identity.metadataFile`). */
export const IDP_METADATA_FILE = 'test/fixtures/saml-metadata/minimal-idp.xml';

/** IdP metadata that IAM accepts (an IDPSSODescriptor with a signing certificate): a test fixture. */
export const IDP_METADATA = readFileSync(join(__dirname, '..', '..', IDP_METADATA_FILE), 'utf8');
