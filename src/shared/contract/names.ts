// Names of the contract's methods and events, the allow-lists the preload and the servers check.
// The full contract (schemas per method and event) grows in this folder.
export const METHOD_NAMES = ['app.info'] as const;
export const EVENT_NAMES = ['task.changed'] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];
