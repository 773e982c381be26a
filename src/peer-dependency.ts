import { MissingDependencyError } from './core/errors.js';

/**
 * Imports an optional peer dependency on first use: `load` is the `import()` of `packageName`, which
 * `feature` needs. When the package is not installed, or installed but failing to load (a native
 * binary that does not match the platform), the error is a {@link MissingDependencyError} that names
 * the package and how to install it.
 */
export async function importPeer<T>(load: () => Promise<T>, packageName: string, feature: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const absent = isPackageMissing(err, packageName);
    throw new MissingDependencyError(
      packageName,
      absent
        ? `${feature} need the ${packageName} package, an optional peer dependency of glassbox: npm install ${packageName}`
        : `${packageName} failed to load (${(err as Error).message}); ${feature} need it: reinstall it (npm install ${packageName})`,
      { cause: err },
    );
  }
}

/**
 * Whether `err`, thrown by `import(packageName)`, says that the package is not installed: Node's
 * `ERR_MODULE_NOT_FOUND` (or CommonJS `MODULE_NOT_FOUND`) naming it, or the error with which bundlers
 * built on Vite (vitest among them) replace an optional peer dependency they could not resolve
 * (`Could not resolve "PACKAGE" imported by ...`).
 */
export function isPackageMissing(err: unknown, packageName: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return message.includes(packageName);
  return message.startsWith(`Could not resolve "${packageName}"`);
}
