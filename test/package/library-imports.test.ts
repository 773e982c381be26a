import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The library never imports the demo stack or the CLI. These folders hold them: the CLI, the bundled
 * data sets, the demo models and their trainers, and the demo model server. They may import the library
 * (and each other); no other file under src/ may import them, by a static, type-only or dynamic import.
 * What the library needs from them is passed in by the CLI or the caller (a batch job's `demo` module,
 * loadExplainer's `findEmbeddings`).
 *
 * The two entry files below are the package surface, not library code: glassbox/demo publishes the
 * demo stack, and glassbox/data publishes the CSV reader, which lives in src/datasets beside the bundled
 * data sets.
 */
const DEMO_AND_CLI = ['src/cli', 'src/datasets', 'src/models', 'src/model-server'];
const ENTRIES_THAT_PUBLISH_THEM = ['src/entries/demo.ts', 'src/entries/data.ts'];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const inside = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);

/** The relative specifiers of `import ... from`, `export ... from`, `import '...'` and `import('...')`. */
function relativeImports(text: string): string[] {
  const found = text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g);
  return [...found].map((m) => m[1]);
}

describe('the library never imports the demo stack or the CLI', () => {
  it(`no file outside ${DEMO_AND_CLI.join(', ')} imports from them`, () => {
    const library = sourceFiles('src').filter((f) => !DEMO_AND_CLI.some((d) => inside(f, d)) && !ENTRIES_THAT_PUBLISH_THEM.includes(f));
    expect(library.length).toBeGreaterThan(100);
    const offending = library.flatMap((file) =>
      relativeImports(readFileSync(join(ROOT, file), 'utf8'))
        .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)))
        .filter((target) => DEMO_AND_CLI.some((d) => inside(target, d)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('finds such an import where there is one (the scan works)', () => {
    expect(relativeImports("import type { X } from '../cli/io.js';\nconst m = await import('./models/a.js');")).toEqual(['../cli/io.js', './models/a.js']);
  });
});
