/**
 * A throwaway PostgreSQL cluster from Debian's `postgresql` package (scripts/setup.sh installs
 * it): initdb into a temporary directory, a server on a free loopback port, removed on stop.
 * PostgreSQL refuses to run as root, so under root every server command runs as the
 * `postgres` user the package creates, in a directory that user owns.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

export interface PostgresCluster {
  /** postgres://… for the superuser "privet" (trust authentication, loopback only). */
  url: string;
  /** Kills the server as a crash would (`pg_ctl stop -m immediate`: no checkpoint, WAL replay on the next start). */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes the cluster. */
  destroy(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<version>/bin holding the server programs; a clear error when there is none. */
export function postgresBinDir(root = '/usr/lib/postgresql'): string {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bin) {
    throw new Error(`PostgreSQL server programs not found (no ${root}/<version>/bin/initdb): install Debian's postgresql package (\`npm run setup\` does) to run the PostgreSQL tests`);
  }
  return bin;
}

/** Under root, the `postgres` account's uid and gid (PostgreSQL will not run as root); otherwise null. */
async function serverAccount(): Promise<{ uid: number; gid: number } | null> {
  if (userInfo().uid !== 0) return null;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  } catch {
    throw new Error('running as root, but there is no "postgres" user to run PostgreSQL as (Debian\'s postgresql package creates it)');
  }
}

/** `settings` go into postgresql.conf (name → value as it would be written there). */
export async function startPostgres(settings: Record<string, string> = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const account = await serverAccount();
  const dir = mkdtempSync(join(tmpdir(), 'privet-postgres-'));
  if (account) chownSync(dir, account.uid, account.gid);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const pg = async (program: string, args: string[]) => {
    const [file, argv] = account ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];
    try {
      await run(file, argv);
    } catch (err) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${program} ${args.join(' ')} failed: ${(err as { stderr?: string }).stderr ?? String(err)}\n${log}`);
    }
  };

  await pg('initdb', ['-D', dataDir, '-U', 'privet', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Loopback TCP as a deployment would use, and the Unix socket in the cluster's own directory
  // (the packaged default, /var/run/postgresql, may not exist or be writable).
  const conf = { port: String(port), listen_addresses: "'127.0.0.1'", unix_socket_directories: `'${dir}'`, ...settings };
  appendFileSync(join(dataDir, 'postgresql.conf'), Object.entries(conf).map(([name, value]) => `\n${name} = ${value}`).join('') + '\n');
  const start = () => pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
  await start();
  // A test run that dies before destroy() must not leave a server behind.
  const stopOnExit = () => {
    const pid = existsSync(join(dataDir, 'postmaster.pid')) ? Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) : 0;
    try {
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', stopOnExit);
  return {
    url: `postgres://privet@127.0.0.1:${port}/postgres`,
    crash: () => pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']),
    start,
    async destroy() {
      process.off('exit', stopOnExit);
      await pg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
