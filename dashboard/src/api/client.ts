import type { Breakpoint, ErrorBody, FlowDocument, FlowListItem, JobStatus, JobSummary, RoutineType, SerializedJob } from './types.js';

/** A failed API call: the server's `{ error: { code, message } }`, or a network failure (`code: 'NETWORK'`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/**
 * The REST API under `/api/v1`, with the API key as `Authorization: Bearer` on every call
 * (never in a URL). `base` is the server's origin (empty for the page's own).
 */
export class ApiClient {
  constructor(
    private readonly apiKey: string,
    private readonly base = '',
    private readonly fetchImpl: FetchLike = (url, init) => fetch(url, init),
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await this.fetchImpl(`${this.base}/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', `The server could not be reached (${e instanceof Error ? e.message : String(e)}).`);
    }
    const text = await res.text();
    if (!res.ok) {
      let parsed: ErrorBody | undefined;
      try {
        parsed = JSON.parse(text) as ErrorBody;
      } catch {
        parsed = undefined;
      }
      const err = parsed?.error;
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `The server answered ${res.status}.`, err?.details);
    }
    if (res.status === 204 || text === '') return undefined as T;
    return (accept === 'application/json' ? JSON.parse(text) : text) as T;
  }

  listFlows(): Promise<{ items: FlowListItem[] }> {
    return this.call('GET', '/flows');
  }
  getFlow(name: string): Promise<{ name: string; document: FlowDocument }> {
    return this.call('GET', `/flows/${encodeURIComponent(name)}`);
  }
  diagram(name: string, format: 'mermaid' | 'd2'): Promise<string> {
    return this.call('GET', `/flows/${encodeURIComponent(name)}/diagram?format=${format}`, undefined, 'text/plain');
  }
  routines(): Promise<{ items: RoutineType[] }> {
    return this.call('GET', '/routines');
  }
  listJobs(query: { flow?: string; status?: JobStatus; limit?: number; cursor?: string } = {}): Promise<{ items: JobSummary[]; nextCursor: string | null }> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    return this.call('GET', `/jobs${s === '' ? '' : `?${s}`}`);
  }
  startJob(flow: string, body: { entryRoutineId?: string; entryParams?: Record<string, unknown> }): Promise<JobSummary> {
    return this.call('POST', `/flows/${encodeURIComponent(flow)}/jobs`, body);
  }
  getJob(id: string): Promise<JobSummary> {
    return this.call('GET', `/jobs/${encodeURIComponent(id)}`);
  }
  jobState(id: string): Promise<SerializedJob> {
    return this.call('GET', `/jobs/${encodeURIComponent(id)}/state`);
  }
  control(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<JobSummary> {
    return this.call('POST', `/jobs/${encodeURIComponent(id)}/${action}`, {});
  }
  listBreakpoints(id: string): Promise<{ items: Breakpoint[] }> {
    return this.call('GET', `/jobs/${encodeURIComponent(id)}/breakpoints`);
  }
  addBreakpoint(id: string, spec: { routineId: string; slot?: string; condition?: string }): Promise<Breakpoint> {
    return this.call('POST', `/jobs/${encodeURIComponent(id)}/breakpoints`, spec);
  }
  removeBreakpoint(id: string, bp: string): Promise<void> {
    return this.call('DELETE', `/jobs/${encodeURIComponent(id)}/breakpoints/${encodeURIComponent(bp)}`);
  }
  step(id: string): Promise<{ taskId: string | null }> {
    return this.call('POST', `/jobs/${encodeURIComponent(id)}/step`, {});
  }
  wsTicket(): Promise<{ ticket: string; expiresAt: string }> {
    return this.call('POST', '/ws-tickets', {});
  }
}
