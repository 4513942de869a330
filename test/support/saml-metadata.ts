import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** IdP metadata that IAM accepts (an IDPSSODescriptor with a signing certificate): the example environment's. */
export const EXAMPLE_METADATA = readFileSync(
  join(__dirname, '..', '..', 'environments', 'idp', 'example-adfs-metadata.xml'),
  'utf8',
);
