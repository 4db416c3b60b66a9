// config.json beside index.html (docs/contracts.md "Web client"): which API,
// which sign-in. Read once at start; a bad file stops the app with a message.

export interface Config {
  stage: string;
  apiUrl: string;
  auth: 'dev' | 'google';
  clientId: string;
  /** The dev issuer (auth "dev" only). */
  issuerUrl?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(v: unknown): Config {
  if (typeof v !== 'object' || v === null) throw new ConfigError('config.json is not an object');
  const o = v as Record<string, unknown>;
  const s = (k: string): string => {
    const x = o[k];
    if (typeof x !== 'string' || !x) throw new ConfigError(`config.json: "${k}" is missing`);
    return x;
  };
  const auth = s('auth');
  if (auth !== 'dev' && auth !== 'google') throw new ConfigError('config.json: "auth" must be "dev" or "google"');
  const apiUrl = s('apiUrl');
  if (!/^https?:\/\//.test(apiUrl)) throw new ConfigError('config.json: "apiUrl" must be an http(s) URL');
  const cfg: Config = { stage: typeof o['stage'] === 'string' ? o['stage'] : '', apiUrl, auth, clientId: s('clientId') };
  if (auth === 'dev') {
    const issuer = s('issuerUrl');
    if (!/^https?:\/\//.test(issuer)) throw new ConfigError('config.json: "issuerUrl" must be an http(s) URL');
    cfg.issuerUrl = issuer.replace(/\/+$/, '');
  }
  return cfg;
}

export async function loadConfig(fetchFn: typeof fetch = fetch): Promise<Config> {
  let res: Response;
  try {
    res = await fetchFn('config.json', { cache: 'no-store' });
  } catch {
    throw new ConfigError('could not load config.json');
  }
  if (!res.ok) throw new ConfigError(`could not load config.json (HTTP ${res.status})`);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ConfigError('config.json is not JSON');
  }
  return parseConfig(body);
}
