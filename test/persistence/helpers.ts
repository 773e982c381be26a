import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh temporary folder, removed after the test file's tests. */
export async function tempDir(prefix = 'glassbox-explainer-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh copy of the explainer folder `saved`, made inside `scratch`, with `damage` done to it. */
export async function damagedCopy(saved: string, scratch: string, damage: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'copy-'));
  await cp(saved, dir, { recursive: true });
  await damage(dir);
  return dir;
}
