/**
 * `npm run bench`: every part in turn — the GraphQL server (run.ts), the streamed page (stream.ts), the shipped
 * server under load (shipped.ts), two instances under 100 people (instances.ts), 10,000 customers (scale.ts) —
 * each as its own process, so one part's missed target does not stop the others. Each prints its JSON; the exit
 * code is the worst of theirs (1: a target missed, 2: a part could not run). Run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../support/app-process.js';

const PARTS = ['run', 'stream', 'shipped', 'instances', 'scale'] as const;
const outcomes: { part: string; code: number; seconds: number }[] = [];
for (const part of PARTS) {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, `test/bench/${part}.ts`)], { cwd: repoRoot, stdio: 'inherit' });
  outcomes.push({ part, code: run.status ?? 2, seconds: Math.round((performance.now() - started) / 1000) });
}
process.stderr.write(
  `bench: ${outcomes
    .map((o) => `${o.part} ${o.code === 0 ? 'met' : o.code === 1 ? 'missed a target' : 'did not run'} (${o.seconds} s)`)
    .join(', ')}\n`
);
process.exit(Math.max(...outcomes.map((o) => o.code)));
