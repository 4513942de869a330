import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { readConfig } from './config';
import { type Outcome, handleEvent } from './handle';

/**
 * The Lambda entry point (bundled to `index.mjs`, handler `index.handler`). Config, logger and
 * client are created once per execution environment. The client honours the standard SDK
 * settings, so tests point it at a local endpoint with `AWS_ENDPOINT_URL_EC2`; the deployed
 * function sets no endpoint and talks to EC2 in its own region.
 */
const config = readConfig(process.env);
const logger = new Logger({ serviceName: 'launch-tagger' });
// Adaptive (the default): on RequestLimitExceeded the client also slows its own send rate, not only retries.
const ec2 = new EC2Client({ retryMode: config.ec2RetryMode, maxAttempts: config.ec2MaxAttempts });

export async function handler(event: unknown, context?: Context): Promise<Outcome> {
  if (context) logger.addContext(context);
  return handleEvent(event, { config, ec2, logger });
}
