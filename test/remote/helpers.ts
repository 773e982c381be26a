import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Shared pieces of the remote tests: a small deterministic classifier, deterministic rows, and a plain
 * node:http server harness that counts requests, requests in flight and rows.
 */

/** Weights of the test classifier: P(class 1) = logistic(w · x + b). */
const WEIGHTS = [0.002, -0.8, 0.5];
const BIAS = 0.3;

/** Class probabilities [1 - p, p] of a logistic model over 3 features (the first is a row id). */
export function logisticPredictor(rows: number[][]): number[][] {
  return rows.map((r) => {
    let z = BIAS;
    for (let j = 0; j < WEIGHTS.length; j++) z += WEIGHTS[j] * r[j];
    const p = 1 / (1 + Math.exp(-z));
    return [1 - p, p];
  });
}

/** The argmax labels of {@link logisticPredictor}. */
export function logisticLabels(rows: number[][]): number[] {
  return logisticPredictor(rows).map((p) => (p[1] > p[0] ? 1 : 0));
}

/** `n` rows of 3 features; feature 0 is the row's id (0..n-1), so servers can tell rows apart. */
export function makeRows(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => [i, (i * 7) % 5, ((i * 13) % 11) / 4]);
}

/** Counters a test server keeps. */
export interface ServerCounters {
  /** Requests received (any path). */
  requests: number;
  /** Requests being handled now. */
  inFlight: number;
  /** The most requests in flight at once. */
  maxInFlight: number;
  /** Rows per prediction request, in arrival order. */
  batchSizes: number[];
  /** How many times each row id was answered with a 200. */
  answered: Map<number, number>;
}

export interface TestServer {
  url: string;
  port: number;
  counters: ServerCounters;
  close(): Promise<void>;
}

export type Handler = (
  req: http.IncomingMessage,
  body: string,
  res: http.ServerResponse,
  counters: ServerCounters,
  /** The body as bytes (for binary bodies). */
  bytes: Buffer,
) => void | Promise<void>;

/** Starts a node:http server on 127.0.0.1 with an ephemeral port. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const counters: ServerCounters = { requests: 0, inFlight: 0, maxInFlight: 0, batchSizes: [], answered: new Map() };
  const server = http.createServer((req, res) => {
    counters.requests += 1;
    counters.inFlight += 1;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        counters.inFlight -= 1;
      }
    };
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      Promise.resolve(handler(req, bytes.toString('utf8'), res, counters, bytes)).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(err) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Records a 200 answer for these rows (by their id in column 0). */
export function countAnswered(counters: ServerCounters, rows: number[][]): void {
  for (const r of rows) counters.answered.set(r[0], (counters.answered.get(r[0]) ?? 0) + 1);
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
