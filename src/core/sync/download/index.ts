export * from './errors';
export * from './url-policy';
export * from './media-policy';
export * from './part-state';
export * from './download-file';
