export * from './create-api';
export * from './context';
export * from './engine';
export * from './event-bus';
export * from './library-port';
export * from './logger';
export * from './useapi-port';
