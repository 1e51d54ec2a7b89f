export * from './model';
export * from './exact-json';
export * from './parse';
export * from './status';
export * from './task-fields';
export * from './open-object';
export * from './needed-facts';
export * from './eta';
