/**
 * Handing a file the person made (a backup, a lookbook, a photo to post) over to them: the system share sheet where
 * the browser can share files and they asked for it, else a download. Nothing is uploaded: the share sheet passes the
 * file to the app the person picks, on the device.
 */

/** Saves a Blob as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started; the URL only has to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Whether this browser has a share sheet for files (phones, mostly). */
export const canShareFiles = (): boolean => typeof navigator.canShare === 'function';

export type HandedOver =
  | { via: 'share' }
  | { via: 'download'; shareError?: string }
  /** The person closed the share sheet: nothing happened. */
  | { via: 'cancelled' };

/** The share sheet when `share` and the browser can share this file, else (or when sharing fails) a download. */
export async function handOver(file: File, opts: { share: boolean; title?: string; text?: string }): Promise<HandedOver> {
  let shareError: string | undefined;
  if (opts.share && navigator.canShare?.({ files: [file] })) {
    try {
      await navigator.share({ files: [file], title: opts.title, text: opts.text });
      return { via: 'share' };
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return { via: 'cancelled' };
      shareError = e instanceof Error ? e.message : String(e);
    }
  }
  download(file, file.name);
  return shareError === undefined ? { via: 'download' } : { via: 'download', shareError };
}
