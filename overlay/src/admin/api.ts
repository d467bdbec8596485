// REST client: JSON in and out, `{"error":{code,message,field?}}` -> ApiError, and the
// admin token (localStorage) as `Authorization: Bearer …` when the daemon wants one.

export const TOKEN_KEY = 'stagehand.admin.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The endpoint does not exist in this daemon (an older build): degrade, don't fail. */
  get missingEndpoint(): boolean {
    return (this.status === 404 && /no such endpoint/i.test(this.message)) || this.status === 405;
  }
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

let token = storage()?.getItem(TOKEN_KEY) ?? '';
let onUnauthorized: () => void = () => {};

export function getToken(): string {
  return token;
}

export function setToken(t: string): void {
  token = t.trim();
  try {
    if (token) storage()?.setItem(TOKEN_KEY, token);
    else storage()?.removeItem(TOKEN_KEY);
  } catch {
    // Storage unavailable: the token lasts for this page.
  }
}

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'The daemon is not reachable. Is stagehand running?');
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    if (res.status === 401) onUnauthorized();
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? (text.slice(0, 200) || `${method} ${path} failed (${res.status})`),
      err?.field ?? null,
    );
  }
  return json as T;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
