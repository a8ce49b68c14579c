/**
 * Folds shard workspaces into one: each shard's programs (doc and chunk stage, with their
 * runs and program-cache entries) go to the same document of the whole folder's workspace,
 * found by file, position and content hash. A document whose text changed since the shard read
 * it is not merged (it stays pending, and says so). Hand-edited programs in the target win.
 * Each shard is merged in one transaction, so a merge interrupted half-way can be run again.
 *
 * Shard databases are only read (ATTACH): they stay valid, and may be merged again.
 */
import { existsSync } from 'node:fs';
import type { SqliteDatabase } from '../../native/sqlite/database';
import { describeShard, parseShard, type Shard } from './shard';

export interface ShardMergeResult {
  readonly path: string;
  readonly shard: Shard;
  /** Programs (document x stage) copied in. */
  readonly programs: number;
  /** Shard documents with programs that have no matching document here (the file changed or went). */
  readonly unmatched: number;
  /** Documents whose derived columns must be recomputed. */
  readonly touchedSeqs: readonly number[];
}

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** What each shard file is, before anything is merged: every one a shard, all of one count, none twice. */
export function checkShardSet(db: SqliteDatabase, paths: readonly string[]): Map<string, Shard> {
  const shards = new Map<string, Shard>();
  const seen = new Map<number, string>();
  let count: number | null = null;
  for (const path of paths) {
    if (!existsSync(path)) throw new MergeError(`${path}: no such shard database`);
    const meta = readShardMeta(db, path);
    if (meta.shard === null) throw new MergeError(`${path} is not a shard workspace (it was not written by refine --shard)`);
    const shard = parseShard(meta.shard);
    if (count !== null && shard.count !== count) throw new MergeError(`${path} is shard ${describeShard(shard)} but the others are of ${count}; merge the shards of one run`);
    count = shard.count;
    const twice = seen.get(shard.index);
    if (twice !== undefined) throw new MergeError(`${path} and ${twice} are both shard ${describeShard(shard)}`);
    seen.set(shard.index, path);
    shards.set(path, shard);
  }
  return shards;
}

/** Shard indices of `count` that `shards` does not cover (merging is allowed, the rest stays pending). */
export function missingShards(shards: Iterable<Shard>): number[] {
  const list = [...shards];
  if (list.length === 0) return [];
  const have = new Set(list.map((s) => s.index));
  return Array.from({ length: list[0]!.count }, (_, i) => i).filter((i) => !have.has(i));
}

