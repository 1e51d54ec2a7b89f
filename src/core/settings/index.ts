export * from './schema';
export * from './migrations';
export * from './store';
export * from './secret-store';
export * from './mask-token';
