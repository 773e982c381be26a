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
    const code = (err as { code?: unknown } | null)?.code;
    const absent = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((err as Error).message).includes(packageName);
    throw new MissingDependencyError(
      packageName,
      absent
        ? `${feature} need the ${packageName} package, an optional peer dependency of glassbox: npm install ${packageName}`
        : `${packageName} failed to load (${(err as Error).message}); ${feature} need it: reinstall it (npm install ${packageName})`,
      { cause: err },
    );
  }
}
