import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationFiles, headingSlugs, links, read, ROOT } from './markdown.js';

/**
 * Every relative link in README.md and docs/ reaches a file or folder of the repository, and every
 * `#anchor` a heading of its page (GitHub's slugs). Links with a scheme (https:, mailto:) are not
 * followed: the tests have no network.
 */
describe('documentation links', () => {
  const files = documentationFiles();

  it('finds the documentation', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', join('docs', 'architecture.md')]));
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s: every relative link resolves', (_name, file) => {
    const broken: string[] = [];
    for (const { target, line } of links(read(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [path, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
      if (!existsSync(resolved)) {
        broken.push(`line ${line}: ${target} (no ${relative(ROOT, resolved)})`);
        continue;
      }
      if (anchor !== undefined && statSync(resolved).isFile() && resolved.endsWith('.md')) {
        if (!headingSlugs(read(resolved)).has(anchor.toLowerCase())) broken.push(`line ${line}: ${target} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reads GitHub slugs as GitHub does', () => {
    const slugs = headingSlugs('# The explainer server: `glassbox serve`\n## Your model, your data: ONNX, TensorFlow.js and a CSV\n## API\n## API\n```\n# not a heading\n```\n');
    expect([...slugs]).toEqual(['the-explainer-server-glassbox-serve', 'your-model-your-data-onnx-tensorflowjs-and-a-csv', 'api', 'api-1']);
  });
});
