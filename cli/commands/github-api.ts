import { GitHubApiError } from '../errors';

/** The GitHub REST calls the commands make (issues for drift-report, artifacts for deploy-record). */
export interface GitHubApi {
  /** `owner/name`. */
  readonly repository: string;
  request(method: 'GET' | 'POST' | 'PATCH', path: string, body?: object): Promise<unknown>;
  /** The bytes at `path` (an artifact's zip: GitHub answers with a redirect to its storage). */
  download(path: string): Promise<Buffer>;
}

/**
 * The REST API from the job's environment: GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL
 * (default https://api.github.com). `permission` names what the job must grant its token, for the
 * message when it is missing.
 */
export function githubFromEnvironment(env: NodeJS.ProcessEnv, permission: string): GitHubApi {
  const token = env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  if (!token) throw new GitHubApiError(`GITHUB_TOKEN is not set: give the job "${permission}" and pass its token`);
  if (!repository || !/^[^/]+\/[^/]+$/.test(repository))
    throw new GitHubApiError(`GITHUB_REPOSITORY must be owner/name, got "${repository ?? ''}"`);
  const base = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: object): Promise<Response> => {
    // fetch drops the Authorization header when a redirect leaves the API's origin (artifact storage).
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) {
      const text = await response.text();
      throw new GitHubApiError(`GitHub API ${method} ${path} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
    return response;
  };
  return {
    repository,
    async request(method, path, body) {
      return (await call(method, path, body)).json();
    },
    async download(path) {
      return Buffer.from(await (await call('GET', path)).arrayBuffer());
    },
  };
}
