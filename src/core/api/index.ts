export * from './create-api';
export * from './context';
export * from './ports/engine-port';
export * from './event-bus';
export * from './ports/library-port';
export * from './logger';
export * from './ports/useapi-port';
