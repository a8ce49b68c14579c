/**
 * Model downloads through node-llama-cpp's downloader (ipull): `hf:owner/repo[:quant]`,
 * `hf:owner/repo/file.gguf` and http(s) URLs, parallel connections, resume from the partial
 * file left by an interrupted download.
 */
import { createModelDownloader } from 'node-llama-cpp';
import { settleDownloadedFile } from './settle-download';

export interface DownloadOptions {
  readonly uri: string;
  readonly dir: string;
  /** The saved file's name; default: the name the URI resolves to (`hf:` URIs get node-llama-cpp's `hf_<owner>_` prefix). */
  readonly fileName?: string;
  /** Hugging Face endpoint, e.g. a local mirror; default HF_ENDPOINT or https://huggingface.co/. */
  readonly huggingFaceEndpoint?: string;
  readonly onProgress?: (progress: { bytes: number; total: number | null }) => void;
  readonly signal?: AbortSignal;
}

export interface DownloadedFile {
  readonly path: string;
  readonly fileName: string;
  readonly bytes: number;
}

export async function downloadModelFile(options: DownloadOptions): Promise<DownloadedFile> {
  const downloader = await createModelDownloader({
    modelUri: options.uri,
    dirPath: options.dir,
    fileName: options.fileName,
    // Keep the partial file on cancel or failure: the next attempt resumes from it.
    deleteTempFileOnCancel: false,
    // ipull saves resume progress only when not skipping existing files (it checks this flag).
    skipExisting: false,
    showCliProgress: false,
    endpoints: options.huggingFaceEndpoint ? { huggingFace: options.huggingFaceEndpoint } : undefined,
    onProgress: (status) => options.onProgress?.({ bytes: status.downloadedSize, total: status.totalSize > 0 ? status.totalSize : null }),
  });
  const path = await downloader.download({ signal: options.signal });
  // ipull's cancel makes download() resolve rather than reject; an aborted download is not a file.
  if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('download aborted');
  // Every file of the download (a split GGUF has several), each against its own announced size.
  for (const file of downloader.filesInfo) await settleDownloadedFile(file.filePath, file.totalSize);
  return { path, fileName: downloader.entrypointFilename, bytes: downloader.totalSize };
}
