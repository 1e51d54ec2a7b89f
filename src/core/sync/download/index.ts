export * from './errors';
export * from './url-policy';
export * from './part-state';
export * from './download-file';
