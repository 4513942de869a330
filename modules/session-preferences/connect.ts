import type { AwsRegion } from '../core/rules';

/** The Session document that carries SSH; its sessions are not transcribed by Session Manager. */
export const SSH_SESSION_DOCUMENT_NAME = 'AWS-StartSSHSession';

/** The placeholder in `consoleSessionUrl` templates. */
export const INSTANCE_ID_PLACEHOLDER = '<instance-id>';

/**
 * An `~/.ssh/config` block that sends `ssh i-0123…` through Session Manager. Only for environments
 * with SSH on: Session Manager does not transcribe what happens inside an SSH session.
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
 */
export function consoleSessionUrl(region: AwsRegion, instanceId: string = INSTANCE_ID_PLACEHOLDER): string {
  return `https://${region}.console.aws.amazon.com/systems-manager/session-manager/${instanceId}?region=${region}`;
}
