/** What "refine this document now" did, in one sentence for the document view. */
import type { DocRefineResult, Stage } from '../../../contract/api';
import { STATUS_LABEL } from './list-patch';

const STAGE_NAME: Record<Stage, string> = { doc: 'document-stage', chunk: 'chunk-stage', ultrax: 'UltraX' };

export function describeRefine(result: Pick<DocRefineResult, 'programmer' | 'wrote' | 'fromCache' | 'before' | 'after' | 'failure'>): string {
  const { programmer, wrote, fromCache, before, after, failure } = result;
  if (failure !== null) return `${programmer} failed on this document: ${failure}. It is listed under Errors; refine it again to retry.`;
  if (wrote.length === 0) return `Already refined by ${programmer}: the programs shown are its own (${STATUS_LABEL[after]}).`;
  const programs = `${wrote.map((s) => STAGE_NAME[s]).join(' and ')} program${wrote.length === 1 ? '' : 's'} written${fromCache > 0 ? `, ${fromCache} from the cache` : ''}`;
  const change = before === after ? `still ${STATUS_LABEL[after]}` : `${STATUS_LABEL[before]} → ${STATUS_LABEL[after]}`;
  return `Refined now by ${programmer}: ${change} (${programs}).`;
}
