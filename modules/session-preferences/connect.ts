import type { AwsRegion } from '../core/rules';

/** The Session document that carries SSH; its sessions are not transcribed by Session Manager. */
export const SSH_SESSION_DOCUMENT_NAME = 'AWS-StartSSHSession';

/** The placeholder in {@link consoleSessionUrl} templates, `<instance-id>`: replace it with an instance id. */
export const INSTANCE_ID_PLACEHOLDER = '<instance-id>';

/**
 * An `~/.ssh/config` block that sends `ssh i-0123…` through Session Manager. Only for environments
 * with SSH on (`SessionAccessPolicyProps.sshEnabled`): Session Manager does not transcribe what
 * happens inside an SSH session. Needs the AWS CLI with the Session Manager plugin, and a key the
 * instance accepts.
 *
 * @returns The block, ending in a newline, to append to `~/.ssh/config`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-enable-ssh-connections.html
 */
export function sshConfigSnippet(): string {
  return [
    '# SSH through Session Manager. What happens inside SSH sessions is not transcribed.',
    'Host i-* mi-*',
    `    ProxyCommand sh -c "aws ssm start-session --target %h --document-name ${SSH_SESSION_DOCUMENT_NAME} --parameters 'portNumber=%p'"`,
    '',
  ].join('\n');
}

/**
 * The console URL that opens a Session Manager shell on one instance; as a SAML relay state, the
 * IdP sends people straight to it after sign-in. Without an instance id it is a template with
 * `<instance-id>` to replace.
 *
 * @param region - The instance's region.
 * @param instanceId - The instance, e.g. `i-0123456789abcdef0`.
 * @returns For example `https://eu-west-1.console.aws.amazon.com/systems-manager/session-manager/i-0123456789abcdef0?region=eu-west-1`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html
 */
export function consoleSessionUrl(region: AwsRegion, instanceId: string = INSTANCE_ID_PLACEHOLDER): string {
  return `https://${region}.console.aws.amazon.com/systems-manager/session-manager/${instanceId}?region=${region}`;
}
