import type { RemoteProtocol } from '../predictors/remote/options.js';

/**
 * Whether the model endpoint answers, before the server calls itself ready. Each protocol has a GET
 * that a serving runtime answers with 200 once the model is loaded:
 * - Open Inference Protocol: `GET /v2/models/NAME[/versions/V]/ready` ("Model Ready");
 * - KServe v1: `GET /v1/models/NAME` (`{"name", "ready": true}`);
 * - Seldon Core v1: `GET .../health/status` beside `.../api/v1.0/predictions` (the Python wrapper's).
 */
export function modelReadyUrl(inferUrl: string, protocol: RemoteProtocol): string {
  const url = new URL(inferUrl);
  if (protocol === 'v2') url.pathname = url.pathname.replace(/\/infer\/?$/, '/ready');
  else if (protocol === 'kserve-v1') url.pathname = url.pathname.replace(/:[^/:]*$/, '');
  else url.pathname = url.pathname.replace(/\/api\/v(?:1\.0|0\.1)\/predictions\/?$/, '/health/status');
  return url.href;
}

/**
 * GETs `url` once; resolves when it answers 2xx within `timeoutMs`, rejects with an Error saying what
 * happened otherwise.
 */
export async function probeModel(url: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new Error(`the model's readiness URL ${url} did not answer (${cause?.code ?? (err as Error).message})`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new Error(`the model's readiness URL ${url} answered HTTP ${res.status}: ${JSON.stringify(text.slice(0, 200))}`);
}
