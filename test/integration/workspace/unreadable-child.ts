/**
 * Run by unreadable-file.test.ts as an ordinary user (root reads any file, so a mode-000 file
 * is unreadable only to someone else): opens the folder through the app's API
 * (workspace.open, as `serve` and the desktop app do) and indexes it once more with the read
 * worker. Prints one JSON line.
 */
import { createWorkspaceApi } from '../../../main/api/handlers';
import { Workspace } from '../../../main/workspace/service';

const [folder, home] = [process.argv[2]!, process.argv[3]!];
const env = { ...process.env, REFINERY_HOME: home };
const api = createWorkspaceApi({ shell: 'test', env, emit: () => undefined });
const opened = await api.handlers['workspace.open']({ folder });
const errors = await api.handlers['workspace.scanErrors']({ offset: 0, limit: 50 });
await api.dispose();

// The same folder through the read worker (large scans take this path).
const ws = Workspace.open(folder, { env, dbPath: `${home}/worker.sqlite` });
const inWorker = await ws.index({ readInWorker: true });
const workerErrors = ws.scanErrors(0, 50).rows;
await ws.dispose();
process.stdout.write(`${JSON.stringify({ opened, errors: errors.rows, inWorker: { documentsRead: inWorker.documentsRead, filesIncomplete: inWorker.filesIncomplete, errors: workerErrors } })}\n`);
