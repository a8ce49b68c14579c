/**
 * The API key of remote inference servers comes from one environment variable, never from a
 * command line (others can read argv) or a log. The same variable protects the servers that
 * `refinery llama-server` starts.
 */
export const API_KEY_ENV = 'REFINERY_API_KEY';

export function apiKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | null {
  const key = env[API_KEY_ENV];
  return key && key.trim() !== '' ? key.trim() : null;
}

/** Replaces every occurrence of the key in a message meant for a person or a log. */
export function redactKey(text: string, key: string | null): string {
  return key ? text.split(key).join('[redacted]') : text;
}
