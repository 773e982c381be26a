import { describe, expect, it } from 'vitest';
import { MissingDependencyError } from '../../src/core/errors.js';
import { importPeer } from '../../src/peer-dependency.js';

describe('importPeer: optional peer dependencies on first use', () => {
  it('names the package to install when it is absent, and one that fails to load', async () => {
    const specifier = 'glassbox-absent-peer';
    const absent = await importPeer(() => import(specifier), specifier, 'Widgets').catch((e: unknown) => e);
    expect(absent).toBeInstanceOf(MissingDependencyError);
    expect(absent).toMatchObject({ code: 'MISSING_DEPENDENCY', packageName: specifier });
    expect((absent as Error).message).toBe(`Widgets need the ${specifier} package, an optional peer dependency of glassbox: npm install ${specifier}`);
    const broken = await importPeer(() => Promise.reject(new Error('invalid ELF header')), 'native-thing', 'Widgets').catch((e: unknown) => e);
    expect((broken as Error).message).toBe('native-thing failed to load (invalid ELF header); Widgets need it: reinstall it (npm install native-thing)');
    expect(await importPeer(() => import('node:path'), 'node:path', 'Paths')).toHaveProperty('join');
  });
});
