/** Typed statement preparation shared by the table modules. */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../../native/sqlite/database';

export type Prepare = <P extends unknown[] | object, R = unknown>(sql: string) => Statement<P, R>;

export function preparer(db: SqliteDatabase): Prepare {
  return <P extends unknown[] | object, R = unknown>(sql: string) => db.prepare<P, R>(sql);
}
