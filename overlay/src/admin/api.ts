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
  const json = parseJson(text);
  if (!res.ok) throw failure(res.status, text, json, method, path);
  return json as T;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function failure(status: number, text: string, json: unknown, method: string, path: string): ApiError {
  const err = (json as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
  if (status === 401) onUnauthorized();
  return new ApiError(status, err?.code ?? `http_${status}`, err?.message ?? (text.slice(0, 200) || `${method} ${path} failed (${status})`), err?.field ?? null);
}

/**
 * A request whose body or answer is not JSON (a zip up or down): the token goes along,
 * a non-2xx answer throws the same ApiError as `api`, and the caller reads the Response.
 */
export async function apiRaw(method: string, path: string, body?: Blob, contentType = 'application/octet-stream'): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = contentType;
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', 'The daemon is not reachable. Is stagehand running?');
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw failure(res.status, text, parseJson(text), method, path);
  }
  return res;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
