import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { type ConfigProblem, ConfigError } from '../core/config-error';
import { samlMetadataProblem, withoutByteOrderMark } from '../saml-federation/saml-metadata';

export { type ConfigProblem, ConfigError, formatProblem } from '../core/config-error';
import {
  type AwsRegion,
  type EnvironmentInput,
  type EnvironmentSettings,
  environmentSchema,
} from './environment-schema';

/** An environment file's contents and where they came from (for error messages). */
export interface EnvironmentSource {
  /** Path of the file, relative to the project root, e.g. `environments/prod.ts`. */
  readonly file: string;
  /** The file's contents: what it exports. */
  readonly input: EnvironmentInput;
}

/** A validated environment, ready for a stack: what {@link loadEnvironment} and {@link loadEnvironments} return. */
export type EnvironmentConfig = EnvironmentSettings & {
  /**
   * Set by the loader, and only by it: `SsmFederatedAccess` takes an environment that carries it as
   * it is, and validates any other. An environment file cannot set it (the schema refuses unknown
   * fields). A plain value, so it survives the copy to a synthesis worker thread.
   */
  readonly validated: true;
  /** The file it came from. */
  readonly source: string;
  /** Every region of the environment, the primary first. */
  readonly regions: readonly AwsRegion[];
  /** The IdP metadata XML, read and checked (SAML identity only). */
  readonly samlMetadataXml?: string;
};

export { SAML_METADATA_MAX_CHARS, SAML_METADATA_MIN_CHARS } from '../saml-federation/saml-metadata';

/** Options of {@link loadEnvironments}. */
export interface LoadOptions {
  /** Directory that relative paths in environment files (the metadata XML) are resolved from. @default process.cwd() */
  readonly rootDir?: string;
  /** Put before every field path in the problems (e.g. `environment.` for a construct prop). @default '' */
  readonly pathPrefix?: string;
}

/**
 * Validates every environment and returns them all, or throws one ConfigError with every problem
 * of every file. Nothing is synthesized unless all of them are valid.
 */
export function loadEnvironments(
  sources: readonly EnvironmentSource[],
  options: LoadOptions = {},
): EnvironmentConfig[] {
  const problems: ConfigProblem[] = [];
  const configs: EnvironmentConfig[] = [];
  const names = new Map<string, string>();
  for (const source of sources) {
    const result = validateEnvironment(source, options);
    problems.push(...result.problems);
    if (result.config) {
      const other = names.get(result.config.name);
      if (other !== undefined) {
        problems.push({
          file: source.file,
          path: 'name',
          value: result.config.name,
          message: `must be unique: ${other} uses it already. Give this environment another name`,
        });
      }
      names.set(result.config.name, source.file);
      configs.push(result.config);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return configs;
}

/** Validates one environment; throws ConfigError listing every problem. */
export function loadEnvironment(source: EnvironmentSource, options: LoadOptions = {}): EnvironmentConfig {
  return loadEnvironments([source], options)[0];
}

/** Validates one environment: the validated config, or every problem (never both). */
export function validateEnvironment(
  source: EnvironmentSource,
  options: LoadOptions = {},
): { config?: EnvironmentConfig; problems: ConfigProblem[] } {
  const prefix = options.pathPrefix ?? '';
  const parsed = environmentSchema.safeParse(source.input, { reportInput: true });
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        const problem = toProblem(source.file, issue);
        return { ...problem, path: `${prefix}${problem.path}` };
      }),
    };
  }
  const settings = parsed.data;
  const problems: ConfigProblem[] = [];
  let samlMetadataXml: string | undefined;
  if (settings.identity.type === 'saml') {
    const path = settings.identity.metadataFile;
    const result = readSamlMetadata(resolve(options.rootDir ?? process.cwd(), path));
    if (typeof result === 'string') samlMetadataXml = result;
    else
      problems.push({
        file: source.file,
        path: `${prefix}identity.metadataFile`,
        value: path,
        message: result.problem,
      });
  }
  if (problems.length > 0) return { problems };
  return {
    problems,
    config: {
      ...settings,
      validated: true,
      source: source.file,
      regions: [settings.primaryRegion, ...settings.additionalRegions],
      ...(samlMetadataXml === undefined ? {} : { samlMetadataXml }),
    },
  };
}

/** Whether `environment` is a validated environment (from the loader) rather than an environment file's contents. */
export function isEnvironmentConfig(
  environment: EnvironmentInput | EnvironmentConfig,
): environment is EnvironmentConfig {
  return (environment as Partial<EnvironmentConfig>).validated === true;
}

function toProblem(file: string, issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path.map(String).join('.');
  const input = (issue as { input?: unknown }).input;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `has unknown field(s) ${issue.keys.join(', ')}. Remove them or check their spelling`;
  } else if (input === undefined && issue.code === 'invalid_type') {
    message = `is required: ${issue.message.replace(/^Invalid input: /, '')}. Add it`;
  }
  return { file, path, value: input, message };
}

/**
 * Reads the IdP metadata and checks what IAM checks (`samlMetadataProblem`): size, well-formed XML,
 * elements in the SAML metadata namespace, an EntityDescriptor root, an IDPSSODescriptor and X.509
 * signing certificates. Returns the document without a leading byte-order mark, which Entra ID's
 * downloads start with and IAM is reported to refuse.
 */
export function readSamlMetadata(absolutePath: string): string | { problem: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolutePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      problem: `must name a readable IdP metadata XML file (${code} at ${absolutePath}). Download the metadata from your IdP and fix the path`,
    };
  }
  // A UTF-16 byte-order mark: the file was saved again by an editor that chose UTF-16.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return {
      problem: `must name an IdP metadata file in UTF-8, but ${absolutePath} is UTF-16. Download it again from your IdP, or save it as UTF-8`,
    };
  }
  const xml = withoutByteOrderMark(bytes.toString('utf8'));
  const problem = samlMetadataProblem(xml);
  return problem === undefined ? xml : { problem: problem.replace(/^must be /, 'must name ') };
}
