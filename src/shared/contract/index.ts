// The contract: every method the UI may call (input and output schemas) and every event it may
// receive. Both adapters (Electron IPC, headless HTTP) and the renderer's client are typed by it.
import type { z } from 'zod';
import { accountsMethods } from './accounts';
import { appMethods } from './app';
import { EVENTS } from './events';
import { libraryMethods } from './library';
import { settingsMethods } from './settings';
import { tasksMethods } from './tasks';
import { watchMethods } from './watch';
import type { EVENT_NAMES, METHOD_NAMES } from './names';

export const CONTRACT = {
  ...appMethods,
  ...libraryMethods,
  ...tasksMethods,
  ...accountsMethods,
  ...settingsMethods,
  ...watchMethods,
} as const;

export { EVENTS };

export type Contract = typeof CONTRACT;
export type Events = typeof EVENTS;
export type MethodName = keyof Contract & string;
export type EventName = keyof Events & string;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
/** The input after validation (defaults applied, strings trimmed). */
export type MethodParams<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

// names.ts holds the same names as plain strings so the preload bundle carries no schemas; these two
// lines fail to compile when the lists and the maps disagree in either direction.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodNamesMatch: Same<MethodName, (typeof METHOD_NAMES)[number]> = true;
const eventNamesMatch: Same<EventName, (typeof EVENT_NAMES)[number]> = true;
void methodNamesMatch;
void eventNamesMatch;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(CONTRACT, name);
}

export * from './errors';
export * from './common';
export * from './accounts';
export * from './app';
export * from './library';
export * from './settings';
export * from './tasks';
export * from './watch';
