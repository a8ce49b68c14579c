/**
 * The API handler map (contract/api.ts `Handlers`) over the workspace service: one open
 * workspace at a time, its events forwarded to `emit`. Every transport (Electron IPC, HTTP,
 * tests) serves this same map; inputs arrive already validated by the dispatcher.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName, EventPayload, Handlers, InstallProgress, MethodOutput } from '../../contract/api';
import { WorkspaceError } from '../workspace/errors';
import { readRecent } from '../workspace/recent';
import { Workspace } from '../workspace/service';
import { DatabaseOpenError } from '../../native/sqlite/database';
import { CorpusError } from '../corpus/errors';
import { ruleCatalog } from '../rules/config';
import { ExportError } from '../export/writer';
import type { ConvertProgress } from '../convert/convert-checkpoint';

export interface HandlerOptions {
  readonly shell: 'electron' | 'browser' | 'test';
  readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly version?: string;
  /** Database file for every workspace opened (tests); default: one per folder under REFINERY_HOME. */
  readonly dbPath?: string;
}

export interface WorkspaceApi {
  readonly handlers: Handlers;
  current(): Workspace | null;
  dispose(): Promise<void>;
}

/** A local Hugging Face checkpoint folder (config.json inside): models.add converts it (q8_0) like a Hub repository. */
function isCheckpointFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, 'config.json'));
  } catch {
    return false;
  }
}

const FORWARDED: readonly EventName[] = ['scan.progress', 'job.progress', 'export.progress', 'statuses.progress'];

type ModelOutput<M extends 'models.list' | 'models.runtime' | 'models.add' | 'models.convert' | 'models.try'> = MethodOutput<M>;

