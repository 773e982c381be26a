import { describe, expect, it } from 'vitest';
import { MissingDependencyError } from '../../src/core/errors.js';
import { importPeer, isPackageMissing } from '../../src/peer-dependency.js';

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

  it('tells a missing package from one that fails to load, under Node and under Vite', () => {
    const node = Object.assign(new Error("Cannot find package 'onnxruntime-node' imported from /app/x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(isPackageMissing(node, 'onnxruntime-node')).toBe(true);
    expect(isPackageMissing(node, 'puppeteer-core')).toBe(false); // a dependency of the package is missing, not it
    expect(isPackageMissing(new Error('Could not resolve "@tensorflow/tfjs-node" imported by "glassbox". Is it installed?'), '@tensorflow/tfjs-node')).toBe(true);
    expect(isPackageMissing(new Error('invalid ELF header'), '@tensorflow/tfjs-node')).toBe(false);
  });
});
