import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import type { Context } from 'aws-lambda';
import { readConfig } from './config';
import { type Outcome, handleEvent } from './handle';
import { cachedPermissionSetRole, lookUpPermissionSetRole } from './permission-set-role';

/**
 * The Lambda entry point (bundled to `index.mjs`, handler `index.handler`). Config, logger and
 * clients are created once per execution environment. The clients honour the standard SDK
 * settings, so tests point them at a local endpoint with `AWS_ENDPOINT_URL_EC2` and
 * `AWS_ENDPOINT_URL_IAM`; the deployed function sets no endpoint and talks to EC2 in its own
 * region (and, for Identity Center, to IAM).
 */
const config = readConfig(process.env);
const logger = new Logger({ serviceName: 'launch-tagger' });
// Adaptive (the default): on RequestLimitExceeded the client also slows its own send rate, not only retries.
const ec2 = new EC2Client({ retryMode: config.ec2RetryMode, maxAttempts: config.ec2MaxAttempts });
// Identity Center: the permission set role's id, looked up once per execution environment.
const permissionSetName = config.permissionSetName;
const iam =
  permissionSetName === undefined
    ? undefined
    : new IAMClient({ retryMode: config.ec2RetryMode, maxAttempts: config.ec2MaxAttempts });
const permissionSetRole =
  iam === undefined || permissionSetName === undefined
    ? undefined
    : cachedPermissionSetRole(() => lookUpPermissionSetRole(iam, permissionSetName));

export async function handler(event: unknown, context?: Context): Promise<Outcome> {
  if (context) logger.addContext(context);
  return handleEvent(event, { config, ec2, logger, ...(permissionSetRole ? { permissionSetRole } : {}) });
}
