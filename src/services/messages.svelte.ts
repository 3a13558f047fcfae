/**
 * The one way the app tells the person something: a typed event map (name -> payload) and the list of
 * messages shown in the status region (info, role="status") and the alert region (errors, role="alert").
 * Messages accumulate until the person dismisses them, so everything said about a batch stays readable.
 */

export type MessageKind = 'info' | 'error';

export interface Message {
  id: number;
  kind: MessageKind;
  text: string;
  at: number;
}

/** Events the app's services emit; components and other services subscribe to the ones they need. */
export interface MirrorEvents {
  message: Message;
  /** Looks were added, analysed, changed or deleted: lists showing looks should re-read them. */
  'looks-changed': { lookIds: string[] | 'all' };
  /** A pack was added, updated or removed, or a request to another origin was logged. */
  'packs-changed': { packIds: string[] };
}

type Handler<K extends keyof MirrorEvents> = (payload: MirrorEvents[K]) => void;

// One set per event name; the typed on/emit below are the only way in, so the casts hold.
const handlers = new Map<keyof MirrorEvents, Set<(payload: never) => void>>();

export function on<K extends keyof MirrorEvents>(name: K, handler: Handler<K>): () => void {
  let set = handlers.get(name);
  if (!set) handlers.set(name, (set = new Set()));
  set.add(handler as (payload: never) => void);
  return () => set.delete(handler as (payload: never) => void);
}

export function emit<K extends keyof MirrorEvents>(name: K, payload: MirrorEvents[K]): void {
  for (const handler of handlers.get(name) ?? []) (handler as Handler<K>)(payload);
}

/** At most this many messages are kept; the oldest go first. */
const KEEP = 200;
let nextId = 1;

export const messages = $state<{ list: Message[] }>({ list: [] });

export function say(kind: MessageKind, text: string): void {
  const message: Message = { id: nextId++, kind, text, at: Date.now() };
  messages.list = [...messages.list, message].slice(-KEEP);
  emit('message', message);
}

export const info = (text: string): void => say('info', text);
export const error = (text: string): void => say('error', text);

export function dismiss(id: number): void {
  messages.list = messages.list.filter((m) => m.id !== id);
}

export function dismissAll(kind?: MessageKind): void {
  messages.list = kind ? messages.list.filter((m) => m.kind !== kind) : [];
}

/** The text of an unknown thrown value, for messages. */
export function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
