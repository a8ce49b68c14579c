/** The Electron client: API errors arrive from the preload as replies and keep their code and message whole. */
import { describe, expect, it } from 'vitest';
import type { CallReply, MethodName, ShellBridge } from '../../../contract/api';
import { ApiError, electronClient } from '../../../renderer/src/api/client';

function bridgeAnswering(answer: (method: MethodName, input: unknown) => Promise<unknown>): ShellBridge {
  return {
    shell: 'electron',
    invoke: (method, input) => answer(method, input) as Promise<CallReply>,
    on: () => () => undefined,
    chooseFolder: async () => null,
    chooseExportFile: async () => null,
    onMenu: () => () => undefined,
  };
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('the call did not fail');
}

describe('electronClient', () => {
  it('returns the result of an ok reply, for the method and input asked', async () => {
    const asked: unknown[] = [];
    const client = electronClient(
      bridgeAnswering(async (method, input) => {
        asked.push([method, input]);
        return { ok: true, result: { version: '1.2.3', shell: 'electron' } };
      }),
    );
    expect(await client.call('app.info', {})).toEqual({ version: '1.2.3', shell: 'electron' });
    expect(asked).toEqual([['app.info', {}]]);
  });

  it("rejects with the reply's own code and message, however the message reads", async () => {
    const message = 'failed: a refine job is running (busy: 3/10)\nwait for it or cancel it';
    const client = electronClient(bridgeAnswering(async () => ({ ok: false, error: { code: 'busy', message } })));
    const err = await failure(client.call('app.info', {}));
    expect([err.code, err.message]).toEqual(['busy', message]);
  });

  it('says the main process did not answer when the IPC link itself fails, naming the call', async () => {
    const client = electronClient(
      bridgeAnswering(async () => {
        throw new Error("Error invoking remote method 'refinery:call': reply was never sent");
      }),
    );
    const err = await failure(client.call('docs.list', {}));
    expect(err.code).toBe('failed');
    expect(err.message).toMatch(/^docs\.list: the app's main process did not answer \(.*reply was never sent\)$/);
  });

  it('refuses an answer that is not a call reply', async () => {
    const client = electronClient(bridgeAnswering(async () => 'busy: nope'));
    const err = await failure(client.call('app.info', {}));
    expect([err.code, err.message]).toEqual(['failed', 'app.info: the main process gave an answer that is not a call reply']);
  });
});
