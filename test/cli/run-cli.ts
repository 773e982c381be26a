import { runCli } from '../../src/cli/cli.js';

/**
 * Runs the `glassbox` command in-process, as a test would from a shell (not a terminal), and returns its
 * exit code and everything it printed to stdout and stderr.
 */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interactive: false });
  return { code, stdout, stderr };
}
