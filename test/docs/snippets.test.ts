import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks, documentationFiles, read, ROOT } from './markdown.js';

/**
 * The ```ts snippets of README.md and docs/ compile under the project's strict settings, against the
 * sources: each is written to a temporary module (.mts, so top-level `await` works), `glassbox` and
 * `glassbox/*` resolve to `src/` through `paths`, and the names a snippet uses without defining them
 * (the model, the row, the explanation it talks about) are declared in a prelude from FREE_NAMES.
 *
 * A snippet that is deliberately illustrative (pseudo-code, a fragment of a larger program whose
 * context would be longer than the snippet) is fenced ```ts nocheck and skipped; prefer adding its free
 * names to the table.
 */

/** The free names snippets use, with the type a reader would give them. */
const FREE_NAMES: Record<string, string> = {
  // a model of your own: one with a method, one as a function of rows
  myModel: '{ predictProba(rows: number[][]): number[][] }',
  model: '(rows: number[][]) => number[][]',
  predictor: '(rows: number[][]) => number[][]',
  predict: '(texts: string[]) => number[][]',
  regressor: '(rows: number[][]) => number[]',
  // data
  row: 'number[]',
  scaledRow: 'number[]',
  rows: 'number[][]',
  trainRows: 'number[][]',
  featureNames: 'string[]',
  categoryMap: 'Record<number, string[]>',
  // what earlier text on the page made
  explainer: "import('glassbox').AnchorTabular",
  explanation: "import('glassbox').Explanation<unknown>",
  // credentials
  token: 'string',
  t: 'string',
};

/**
 * Optional peer dependencies that a snippet imports but this checkout does not install, declared as
 * untyped modules (a snippet is then checked for its use of glassbox, not of the package).
 */
const ABSENT_MODULES = ['@huggingface/transformers'];

interface Snippet {
  name: string;
  file: string;
  line: number;
  code: string;
}

function snippets(): Snippet[] {
  const found: Snippet[] = [];
  for (const file of documentationFiles()) {
    for (const block of codeBlocks(read(file))) {
      if (block.info !== 'ts') continue;
      found.push({ name: `${relative(ROOT, file)}:${block.line}`, file, line: block.line, code: block.code });
    }
  }
  return found;
}

/** The names a snippet declares at its top level (imports, const/let, functions, classes). */
function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile('snippet.mts', code, ts.ScriptTarget.ES2022, false);
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** `declare const` lines for the table's names the snippet uses and does not declare itself. */
function prelude(code: string): string {
  const declared = declaredNames(code);
  return Object.entries(FREE_NAMES)
    .filter(([name]) => !declared.has(name) && new RegExp(`(?<![\\w$.])${name.replace('$', '\\$')}(?![\\w$])`).test(code))
    .map(([name, type]) => `declare const ${name}: ${type};`)
    .join(' ');
}

describe('documentation snippets', () => {
  const all = snippets();
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-snippets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-check in strict mode against the sources', () => {
    expect(all.length).toBeGreaterThan(10);
    const files = all.map((snippet, i) => {
      const path = join(dir, `snippet-${i}.mts`);
      // The prelude shares the snippet's first line, so that diagnostics keep the Markdown's line numbers.
      writeFileSync(path, `${prelude(snippet.code)} export {};\n${snippet.code}\n`);
      return path;
    });
    const ambient = join(dir, 'absent-modules.d.ts');
    writeFileSync(ambient, ABSENT_MODULES.map((name) => `declare module '${name}';`).join('\n'));
    const program = ts.createProgram([...files, ambient], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      strict: true,
      noImplicitOverride: true,
      esModuleInterop: true,
      skipLibCheck: true,
      resolveJsonModule: true,
      noEmit: true,
      baseUrl: ROOT,
      paths: { glassbox: ['src/index.ts'], 'glassbox/*': ['src/entries/*.ts'] },
    });
    const problems: string[] = [];
    files.forEach((path, i) => {
      const source = program.getSourceFile(path)!;
      for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
        const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        problems.push(`${relative(ROOT, all[i].file)}:${all[i].line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      }
    });
    expect(problems).toEqual([]);
  }, 60_000);
});
