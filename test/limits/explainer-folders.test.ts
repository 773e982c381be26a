import { execFileSync } from 'node:child_process';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { ExplainerFileError } from '../../src/core/errors.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { loadExplainer, saveExplainer } from '../../src/persistence/explainer-dir.js';
import { MAX_JSON_DEPTH } from '../../src/persistence/folder-files.js';
import { damagedCopy, tempDir } from '../persistence/helpers.js';

/**
 * Issue 14, item 4: a saved explainer folder is untrusted data. Tampered copies (symbolic links in and
 * out of the folder, a FIFO, /dev/zero, one binary referenced 2,000 times, 100,000-deep JSON,
 * truncation) each fail fast with an ExplainerFileError naming the file, never a hang, a stack or
 * another file's content.
 */

const adult = loadAdult();
const { predictor } = loadDemoModel('adult-gbt');
const VALUES = 'state.values.bin';
let saved: string;
let scratch: string;

beforeAll(async () => {
  saved = await tempDir();
  scratch = await tempDir();
  const explainer = await new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap }).fit(adult.train.rows, { maxTrainingRows: 200 });
  await saveExplainer(explainer, saved);
});

const tampered = (damage: (dir: string) => Promise<void>) => damagedCopy(saved, scratch, damage);

async function loadError(dir: string): Promise<ExplainerFileError> {
  const started = performance.now();
  const err = await loadExplainer(dir, predictor).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(performance.now() - started).toBeLessThan(2000);
  expect(err).toBeInstanceOf(ExplainerFileError);
  return err as ExplainerFileError;
}

const editJson = (edit: (json: Record<string, any>) => void) => async (dir: string) => {
  const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
  edit(json);
  await writeFile(join(dir, 'explainer.json'), JSON.stringify(json));
};

describe('a tampered explainer folder', () => {
  it('the untampered copy loads', async () => {
    expect((await loadExplainer(await tampered(async () => {}), predictor)).type).toBe('AnchorTabular');
  });

  it('a binary file that is a symbolic link to /dev/zero, or to a file outside the folder', async () => {
    const zero = await tampered(async (d) => {
      await rm(join(d, VALUES));
      await symlink('/dev/zero', join(d, VALUES));
    });
    const err = await loadError(zero);
    expect(err.file).toBe(join(zero, VALUES));
    expect(err.message).toBe(`${join(zero, VALUES)}: is a symbolic link; a saved explainer is read from regular files inside its folder only`);
    const outside = await tampered(async (d) => {
      await rm(join(d, VALUES));
      await symlink(join(saved, VALUES), join(d, VALUES));
    });
    expect((await loadError(outside)).message).toMatch(/state\.values\.bin: is a symbolic link/);
  });

  it('an explainer.json that is a symbolic link to another file: refused without quoting that file', async () => {
    const secret = join(scratch, 'secret.txt');
    await writeFile(secret, 'password=hunter2\n');
    const dir = await tampered(async (d) => {
      await rm(join(d, 'explainer.json'));
      await symlink(secret, join(d, 'explainer.json'));
    });
    const err = await loadError(dir);
    expect(err.message).toMatch(/explainer\.json: is a symbolic link/);
    expect(err.message).not.toContain('hunter2');
  });

  it('a garbage explainer.json is refused without quoting it', async () => {
    const dir = await tampered((d) => writeFile(join(d, 'explainer.json'), '{"format": hunter2}'));
    const err = await loadError(dir);
    expect(err.message).toMatch(/explainer\.json: is not valid JSON/);
    expect(err.message).not.toContain('hunter2');
  });

  it('a FIFO in place of a binary file does not hang', async () => {
    const dir = await tampered(async (d) => {
      await rm(join(d, VALUES));
      execFileSync('mkfifo', [join(d, VALUES)]);
    });
    expect((await loadError(dir)).message).toBe(`${join(dir, VALUES)}: is a device, FIFO or socket; a saved explainer is read from regular files only`);
  });

  it('one binary file referenced 2,000 times', async () => {
    const dir = await tampered(
      editJson((json) => {
        const ref = json.state.values;
        json.state.extra = Array.from({ length: 2000 }, () => ref);
      }),
    );
    const err = await loadError(dir);
    expect(err.message).toBe(`${join(dir, VALUES)}: is referenced by "state.values" and again by "state.extra[0]" in explainer.json; expected each binary file once`);
  });

  it('100,000-deep JSON', async () => {
    const dir = await tampered((d) => writeFile(join(d, 'explainer.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect((await loadError(dir)).message).toMatch(new RegExp(`explainer\\.json: nests arrays and objects more than ${MAX_JSON_DEPTH} deep`));
  });

  it('a truncated binary file, and a declared size above the cap', async () => {
    const truncated = await tampered(async (d) => {
      const bytes = await readFile(join(d, VALUES));
      await writeFile(join(d, VALUES), bytes.subarray(0, 100));
    });
    expect((await loadError(truncated)).message).toMatch(/state\.values\.bin: has 100 bytes; expected \d+ \(\d+ float(?:32|64) values, as "state\.values" in explainer\.json says\): the file is truncated or was replaced/);
    const huge = await tampered(editJson((json) => (json.state.values.length = 2 ** 40)));
    expect((await loadError(huge)).message).toMatch(/state\.values\.bin: is declared as 4398046511104 bytes in explainer\.json; expected at most 1073741824/);
  });
});
