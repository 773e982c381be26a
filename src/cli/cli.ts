import { GlassboxError } from '../core/errors.js';
import { VERSION } from '../version.js';
import { COUNTERFACTUAL_USAGE, counterfactualCommand } from './commands/counterfactual.js';
import { EXPLAIN_USAGE, explainCommand } from './commands/explain.js';
import { EXPLAIN_BATCH_USAGE, explainBatchCommand } from './commands/explain-batch.js';
import { FIT_USAGE, fitCommand } from './commands/fit.js';
import { SERVE_MODEL_USAGE, serveModelCommand } from './commands/serve-model.js';
import { SERVE_USAGE, serveCommand } from './commands/serve.js';
import { joinNegativeValues, UsageError, type CliIO } from './io.js';
import { SUMMARIZE_USAGE, summarizeCommand } from './commands/summarize.js';
import { AUDIT_USAGE, auditCommand } from './commands/audit.js';

const COMMANDS: Record<string, { run: (argv: string[], io: CliIO) => Promise<number>; usage: string }> = {
  explain: { run: explainCommand, usage: EXPLAIN_USAGE },
  counterfactual: { run: counterfactualCommand, usage: COUNTERFACTUAL_USAGE },
  fit: { run: fitCommand, usage: FIT_USAGE },
  'explain-batch': { run: explainBatchCommand, usage: EXPLAIN_BATCH_USAGE },
  'serve-model': { run: serveModelCommand, usage: SERVE_MODEL_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  summarize: { run: summarizeCommand, usage: SUMMARIZE_USAGE },
  audit: { run: auditCommand, usage: AUDIT_USAGE },
};

export const USAGE = `Usage: glassbox COMMAND [options]

Commands:
  explain DATASET --row N   explain a bundled model's prediction with an anchor (try: glassbox explain adult --row 0)
  explain --model FILE --train CSV --target COLUMN --row N   explain your ONNX or TensorFlow.js model on your CSV
  explain sentiment --text "SENTENCE"   explain the bundled sentiment model's prediction for a sentence
  explain mnist --row N [--png FILE]   explain the bundled CNN's reading of a digit with superpixels
  explain-batch adult --out FILE.jsonl [--workers N] [--shard I/N]   explain many rows on worker threads, as resumable JSON lines
  counterfactual mnist --row N   the smallest change that makes the bundled CNN read another digit
  counterfactual adult --row N --method proto   a prototype-guided counterfactual: what this person would have to change (also mnist)
  counterfactual adult --row N --count 4   several diverse alternatives (genetic, random or k-d tree search, no gradients)
  counterfactual --model FILE --train CSV --target COLUMN --row N --desired-range LOW,HIGH   what brings your regressor's prediction into a range
  fit adult --out DIR   fit an explainer on a bundled data set and save it (also sentiment, mnist --method M, diabetes)
  serve-model adult --port 8000   serve the bundled model over v2, KServe v1 and Seldon (then: explain adult --row N --model-url URL)
  serve --explainer DIR --predictor-url URL   serve a saved explainer beside a deployed model (KServe, Seldon, plain HTTP)
  summarize adult --rows 0:2000 --budget 10   the few anchors that together cover the most rows: what the model does, globally
  audit --explanations FILE --data HELDOUT.csv   re-check anchors on held-out rows; exit code 1 when any is flagged

Run 'glassbox COMMAND --help' for a command's options. 'glassbox --version' prints the version.
`;

/**
 * Runs the `glassbox` command line and returns its exit code: 0 on success, 1 when explaining failed,
 * 2 when the command was called wrongly.
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`glassbox: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(joinNegativeValues(rest), io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      io.stderr(`glassbox ${name}: ${(err as Error).message}\n\n${command.usage}`);
      return 2;
    }
    if (err instanceof GlassboxError) {
      io.stderr(`glassbox ${name}: ${err.name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
