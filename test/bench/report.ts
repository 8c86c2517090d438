import { readFileSync } from 'node:fs';

/** A process's resident memory now and at its peak, in MB (Linux's /proc). */
export function vmStatus(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key: string) => Math.round(Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN) / 102.4) / 10;
  return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM') };
}

/** Prints a bench's figures as JSON and gives its exit code: 1 when a target is missed (each named on stderr). */
export function report(result: { targets: Record<string, { ok: boolean }> }, log: (msg: string) => void): number {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const missed = Object.entries(result.targets)
    .filter(([, t]) => !t.ok)
    .map(([k]) => k);
  if (missed.length) log(`target missed: ${missed.join(', ')}`);
  return missed.length ? 1 : 0;
}

/** Runs a bench and exits with its code: 2 when it could not run (the reason on stderr). */
export function runBench(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bench ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    }
  );
}
