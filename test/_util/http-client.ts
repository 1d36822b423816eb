/**
 * A client over real HTTP for the built-binary tier (test/cli): it keeps its cookies and sends
 * the CSRF cookie's value back in its header, as a page of the web application does.
 */
export class HttpClient {
  private readonly cookies = new Map<string, string>();

  /** `base`: the server's address, read at each request (a restarted server may have another port). */
  constructor(private readonly base: () => string) {}

  /** The Cookie header this client sends (a live stream opened by hand needs it). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** `at`: another server of the same deployment for this request (several API processes share the sessions). */
  async req(method: string, url: string, body?: unknown, options: { headers?: Record<string, string>; at?: string } = {}): Promise<Response> {
    const csrf = this.cookies.get('massline_csrf');
    const res = await fetch(`${options.at ?? this.base()}${url}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...options.headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const m = /^([^=]+)=([^;]*)/.exec(c);
      if (!m) continue;
      if (m[2]) this.cookies.set(m[1]!, m[2]);
      else this.cookies.delete(m[1]!);
    }
    return res;
  }

  /** The request's JSON answer, which must come with `status`. */
  async json<T>(method: string, url: string, body: unknown, status: number, options: { at?: string } = {}): Promise<T> {
    const res = await this.req(method, url, body, options);
    const text = await res.text();
    if (res.status !== status) throw new Error(`${method} ${url}: expected ${status}, got ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
}