export function mergeShard(db: SqliteDatabase, path: string, shard: Shard): ShardMergeResult {
  db.prepare('ATTACH DATABASE ? AS shard').run(path);
  try {
    return db.transaction(() => {
      // Runs by programmer key: the same programmer on every shard is one run here.
      db.exec(`
        INSERT INTO runs (stage, programmer_key, programmer_id, kind, label, model_hash, prompt_version, grammar_version, parameters, created_at)
        SELECT r.stage, r.programmer_key, r.programmer_id, r.kind, r.label, r.model_hash, r.prompt_version, r.grammar_version, r.parameters, r.created_at
        FROM shard.runs r
        WHERE NOT EXISTS (SELECT 1 FROM main.runs m WHERE m.stage = r.stage AND m.programmer_key = r.programmer_key)
        ORDER BY r.id;
        CREATE TEMP TABLE IF NOT EXISTS merge_docs (shard_seq INTEGER PRIMARY KEY, main_seq INTEGER NOT NULL);
        DELETE FROM temp.merge_docs;
        INSERT INTO temp.merge_docs (shard_seq, main_seq)
        SELECT sd.seq, md.seq
        FROM shard.documents sd
        JOIN shard.sources ss ON ss.id = sd.source_id
        JOIN main.sources ms ON ms.path = ss.path
        JOIN main.documents md ON md.source_id = ms.id AND md.ord = sd.ord AND md.content_hash = sd.content_hash
        WHERE EXISTS (SELECT 1 FROM shard.programs sp WHERE sp.doc_seq = sd.seq);
      `);
      const withPrograms = db.prepare('SELECT COUNT(DISTINCT doc_seq) FROM shard.programs').pluck().get() as number;
      const matched = db.prepare('SELECT COUNT(*) FROM temp.merge_docs').pluck().get() as number;
      const touchedSeqs = db.prepare('SELECT main_seq FROM temp.merge_docs ORDER BY main_seq').pluck().all() as number[];
      // Programs: a hand edit in the target is kept; anything else is replaced by the shard's.
      const copied = db.prepare(`
        INSERT INTO main.programs (doc_seq, stage, run_id, programmer_key, program, notes, keep_probability, failure, prompt_tokens, generated_tokens, edited, created_at)
        SELECT d.main_seq, p.stage,
               (SELECT m.id FROM main.runs m JOIN shard.runs r ON r.stage = m.stage AND r.programmer_key = m.programmer_key WHERE r.id = p.run_id),
               p.programmer_key, p.program, p.notes, p.keep_probability, p.failure, p.prompt_tokens, p.generated_tokens, p.edited, p.created_at
        FROM shard.programs p JOIN temp.merge_docs d ON d.shard_seq = p.doc_seq
        WHERE true
        ON CONFLICT (doc_seq, stage) DO UPDATE SET
          run_id = excluded.run_id, programmer_key = excluded.programmer_key, program = excluded.program, notes = excluded.notes,
          keep_probability = excluded.keep_probability, failure = excluded.failure, prompt_tokens = excluded.prompt_tokens,
          generated_tokens = excluded.generated_tokens, edited = excluded.edited, created_at = excluded.created_at
        WHERE main.programs.edited = 0
      `).run().changes;
      db.exec(`
        DELETE FROM main.chunk_programs WHERE doc_seq IN (
          SELECT d.main_seq FROM temp.merge_docs d
          JOIN shard.programs p ON p.doc_seq = d.shard_seq AND p.stage = 'chunk'
          JOIN main.programs m ON m.doc_seq = d.main_seq AND m.stage = 'chunk' AND m.edited = 0);
        INSERT OR IGNORE INTO main.chunk_programs (doc_seq, idx, first_line, last_line, program, skipped)
        SELECT d.main_seq, c.idx, c.first_line, c.last_line, c.program, c.skipped
        FROM shard.chunk_programs c JOIN temp.merge_docs d ON d.shard_seq = c.doc_seq
        JOIN main.programs m ON m.doc_seq = d.main_seq AND m.stage = 'chunk' AND m.edited = 0;
        DELETE FROM main.op_toggles WHERE EXISTS (
          SELECT 1 FROM temp.merge_docs d JOIN shard.programs p ON p.doc_seq = d.shard_seq
          WHERE d.main_seq = main.op_toggles.doc_seq AND p.stage = main.op_toggles.stage);
        INSERT OR IGNORE INTO main.program_cache (content_hash, stage, programmer_key, program, notes, keep_probability, chunks, prompt_tokens, generated_tokens)
        SELECT content_hash, stage, programmer_key, program, notes, keep_probability, chunks, prompt_tokens, generated_tokens FROM shard.program_cache;
      `);
      return { path, shard, programs: copied, unmatched: withPrograms - matched, touchedSeqs };
    })();
  } finally {
    db.prepare('DETACH DATABASE shard').run();
  }
}

function readShardMeta(db: SqliteDatabase, path: string): { shard: string | null; folder: string | null } {
  db.prepare('ATTACH DATABASE ? AS probe').run(path);
  try {
    const get = db.prepare<[string], { value: string }>('SELECT value FROM probe.meta WHERE key = ?');
    return { shard: get.get('shard')?.value ?? null, folder: get.get('folder')?.value ?? null };
  } catch (err) {
    throw new MergeError(`${path} is not a Refinery workspace database (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    db.prepare('DETACH DATABASE probe').run();
  }
}