export function createWorkspaceApi(options: HandlerOptions): WorkspaceApi {
  const env = options.env ?? process.env;
  let workspace: Workspace | null = null;
  let unsubscribe: (() => void)[] = [];
  /** The profile install in progress (one at a time), and the latest progress of the last one. */
  let install: AbortController | null = null;
  let installProgress: InstallProgress | null = null;

  const need = (): Workspace => {
    if (!workspace) throw new WorkspaceError('no_workspace', 'no folder is open; open one first');
    return workspace;
  };
  const close = async () => {
    for (const u of unsubscribe) u();
    unsubscribe = [];
    const old = workspace;
    workspace = null;
    await old?.dispose();
  };
  /** Errors a user can act on keep their message and get an API code; the rest stay 'failed'. */
  const guard = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DatabaseOpenError || err instanceof ExportError) throw new WorkspaceError('failed', err.message);
      if (err instanceof CorpusError) throw new WorkspaceError('invalid_input', err.message);
      throw err;
    }
  };
  /** Conversion reports through `models.download` too (bytes of tensors written): the Models screen shows one progress bar. */
  const conversionProgress = (id: string) => {
    let last = 0;
    return (p: ConvertProgress): void => {
      const now = performance.now();
      if (p.tensorsDone < p.tensorsTotal && now - last < 200) return;
      last = now;
      options.emit('models.download', { id, file: p.tensor ? `converting ${p.tensor}` : 'converted', bytes: p.bytesDone, total: p.bytesTotal, done: false, error: null });
    };
  };
  /**
   * Converts a local Hugging Face checkpoint folder into the models folder, with progress, in the
   * convert-worker thread (the server keeps answering meanwhile); its errors are about the user's
   * checkpoint (missing files, shapes, disk space).
   */
  const convertCheckpoint = async (folder: string, dir: string, type: 'f32' | 'f16' | 'q8_0') => {
    const { convertIntoModelsFolder } = await import('../models/convert-into-folder');
    try {
      return await convertIntoModelsFolder(folder, { dir, type, inWorker: true, onProgress: conversionProgress(folder) });
    } catch (err) {
      throw new WorkspaceError('invalid_input', err instanceof Error ? err.message : String(err));
    }
  };
  const models = async () => {
    try {
      return await import('../models/registry');
    } catch (err) {
      throw new WorkspaceError('failed', `the model runtime is not installed or cannot load (${err instanceof Error ? err.message : String(err)})`);
    }
  };

  const handlers: Handlers = {
    'app.info': async () => ({ version: options.version ?? '0.1.0', shell: options.shell }),

    'workspace.open': (input) =>
      guard(async () => {
        await close();
        const ws = Workspace.open(input.folder, { textField: input.textField, idField: input.idField, env, dbPath: options.dbPath });
        workspace = ws;
        unsubscribe = FORWARDED.map((event) => ws.events.on(event, (payload) => options.emit(event, payload as never)));
        await ws.index();
        return ws.summary();
      }),
    'workspace.current': async () => workspace?.summary() ?? null,
    'workspace.recent': async () => readRecent(env),
    'workspace.rescan': () =>
      guard(async () => {
        await need().index();
        return need().summary();
      }),
    'workspace.scanErrors': async (input) => need().scanErrors(input.offset, input.limit),

    'docs.list': async (input) => need().listDocs(input),
    'docs.rows': async (input) => need().docRows(input.ids),
    'docs.counts': async (input) => need().countDocs(input.search),
    'docs.neighbor': async (input) => need().neighbor(input.docId, input.direction, input.filter),
    'doc.get': async (input) => need().getDoc(input.docId),
    'doc.compare': async (input) => need().compare(input.docId, input.programmers),
    'doc.preview': async (input) => need().preview(input.docId, input.doc, input.chunk, input.ultrax),
    'doc.saveProgram': async (input) => need().saveProgram(input.docId, input.stage, input.text),
    'doc.revertProgram': async (input) => need().revertProgram(input.docId),
    'doc.refine': async (input) => need().refineDocument(input.docId, input.programmer, input.stages),
    'doc.setOperation': async (input) => need().setOperation(input.docId, input.stage, input.line, input.enabled),

    'toggles.get': async () => need().toggles(),
    'toggles.setKind': async (input) => need().setKind(input.kind, input.enabled),

    'refine.start': async (input) => need().startRefine(input.programmer, input.stages, input.retryFailed),
    'refine.pause': async () => need().pauseRefine(),
    'refine.resume': async () => need().resumeRefine(),
    'refine.cancel': async () => need().cancelRefine(),
    'refine.status': async () => need().refineStatus(),
    'refine.errors': async (input) => need().refineErrors(input.limit),

    'export.run': (input) =>
      guard(async () => {
        const ws = need();
        const result = await ws.export({ ...input, out: ws.exportPath(input.out) });
        return { path: result.path, documents: result.documents, bytes: result.bytes, auditFiles: result.auditFiles, failed: result.failed };
      }),
    'stats.get': async () => need().stats(),
    'stats.programmers': async (input) => need().programmerRetention(input),
    'rules.catalog': async () => ruleCatalog(),

    'models.list': async (): Promise<ModelOutput<'models.list'>> => {
      const registry = await models();
      const list = await registry.listModels(registry.modelsDir({ env }));
      return list.map((m) => ({ id: m.id, path: m.path, name: m.name, bytes: m.bytes, architecture: m.architecture, parameters: m.parameters, quantization: m.quantization, sha256: m.sha256 }));
    },
    'models.add': async (input): Promise<ModelOutput<'models.add'>> => {
      const registry = await models();
      const { addHubCheckpoint, checkpointRepoFor } = await import('../models/convert-into-folder');
      // A Hub repository with no GGUF file: fetch its checkpoint and convert it (q8_0, the profiles' first choice).
      const repo = await checkpointRepoFor(input.source, { env });
      const download = (p: { file: string; bytes: number; total: number | null }) =>
        options.emit('models.download', { id: input.source, file: p.file, bytes: p.bytes, total: p.total ?? null, done: false, error: null });
      const dir = registry.modelsDir({ env });
      const m = repo !== undefined
        ? await addHubCheckpoint(repo, { dir, type: 'q8_0', endpoint: env.HF_ENDPOINT, inWorker: true, onDownload: download, onProgress: conversionProgress(input.source) })
        : isCheckpointFolder(input.source)
          ? await convertCheckpoint(input.source, dir, 'q8_0')
          : await registry.addModel(input.source, { dir, onProgress: download });
      options.emit('models.download', { id: input.source, file: m.path, bytes: m.bytes, total: m.bytes, done: true, error: null });
      return { id: m.id, path: m.path, name: m.name, bytes: m.bytes, architecture: m.architecture, parameters: m.parameters, quantization: m.quantization, sha256: m.sha256 };
    },
    'models.runtime': async (): Promise<ModelOutput<'models.runtime'>> => {
      // The llama.cpp binding only (backend, devices, VRAM); no model is loaded.
      let info: import('../../native/llama/runtime').RuntimeInfo;
      try {
        const { loadRuntime } = await import('../../native/llama/runtime');
        info = (await loadRuntime('auto')).info;
      } catch (err) {
        throw new WorkspaceError('failed', `the model runtime (node-llama-cpp) cannot load: ${err instanceof Error ? err.message : String(err)}`);
      }
      return { backend: info.backend, device: info.device, vramBytes: info.vramBytes, gpuAvailable: info.gpuAvailable, note: info.note };
    },
    'models.convert': async (input): Promise<ModelOutput<'models.convert'>> => {
      const registry = await models();
      const m = await convertCheckpoint(input.checkpoint, registry.modelsDir({ env }), input.type);
      return { id: m.id, path: m.path, name: m.name, bytes: m.bytes, architecture: m.architecture, parameters: m.parameters, quantization: m.quantization, sha256: m.sha256 };
    },
    'models.profiles': async (input) => {
      const registry = await models();
      const { describeProfiles } = await import('../models/install-profile');
      return describeProfiles(registry.modelsDir({ env }), input.fidelity);
    },
    'models.installProfile': async (input) => {
      const registry = await models();
      const { installProfile } = await import('../models/install-profile');
      const { PROFILES } = await import('../models/profiles');
      if (!Object.prototype.hasOwnProperty.call(PROFILES, input.profile)) {
        throw new WorkspaceError('invalid_input', `unknown profile "${input.profile}"; built-in profiles: ${Object.keys(PROFILES).join(', ')}`);
      }
      if (install) throw new WorkspaceError('busy', `the models of ${installProgress?.profile ?? 'a profile'} are being installed; wait for it or cancel it first`);
      const controller = new AbortController();
      install = controller;
      installProgress = null;
      try {
        const result = await installProfile(input.profile, {
          dir: registry.modelsDir({ env }),
          endpoint: env.HF_ENDPOINT,
          fidelity: input.fidelity,
          signal: controller.signal,
          onProgress: (p) => {
            installProgress = p;
            options.emit('models.install', p);
          },
        });
        return { state: result.state, profile: result.profile };
      } catch (err) {
        throw new WorkspaceError('failed', `could not install the models of ${input.profile}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        install = null;
      }
    },
    'models.cancelInstall': async () => {
      if (!install) return { cancelled: false };
      install.abort();
      return { cancelled: true };
    },
    'models.installStatus': async () => installProgress,
    'models.try': async (input): Promise<ModelOutput<'models.try'>> => {
      const ws = need();
      const detail = ws.getDoc(input.docId);
      const { resolveProgrammers } = await import('../stage-programmers/resolve');
      const programmers = await resolveProgrammers({ type: 'stages', [input.stage]: input.model }, [input.stage]);
      const programmer = programmers[input.stage]!;
      try {
        const [answer] = await programmer.writePrograms(input.stage, [{ id: input.docId, text: detail.execution.original }]);
        return {
          stage: input.stage,
          text: answer!.program,
          programmer: programmer.info.label,
          keepProbability: answer!.keepProbability ?? null,
          failure: answer!.failure ?? null,
          notes: answer!.notes.map((n) => ({ line: n.line, ...(n.reason !== undefined ? { reason: n.reason } : {}), ...(n.probability !== undefined ? { probability: n.probability } : {}) })),
        };
      } finally {
        await programmer.dispose();
      }
    },
  };

  return {
    handlers,
    current: () => workspace,
    dispose: async () => {
      install?.abort();
      await close();
    },
  };
}
