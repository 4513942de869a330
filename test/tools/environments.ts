/**
 * `npm run --silent environments`: the environments that have `ci` settings, as JSON, for the
 * workflows' matrix (name, account, primary region and the GitHub Actions role ARNs).
 */
import { environmentSources, loadEnvironments } from '../../environments';
import { ciRoleNames } from '../../stacks/names';

const rows = loadEnvironments(environmentSources)
  .filter((config) => config.ci !== undefined)
  .map((config) => {
    const roles = ciRoleNames(config);
    return {
      name: config.name,
      accountId: config.accountId,
      region: config.primaryRegion,
      planRoleArn: `arn:aws:iam::${config.accountId}:role/${roles.plan}`,
      deployRoleArn: `arn:aws:iam::${config.accountId}:role/${roles.deploy}`,
    };
  });
process.stdout.write(`${JSON.stringify(rows)}\n`);
