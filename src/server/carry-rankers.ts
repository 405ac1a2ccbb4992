/**
 * A training job's candidate carries the rankers of the version it started from, as they were
 * when it started. Federated rounds may have published newer ones into that version since
 * (federated-ranker.ts). Publishing the candidate as it is would silently undo those rounds,
 * and rounds still open on the newer ranker would then be skipped with their ε spent. So just
 * before the candidate is served, each catalogue's current ranker and its (ε, δ) are copied
 * into it (the candidate is not served yet: nothing reads it meanwhile). The benchmark's ranker
 * figures in its manifest stay those of the ranker it was evaluated with; the gate (catalogue
 * NDCG@10) does not depend on the ranker.
 */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, weakestGuarantee, type ModelManifest } from '../core/manifest.ts';
import { currentVersion } from './current-version.ts';
import { describeBytes, writeAtomically } from './model-files.ts';

/**
 * Brings the current version's newer rankers into `candidate`; returns the catalogues whose
 * ranker it replaced. Throws when the current version gained a catalogue during the job (an
 * upload): its items were embedded with the old encoder, so the candidate cannot carry it,
 * and publishing without it would stop serving it.
 */
export function carryCurrentRankers(modelsDir: string, candidate: string): string[] {
  const { manifest: current, versionDir: currentDir } = currentVersion(modelsDir);
  const candidateDir = join(modelsDir, candidate);
  const manifest = parseManifest(JSON.parse(readFileSync(join(candidateDir, 'manifest.json'), 'utf8')));
  const added = current.catalogs.filter((c) => !manifest.catalogs.some((m) => m.name === c.name)).map((c) => `"${c.name}"`);
  if (added.length > 0) throw new Error(`catalogue ${added.join(', ')} was added to ${current.version} while the job ran and is not in the candidate: start the job again to embed it with the new encoder`);
  const carried: string[] = [];
  let files = manifest.files;
  const catalogs = manifest.catalogs.map((entry) => {
    const now = current.catalogs.find((c) => c.name === entry.name);
    if (!now?.ranker || now.ranker === entry.ranker || !existsSync(join(currentDir, now.ranker))) return entry;
    const bytes = readFileSync(join(currentDir, now.ranker));
    writeAtomically(join(candidateDir, now.ranker), bytes);
    files = [...files.filter((f) => f.name !== entry.ranker && f.name !== now.ranker), describeBytes(now.ranker, bytes, 'json')];
    carried.push(entry.name);
    const { dp, ...rest } = { ...entry, ranker: now.ranker };
    return now.dp ? { ...rest, dp: now.dp } : rest;
  });
  if (carried.length === 0) return carried;
  const updated: ModelManifest = { ...manifest, files, catalogs, dp: weakestGuarantee(catalogs, manifest.dp) };
  writeAtomically(join(candidateDir, 'manifest.json'), JSON.stringify(updated, null, 2) + '\n');
  // The rankers it replaced are no longer listed: remove them so the folder holds what it lists.
  for (const name of manifest.catalogs.map((c) => c.ranker)) {
    if (name && !updated.files.some((f) => f.name === name)) unlinkSync(join(candidateDir, name));
  }
  return carried;
}
