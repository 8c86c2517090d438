/**
 * A real PostgreSQL for tests: Debian's `postgresql` server binaries, a throw-away cluster in a temporary folder on
 * a free loopback port (trust authentication, fsync off: nothing here must outlive the run). `database()` makes a
 * fresh, empty database per test and returns its URL, as DATABASE_URL would be set in a deployment.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './redis.js';

/** The newest installed server's bin folder (or PG_BIN). */
export function postgresBin(): string | null {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export const postgresAvailable = () => postgresBin() !== null;

export type TestPostgres = {
  port: number;
  /** A new empty database; its postgres:// URL. */
  database: () => Promise<string>;
  close: () => Promise<void>;
};

/** The server is a program of its own: a run under faketime must not fake its clock too. */
const realClockEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME'))) as NodeJS.ProcessEnv;

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found: apt-get install -y postgresql (or set PG_BIN)');
  const dir = mkdtempSync(path.join(tmpdir(), 'panorama-pg-'));
  const data = path.join(dir, 'data');
  // PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's postgres user
  const asRoot = userInfo().uid === 0;
  const run = (cmd: string, args: string[]) => (asRoot ? { cmd: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] } : { cmd, args });
  if (asRoot) {
    const pwd = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pwd.stdout.trim()), Number(gid.stdout.trim()));
  }
  const init = run(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'panorama', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const made = spawnSync(init.cmd, init.args, { encoding: 'utf8', env: realClockEnv() });
  if (made.status !== 0) throw new Error(`initdb failed: ${made.stderr || made.stdout}`);
  const port = await freePort();
  const server = run(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']);
  // its own process group, so stopping it reaches the server behind runuser too
  const child: ChildProcess = spawn(server.cmd, server.args, { stdio: 'ignore', env: realClockEnv(), detached: true });
  const admin = `postgres://panorama@127.0.0.1:${port}/postgres`;
  let ready = false;
  for (let i = 0; i < 200 && !ready; i++) {
    const c = new pg.Client({ connectionString: admin });
    ready = await c.connect().then(
      () => true,
      () => false,
    );
    await c.end().catch(() => undefined);
    if (!ready) await new Promise((r) => setTimeout(r, 50));
  }
  if (!ready) {
    process.kill(-child.pid!, 'SIGKILL');
    throw new Error(`postgres did not answer on port ${port}`);
  }
  let n = 0;
  return {
    port,
    database: async () => {
      const name = `panorama_test_${process.pid}_${++n}`;
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`create database ${name}`);
      await c.end();
      return `postgres://panorama@127.0.0.1:${port}/${name}`;
    },
    close: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          // SIGINT: PostgreSQL's fast shutdown; SIGKILL if it has not stopped in 5 s
          process.kill(-child.pid!, 'SIGINT');
          setTimeout(() => {
            if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
          }, 5_000).unref();
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
